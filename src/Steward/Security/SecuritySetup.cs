using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
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
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddSingleton<StaffDirectory>();
        services.AddSingleton<Audit.IAuditedRecords, StaffUserAuditedRecords>();
        services.AddSingleton<Audit.IAuditedRecords, ApiKeyAuditedRecords>();
        return services;
    }

    /// <summary>What the web server adds: cookies, antiforgery, authentication, authorization, the sign-in rate limit.</summary>
    public static IServiceCollection AddStewardWebSecurity(this IServiceCollection services)
    {
        // Cookie and antiforgery keys live in the database (sessions survive restarts and work on every node),
        // encrypted under the key hierarchy so that a copy of the database cannot forge a cookie.
        services.AddDataProtection().SetApplicationName("steward").PersistKeysToDbContext<StewardDbContext>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o =>
            {
                o.XmlEncryptor = new KeyRingXmlEncryptor(sp.GetRequiredService<KeyRing>());
                // Someone who can write to the database could add a key of their own in clear: only keys the key ring encrypted count.
                o.XmlRepository = new KeyRingEncryptedKeysOnly(o.XmlRepository!, sp.GetRequiredService<ILogger<KeyRingEncryptedKeysOnly>>());
            }));
        services.AddSingleton<StaffSessions>();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<StaffSessions>((o, sessions) => o.SessionStore = sessions);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "steward.af";
            o.FormFieldName = "__af";
        });
        services.AddRateLimiter(o =>
            // Per account, StaffDirectory limits password checks; this slows guessing across many accounts from one address.
            o.AddPolicy(AccountEndpoints.SignInRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = ctx.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.SignInAttemptsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                })));

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
                // The cookie is a browser-session cookie holding only the session key; expiry (idle and absolute)
                // and revocation live in staff_sessions (StaffSessions), checked on every request.
                o.ExpireTimeSpan = TimeSpan.FromDays(30);
                o.SlidingExpiration = false;
                o.LoginPath = AccountEndpoints.SignInPath;
                o.AccessDeniedPath = AccountEndpoints.SignInPath;
                o.Events.OnRedirectToLogin = ctx => ApiAwareRedirect(ctx, 401);
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
        // Machines (API clients, metric scrapers) get a status, not a sign-in page.
        if (ctx.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || ctx.Request.Path.StartsWithSegments(Hosting.Telemetry.TelemetrySetup.MetricsPath, StringComparison.OrdinalIgnoreCase))
        {
            ctx.Response.StatusCode = status;
            await Results.Problem(statusCode: status,
                title: status == 401 ? "Authentication required" : "Forbidden",
                detail: status == 401
                    ? "Send a valid API key as 'Authorization: Bearer KEY', or sign in to the console."
                    : "Your role may not call this endpoint.").ExecuteAsync(ctx.HttpContext);
            return;
        }
        // Relative, so that no Host header (forged or not) ever ends up in a redirect.
        var uri = new Uri(ctx.RedirectUri, UriKind.RelativeOrAbsolute);
        ctx.Response.Redirect(uri.IsAbsoluteUri ? uri.PathAndQuery : ctx.RedirectUri);
    }
}
