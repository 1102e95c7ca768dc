using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Steward.Consent.Decisions;

namespace Steward.Bench;

/// <summary>
/// An in-process decision for a person whose state is cached (find the state, decide one key) against the baseline of a
/// plain <see cref="Dictionary{TKey,TValue}"/> lookup of the same person's id, over 1,000 people with five choices each.
/// Target: at most 5× the lookup, and no allocation.
/// </summary>
[MemoryDiagnoser]
public class DecisionBenchmarks
{
    private const int People = 1000;
    private ServiceProvider _services = null!;
    private ConsentStateCache _cache = null!;
    private KeyRule _rule = null!;
    private Guid[] _ids = null!;
    private Dictionary<Guid, bool> _plain = null!;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        _services = ConsentBench.StartServices();
        var rules = _services.GetRequiredService<ConsentDecisions>().RulesAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()!;
        _rule = rules.Find("eu-gdpr", "cookie:analytics")!;
        _cache = _services.GetRequiredService<ConsentStateCache>();
        _ids = Enumerable.Range(0, People).Select(_ => Guid.NewGuid()).ToArray();
        _plain = [];
        for (var i = 0; i < People; i++)
        {
            _cache.Put(_ids[i], ConsentBench.FiveChoices(rules, i), _cache.Generation);
            _plain[_ids[i]] = i % 2 == 0;
        }
        _now = TimeProvider.System.GetUtcNow();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = People, Description = "Dictionary<Guid,bool> lookup")]
    public int Lookup()
    {
        var allowed = 0;
        foreach (var id in _ids)
            if (_plain.TryGetValue(id, out var yes) && yes) allowed++;
        return allowed;
    }

    [Benchmark(OperationsPerInvoke = People, Description = "cached state + decision")]
    public int Decide()
    {
        var allowed = 0;
        foreach (var id in _ids)
            if (_cache.TryGet(id, out var state) && ConsentDecisions.Decide(state, _rule, false, _now).Allowed) allowed++;
        return allowed;
    }
}
