using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Steward.Consent.Decisions;
using Steward.Hosting;
using Steward.Policy;
using Steward.Storage;

namespace Steward.Bench;

/// <summary>A Steward service provider on a fresh database with the bundled example policy published, for the consent benchmarks.</summary>
internal static class ConsentBench
{
    public static ServiceProvider StartServices(Dictionary<string, string?>? extra = null)
    {
        var settings = BenchDatabase.FreshSettings();
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection().AddLogging(l => l.ClearProviders()).AddSingleton<IConfiguration>(configuration);
        collection.AddStewardCore();
        var services = collection.BuildServiceProvider();
        services.GetRequiredService<DatabaseMigrator>().EnsureReadyAsync(CancellationToken.None).GetAwaiter().GetResult();
        services.GetRequiredService<Steward.Audit.AuditLog>().PrepareAsync(CancellationToken.None).GetAwaiter().GetResult();
        services.GetRequiredService<PolicyStore>()
            .PublishBundledExampleIfEmptyAsync(services.GetRequiredService<ILogger<PolicyStore>>(), CancellationToken.None).GetAwaiter().GetResult();
        return services;
    }

    /// <summary>Five keys of the example policy that need consent in the EU, as a person's standing choices.</summary>
    public static readonly string[] FiveKeys =
        ["purpose:targeted-advertising", "purpose:email-marketing", "cookie:analytics", "cookie:advertising", "channel:email"];

    public static SubjectState FiveChoices(ConsentRules rules, int seed) => new(
        FiveKeys.Select((k, i) => new StandingChoice(rules.Find("eu-gdpr", k)!.KeyId,
            (seed + i) % 3 == 0 ? Steward.Consent.ConsentChoice.Denied : Steward.Consent.ConsentChoice.Granted,
            Steward.Consent.ConsentMethod.Banner, rules.Version, TimeProvider.System.GetUtcNow().AddDays(-(seed % 300)))).ToArray(),
        "eu-gdpr", null);
}
