namespace Steward.Audit;

/// <summary>Registers the audit log and its verifier.</summary>
internal static class AuditSetup
{
    public static IServiceCollection AddStewardAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditVerifier>();
        return services;
    }
}
