using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Steward.Marketing;

/// <summary>Registers the marketing links, the preference centre, the suppression list and the rate limit of the link pages.</summary>
internal static class MarketingSetup
{
    public static IServiceCollection AddStewardMarketing(this IServiceCollection services)
    {
        services.AddOptions<MarketingOptions>().BindConfiguration(MarketingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MarketingOptions>, MarketingOptionsValidator>();
        services.AddSingleton<MarketingLinks>();
        services.AddTransient<MarketingPreferences>();
        services.AddTransient<LinkIssuer>();
        services.AddSingleton<SuppressionList>();
        services.AddRateLimiter(o => o.AddPolicy(MarketingEndpoints.LinkRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
            ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = ctx.RequestServices.GetRequiredService<IOptions<MarketingOptions>>().Value.LinkRequestsPerMinute,
                Window = TimeSpan.FromMinutes(1),
            })));
        return services;
    }
}
