using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Options;
using Steward.Audit;
using Steward.Policy;
using Steward.Security;
using Steward.Storage;

namespace Steward.Hosting;

/// <summary>The services shared by <c>steward serve</c> and every CLI verb.</summary>
public static class StewardServices
{
    /// <summary>Registers storage, audit, security and policy services. Fails fast (one clear line) on bad storage settings.</summary>
    public static IServiceCollection AddStewardCore(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        storage.Provider = storage.Provider.Trim().ToLowerInvariant();
        var connectionString = StorageSetup.ResolveConnectionString(storage);
        services.AddSingleton(Options.Create(storage));

        services.TryAddSingletonTimeProvider();
        services.AddDbContextFactory<StewardDbContext>(o => StorageSetup.Configure(o, storage.Provider, connectionString));
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditVerifier>();
        services.AddSingleton<StaffDirectory>();
        services.AddStewardPolicy();

        services.AddRedaction(r =>
        {
            r.SetRedactor<ErasingRedactor>(new DataClassificationSet(PrivacyTaxonomy.PersonalData), new DataClassificationSet(PrivacyTaxonomy.Secret));
            r.SetFallbackRedactor<ErasingRedactor>();
        });
        return services;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }
}
