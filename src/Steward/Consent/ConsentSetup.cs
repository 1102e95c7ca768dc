using Steward.People;

namespace Steward.Consent;

/// <summary>Registers the consent feature: intake checks, the ledger of events, and its part in merging two people.</summary>
internal static class ConsentSetup
{
    public static IServiceCollection AddStewardConsent(this IServiceCollection services)
    {
        services.AddTransient<ConsentIntake>();
        services.AddSingleton<ConsentLedger>();
        services.AddSingleton<ISubjectMergeStep, ConsentMergeStep>();
        return services;
    }
}
