using Microsoft.Extensions.Options;
using Steward.Jobs;

namespace Steward.Retention;

/// <summary>Registers the retention plan, the sweep and its daily job, and the daily watch for erased people who come back.</summary>
internal static class RetentionSetup
{
    public static IServiceCollection AddStewardRetention(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        services.AddSingleton<RetentionExclusions>();
        services.AddSingleton<OwnDataRetention>();
        services.AddSingleton<RetentionSweep>();
        services.AddSingleton<ComebackWatch>();
        services.AddRecurringJob<ComebackWatch>(TimeSpan.FromDays(1));
        services.AddRecurringJob<RetentionSweepJob>(sp => sp.GetRequiredService<IOptions<RetentionOptions>>().Value.SweepInterval);
        return services;
    }
}
