using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Steward.Audit;
using Steward.Notices;
using Steward.Policy;
using Steward.Security;
using Steward.StaffConsole;
using Steward.Storage;
using Steward.Web;

namespace Steward.Hosting;

/// <summary>Builds the <c>steward serve</c> web application; tests start the same application.</summary>
public static class StewardServer
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>Creates the application. <paramref name="configure"/> lets tests replace services (e.g. the clock).</summary>
    public static WebApplication Create(IDictionary<string, string?> flags, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddStewardSources(flags);
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? DefaultUrls);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.JsonWriterOptions = new JsonWriterOptions { Indented = false });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        // Request URLs may carry tokens of later features; the request logger stays quiet.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Authorization", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Warning);
        builder.Logging.EnableRedaction();

        configure?.Invoke(builder.Services);
        builder.Services.AddStewardCore(builder.Configuration);

        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddPages();
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<OpenApiDocumentInfo>();
            o.AddOperationTransformer<OpenApiRoles>();
        });
        // Cookie and antiforgery keys live in the database: sessions survive restarts and work on every node.
        builder.Services.AddDataProtection().SetApplicationName("steward").PersistKeysToDbContext<StewardDbContext>();
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "steward.af";
            o.FormFieldName = "__af";
        });
        var signInsPerMinute = builder.Configuration.GetValue("Security:SignInAttemptsPerMinute", 20);
        builder.Services.AddRateLimiter(o =>
        {
            // Lockout protects one account; this slows guessing across many accounts from one address.
            o.AddPolicy(AccountEndpoints.SignInRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = signInsPerMinute, Window = TimeSpan.FromMinutes(1) }));
            o.OnRejected = async (ctx, ct) =>
            {
                ctx.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                ctx.HttpContext.Response.Headers.RetryAfter = "60";
                await Results.Problem(statusCode: 429, title: "Too many attempts",
                    detail: "Too many sign-in attempts from your address; wait a minute and try again.").ExecuteAsync(ctx.HttpContext);
            };
        });
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

        builder.Services.AddAuthentication(o =>
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
        builder.Services.AddAuthorization(o =>
            o.FallbackPolicy = new AuthorizationPolicyBuilder().AddRequirements(new UndeclaredEndpointRequirement()).Build());

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusPages.WriteAsync);
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapAccount();
        app.MapConsole();
        app.MapAudit();
        app.MapPolicy();
        app.MapNotices();
        return app;
    }

    /// <summary>Before listening: create a new database (refuse a newer or foreign one) and publish the bundled example policy on an empty one.</summary>
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct)
    {
        await services.GetRequiredService<DatabaseMigrator>().EnsureReadyAsync(ct);
        if (services.GetRequiredService<IConfiguration>().GetValue("Policy:PublishBundledExample", defaultValue: true))
            await services.GetRequiredService<PolicyStore>().PublishBundledExampleIfEmptyAsync(services.GetRequiredService<ILogger<PolicyStore>>(), ct);
    }

    public static void ConfigureJson(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
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

/// <summary>/readyz: the database answers.</summary>
internal sealed class DatabaseHealthCheck(Microsoft.EntityFrameworkCore.IDbContextFactory<StewardDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("database unreachable");
    }
}
