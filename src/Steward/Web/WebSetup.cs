using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Steward.Storage;

namespace Steward.Web;

/// <summary>What every HTTP answer shares: JSON, problem details, OpenAPI, health, headers, rate-limit refusals.</summary>
internal static class WebSetup
{
    public static IServiceCollection AddStewardWeb(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
            // Routing answers these before any endpoint runs, with a title only: say what to change.
            c.ProblemDetails.Detail ??= c.ProblemDetails.Status switch
            {
                StatusCodes.Status405MethodNotAllowed => "This path does not take this HTTP method; the OpenAPI document (/openapi/v1.json) lists the methods of each path.",
                StatusCodes.Status415UnsupportedMediaType => "This endpoint does not take a body of this Content-Type; the OpenAPI document (/openapi/v1.json) lists the types it takes (usually application/json).",
                _ => null,
            };
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddPages();
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<OpenApiDocumentInfo>();
            o.AddOperationTransformer<OpenApiRoles>();
        });
        services.AddRateLimiter(o => o.OnRejected = async (ctx, ct) =>
        {
            ctx.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            ctx.HttpContext.Response.Headers.RetryAfter = "60";
            await Results.Problem(statusCode: 429, title: "Too many attempts",
                detail: "Too many requests from your address; wait a minute and try again.").ExecuteAsync(ctx.HttpContext);
        });
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        services.AddStewardDoor();
        return services;
    }

    public static WebApplication UseStewardWeb(this WebApplication app)
    {
        // Forwarded headers first, so that the client address (rate limits) and scheme (Secure cookies) are right
        // for everything after; they are believed from the configured proxies only (Web:KnownProxies/KnownNetworks).
        app.UseForwardedHeadersFromKnownProxies();
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusPages.WriteAsync);
        app.UseSecurityHeaders();
        app.UseRequestLimits();
        app.UseHeadAsGet();
        app.UseRouting();
        app.UseHeadAfterRouting();
        return app;
    }

    /// <summary>The OpenAPI document and the health endpoints.</summary>
    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // GET (and so HEAD) only: anything else is a 405 problem.
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).AllowAnonymous().WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        app.MapHealthChecks("/readyz", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous().WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        return app;
    }

    public static void ConfigureJson(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
    }
}

/// <summary>/readyz: the database answers.</summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<StewardDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("database unreachable");
    }
}
