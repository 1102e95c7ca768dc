using BenchmarkDotNet.Attributes;
using Steward.Notices;
using Steward.Policy;
using YamlDotNet.Serialization;

namespace Steward.Bench;

/// <summary>
/// Load + validate + render (zh-CN HTML) of the example policy, against the baseline of a plain
/// YamlDotNet deserialisation of the same files into dictionaries, in the same run.
/// </summary>
[Config(typeof(SteadyRatioConfig))]
[MemoryDiagnoser(false)]
public class PolicyBenchmarks
{
    private string _path = null!;
    private string[] _files = null!;
    private static readonly IDeserializer Plain = new DeserializerBuilder().Build();

    [GlobalSetup]
    public void Setup()
    {
        _path = PolicyServices.BundledExamplePath;
        _files = Directory.GetFiles(_path, "*.yaml").Order(StringComparer.Ordinal).ToArray();
        if (!PolicyCheck.Run(_path).IsValid) throw new InvalidOperationException("The example policy is not valid.");
    }

    [Benchmark(Baseline = true, Description = "plain YAML deserialisation of the files")]
    public int PlainYaml()
    {
        var n = 0;
        foreach (var f in _files) n += Plain.Deserialize<Dictionary<object, object>>(File.ReadAllText(f)).Count;
        return n;
    }

    [Benchmark(Description = "load + validate")]
    public int LoadAndValidate() => PolicyCheck.Run(_path).Document!.Purposes.Count;

    [Benchmark(Description = "load + validate + render notice (zh-CN HTML)")]
    public async Task<int> LoadValidateRender()
    {
        var policy = PolicyCheck.Run(_path);
        var published = new PublishedPolicy(new PolicyVersionInfo(1, "", new DateOnly(2026, 1, 1), false, null, default, "bench"), policy.Document!);
        return (await NoticeRenderers.HtmlFileAsync(NoticeBuilder.Build(published, "zh-CN"))).Length;
    }
}
