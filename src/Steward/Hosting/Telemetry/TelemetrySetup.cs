using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Steward.Security;

namespace Steward.Hosting.Telemetry;

/// <summary>Where traces and metrics go besides <c>/metrics</c>.</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>An OpenTelemetry collector (OTLP over gRPC, e.g. <c>http://collector:4317</c>); empty sends nothing.</summary>
    public string? OtlpEndpoint { get; set; }
}

/// <summary>
/// Metrics (ASP.NET Core, Npgsql and Steward's own meter) for a Prometheus scrape at <c>/metrics</c>,
/// and, when <c>Telemetry:OtlpEndpoint</c> is set, traces and metrics over OTLP. Traces carry no
/// personal data: no query strings, no full URLs, no SQL parameter values.
/// </summary>
internal static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddStewardTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        // Read here because exporters are chosen while services are registered; a malformed value is refused at start by the validator.
        var otlp = TelemetryOptionsValidator.Parse(configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpEndpoint)}"]);

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("steward", serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddMeter(StewardMetrics.MeterName).AddMeter("Npgsql");
                m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp is not null) m.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.EnrichWithHttpRequest = (activity, _) => RemoveUrls(activity))
                // Npgsql records the statement with its $1 placeholders, never the values.
                .AddNpgsql()
                .AddProcessor(new UrlScrubber())
                .AddOtlpExporter(o => o.Endpoint = otlp));
        }
        return services;
    }

    /// <summary><c>/metrics</c> in Prometheus text, for auditors, other systems (service keys) and admins.</summary>
    public static WebApplication MapStewardMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireRoles(Roles.Admin, Roles.Auditor, Roles.Service);
        return app;
    }

    // Query strings and full URLs may carry tokens or identifiers of people; the paths of links in marketing mail carry their token.
    private static void RemoveUrls(Activity activity)
    {
        activity.SetTag("url.query", null);
        activity.SetTag("url.full", null);
        if (activity.GetTagItem("url.path") is string path) activity.SetTag("url.path", Marketing.MarketingEndpoints.WithoutToken(path));
    }

    /// <summary>Removes the URL attributes again when a span ends, whoever set them.</summary>
    private sealed class UrlScrubber : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => RemoveUrls(data);
    }
}

/// <summary>Telemetry:OtlpEndpoint is empty or an absolute http(s) address.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        string.IsNullOrWhiteSpace(options.OtlpEndpoint) || Parse(options.OtlpEndpoint) is not null
            ? ValidateOptionsResult.Success
            // The value is not echoed: an address may carry credentials.
            : ValidateOptionsResult.Fail("Telemetry:OtlpEndpoint must be an absolute http:// or https:// address of an OpenTelemetry collector, e.g. http://collector:4317 (or empty to send nothing).");

    internal static Uri? Parse(string? value) =>
        Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && !string.IsNullOrEmpty(uri.Host) ? uri : null;
}
