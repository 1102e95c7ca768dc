using Microsoft.Extensions.DependencyInjection;
using Steward.Consent.Decisions;

namespace Steward.Bench;

/// <summary>
/// The memory that decision state takes for 1,000,000 people with five standing choices each, in the real cache
/// (target: at most 200 MB). Run with <c>dotnet run -c Release --project bench/Steward.Bench -- consent-memory</c>.
/// </summary>
internal static class ConsentMemory
{
    public const string Verb = "consent-memory";
    private const int People = 1_000_000;

    public static void Run()
    {
        using var services = ConsentBench.StartServices();
        var rules = services.GetRequiredService<ConsentDecisions>().RulesAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()!;
        var cache = services.GetRequiredService<ConsentStateCache>();
        var ids = Enumerable.Range(0, People).Select(_ => Guid.NewGuid()).ToArray();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        // Each person's choices as the database reader makes them: an array of five, kept by the cache.
        for (var i = 0; i < People; i++) cache.Put(ids[i], ConsentBench.FiveChoices(rules, i), cache.Generation);
        var used = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine($"decision state for {cache.Count:N0} people x 5 keys: {used / 1024.0 / 1024.0:F1} MB ({used / (double)People:F0} bytes a person); target <= 200 MB");
        GC.KeepAlive(ids);
    }
}
