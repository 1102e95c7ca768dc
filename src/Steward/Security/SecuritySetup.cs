using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.Security;

/// <summary>Sign-in, sessions, API keys, roles and the key hierarchy.</summary>
internal static class SecuritySetup
{
    /// <summary>What every verb needs: staff users, API keys and the key hierarchy.</summary>
    public static IServiceCollection AddStewardStaff(this IServiceCollection services)
    {
        services.AddStewardKeys();
        services.AddSingleton<StaffDirectory>();
        services.AddSingleton<Audit.IAuditedRecords, StaffUserAuditedRecords>();
        services.AddSingleton<Audit.IAuditedRecords, ApiKeyAuditedRecords>();
        return services;
    }

    /// <summary>What the web server adds: cookies, antiforgery, authentication, authorization, the sign-in rate limit.</summary>
    public static IServiceCollection AddStewardWebSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        // Cookie and antiforgery keys live in the database: sessions survive restarts and work on every node.
        services.AddDataProtection().SetApplicationName("steward").PersistKeysToDbContext<StewardDbContext>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "steward.af";
            o.FormFieldName = "__af";
        });
        var signInsPerMinute = configuration.GetValue("Security:SignInAttemptsPerMinute", 20);
        services.AddRateLimiter(o =>
            // Lockout protects one account; this slows guessing across many accounts from one address.
            o.AddPolicy(AccountEndpoints.SignInRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = signInsPerMinute, Window = TimeSpan.FromMinutes(1) })));

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = "steward";
                o.DefaultChallengeScheme = "steward";
            })
            .AddPolicyScheme("steward", "Cookie or API key", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "steward.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = AccountEndpoints.SignInPath;
                o.AccessDeniedPath = AccountEndpoints.SignInPath;
                o.Events.OnRedirectToLogin = ctx => ApiAwareRedirect(ctx, 401);
                o.Events.OnValidatePrincipal = async ctx =>
                {
                    // A disabled user's session ends at its next request, not when the cookie expires.
                    var id = ctx.Principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
                    if (!Guid.TryParse(id, out var userId)
                        || !await ctx.HttpContext.RequestServices.GetRequiredService<StaffDirectory>().IsActiveAsync(userId, ctx.HttpContext.RequestAborted))
                    {
                        ctx.RejectPrincipal();
                        await ctx.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
                o.Events.OnRedirectToAccessDenied = ctx => ApiAwareRedirect(ctx, 403);
            });
        services.AddAuthorization(o =>
            o.FallbackPolicy = new AuthorizationPolicyBuilder().AddRequirements(new UndeclaredEndpointRequirement()).Build());
        return services;
    }

    public static WebApplication UseStewardSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        return app;
    }

    private static async Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            ctx.Response.StatusCode = status;
            await Results.Problem(statusCode: status,
                title: status == 401 ? "Authentication required" : "Forbidden",
                detail: status == 401
                    ? "Send a valid API key as 'Authorization: Bearer KEY', or sign in to the console."
                    : "Your role may not call this endpoint.").ExecuteAsync(ctx.HttpContext);
            return;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
    }
}
