using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Steward.Audit;
using Steward.Connectors;
using Steward.Consent;
using Steward.Jobs;
using Steward.Mail;
using Steward.Marketing;
using Steward.People;
using Steward.Retention;
using Steward.Rights;
using Steward.Policy;
using Steward.Security;
using Steward.Storage;

namespace Steward.Hosting;

/// <summary>The services shared by <c>steward serve</c> and every CLI verb; each feature registers itself.</summary>
internal static class StewardServices
{
    /// <summary>Registers storage, keys, audit, staff, policy, jobs, people, consent, marketing and connectors. Settings are validated when first used (serve: at start).</summary>
    public static IServiceCollection AddStewardCore(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
        services.AddStewardStorage();
        services.AddStewardStaff();
        services.AddStewardAudit();
        services.AddStewardPolicy();
        services.AddStewardJobs();
        services.AddStewardPeople();
        services.AddStewardConsent();
        services.AddStewardMarketing();
        services.AddStewardMail();
        services.AddStewardRights();
        services.AddStewardConnectors();
        services.AddStewardLegalHolds();
        services.AddStewardRetention();
        services.AddRedaction(r =>
        {
            r.SetRedactor<ErasingRedactor>(new DataClassificationSet(PrivacyTaxonomy.PersonalData), new DataClassificationSet(PrivacyTaxonomy.Secret));
            r.SetFallbackRedactor<ErasingRedactor>();
        });
        return services;
    }
}
