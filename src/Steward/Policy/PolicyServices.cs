namespace Steward.Policy;

/// <summary>Registers the policy feature.</summary>
internal static class PolicyServices
{
    public static IServiceCollection AddStewardPolicy(this IServiceCollection services)
    {
        services.AddSingleton<PolicyStore>();
        services.AddSingleton<Audit.IAuditedRecords, PolicyAuditedRecords>();
        return services;
    }

    /// <summary>Where the build puts the bundled example policy (examples/example-global/policy).</summary>
    public static string BundledExamplePath => Path.Combine(AppContext.BaseDirectory, "example-policy");
}
