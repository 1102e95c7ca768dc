using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Jobs;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>Registers the audit log, its chainer, checkpoints and verifier, and serve's background loop.</summary>
internal static class AuditSetup
{
    public static IServiceCollection AddStewardAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        // The constructor is internal (it takes the internal key ring) while the type stays public for other features.
        services.AddSingleton(sp => new AuditLog(sp.GetRequiredService<IDbContextFactory<StewardDbContext>>(), sp.GetRequiredService<KeyRing>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AuditLog>>()));
        services.AddSingleton<AuditChainer>();
        services.AddSingleton<AuditVerifier>();
        services.AddSingleton<AuditCheckpoints>();
        // Started only by serve's host; CLI verbs chain on demand.
        services.AddHostedService<AuditBackgroundService>();
        services.AddRecurringJob<AuditCheckpointJob>(sp => sp.GetRequiredService<IOptions<AuditOptions>>().Value.CheckpointInterval);
        return services;
    }
}
