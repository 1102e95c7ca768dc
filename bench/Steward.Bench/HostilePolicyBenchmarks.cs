using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Steward.Policy;
using YamlDotNet.Serialization;

namespace Steward.Bench;

/// <summary>
/// The cost an authorised but hostile publisher can impose: a policy file at the 2 MiB limit made of
/// unknown keys (about 140,000 problems). Checking it should cost a small multiple of merely parsing
/// the same YAML, because problems beyond a cap are counted, not described.
/// </summary>
[Config(typeof(SteadyRatioConfig))]
[MemoryDiagnoser(false)]
public class HostilePolicyBenchmarks
{
    private string _dir = null!;
    private string _file = null!;
    private static readonly IDeserializer Plain = new DeserializerBuilder().Build();

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("steward-bench-hostile-").FullName;
        _file = Path.Combine(_dir, "policy.yaml");
        var text = new StringBuilder("steward: 1\n");
        for (var i = 0; text.Length < PolicyLoader.MaxFileBytes - 64; i++)
            text.Append(CultureInfo.InvariantCulture, $"unknown_key_{i}: 1\n");
        File.WriteAllText(_file, text.ToString());
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Baseline = true, Description = "plain YAML deserialisation of the hostile file")]
    public int PlainYaml() => Plain.Deserialize<Dictionary<object, object>>(File.ReadAllText(_file)).Count;

    [Benchmark(Description = "policy check of the hostile file")]
    public int Check() => PolicyCheck.Run(_file).Diagnostics.Count;
}
