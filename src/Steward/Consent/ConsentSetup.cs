using Steward.Consent.Decisions;
using Steward.People;

namespace Steward.Consent;

/// <summary>Registers the consent feature: intake checks, the ledger of events, its part in merging two people, and decisions.</summary>
internal static class ConsentSetup
{
    public static IServiceCollection AddStewardConsent(this IServiceCollection services)
    {
        services.AddTransient<ConsentIntake>();
        services.AddSingleton<ConsentLedger>();
        services.AddSingleton<ISubjectMergeStep, ConsentMergeStep>();
        services.AddOptions<ConsentDecisionOptions>().BindConfiguration(ConsentDecisionOptions.Section)
            .Validate(o => o.DecisionCacheSize > 0, "Consent:DecisionCacheSize must be a positive number of people.").ValidateOnStart();
        services.AddSingleton<ConsentKeyIds>();
        services.AddSingleton<ConsentRulesCache>();
        services.AddSingleton<ConsentStateCache>();
        services.AddSingleton<ConsentDecisions>();
        services.AddSingleton<Audiences.AudienceExport>();
        return services;
    }
}
