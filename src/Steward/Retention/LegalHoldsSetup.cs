using Steward.People;

namespace Steward.Retention;

/// <summary>Registers legal holds.</summary>
internal static class LegalHoldsSetup
{
    public static IServiceCollection AddStewardLegalHolds(this IServiceCollection services)
    {
        services.AddSingleton<LegalHolds>();
        services.AddSingleton<ISubjectMergeStep, LegalHoldMergeStep>();
        return services;
    }
}
