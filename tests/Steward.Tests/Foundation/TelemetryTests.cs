using System.Diagnostics;
using System.Net;
using OpenTelemetry.Trace;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

/// <summary>/metrics for operators, OTLP only when configured, and traces that carry no personal data.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Metrics_show_requests_and_audit_appends_to_auditors_and_nobody_anonymous()
    {
        await using var app = await StewardTestApp.StartAsync();
        // An audited action: adding a user appends an audit entry.
        await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, "correct horse battery staple");
        var auditor = await app.ClientForRoleAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/audit/verification")).StatusCode);

        var response = await auditor.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("http_server_request_duration", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^steward_audit_appends(_total)?(\{[^}]*\})? [1-9]", text);
        Assert.DoesNotContain("dpo@example.com", text, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientForRoleAsync(Roles.Service)).GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientForRoleAsync(Roles.PrivacyOfficer)).GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task A_configured_otlp_endpoint_traces_requests_without_query_strings()
    {
        var spans = new List<Activity>();
        await using var app = await StewardTestApp.StartAsync(null,
            // Nothing listens there; the exporter drops what it cannot send.
            s => s["Telemetry:OtlpEndpoint"] = "http://127.0.0.1:9",
            services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)),
            null);
        var response = await app.Client().GetAsync("/privacy?lang=en&email=someone%40example.com&token=s3cret");
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        await app.DisposeAsync(); // flushes the spans

        // The tracer sees every app of this test process; ours is the /privacy request (others must be clean too).
        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && s.DisplayName.StartsWith("GET /privacy", StringComparison.Ordinal));
        Assert.All(spans, s => Assert.DoesNotContain("?", s.DisplayName, StringComparison.Ordinal));
        foreach (var span in spans)
        {
            Assert.Null(span.GetTagItem("url.query"));
            Assert.Null(span.GetTagItem("url.full"));
            foreach (var (key, value) in span.Tags)
            {
                Assert.DoesNotContain("someone", value ?? "", StringComparison.Ordinal);
                Assert.DoesNotContain("s3cret", value ?? "", StringComparison.Ordinal);
                Assert.DoesNotContain("token=", value ?? "", StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_malformed_otlp_endpoint_is_refused_in_one_line_naming_the_setting()
    {
        await using var db = await TestDatabase.CreateAsync();
        var settings = db.Settings();
        settings["Telemetry:OtlpEndpoint"] = "collector:4317 please";
        var r = await StewardCli.RunInProcessAsync(settings, null, "serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.StderrLines);
        Assert.Contains("Telemetry:OtlpEndpoint", line, StringComparison.Ordinal);
        Assert.DoesNotContain("please", line, StringComparison.Ordinal);
    }
}
