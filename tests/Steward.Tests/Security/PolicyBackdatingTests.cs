using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Policy;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Security;

/// <summary>Versions cannot be slipped in: no backdating without a stated, audited reason; the banner counts from publication.</summary>
public sealed class PolicyBackdatingTests
{
    private static string Changed => PolicyFixture.Minimal.Swap("      period: P3Y\n", "      period: P2Y\n");

    [Fact]
    public async Task A_backdated_version_is_refused_by_the_api_unless_a_reason_is_given_and_audited()
    {
        await using var app = await StewardTestApp.StartAsync();
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        var past = app.Services<PolicyStore>().Today.AddDays(-10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var refused = await officer.PostAsJsonAsync("/api/v1/policy/versions", new { policy = Changed, significant = true, effectiveDate = past });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("backdatedReason", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.TryGetProperty("traceId", out _));
        Assert.Empty(await app.Services<PolicyStore>().ListAsync(CancellationToken.None));

        var allowed = await officer.PostAsJsonAsync("/api/v1/policy/versions",
            new { policy = Changed, significant = true, effectiveDate = past, backdatedReason = "Recording the version in force since the merger" });
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        await using var db = await app.DbAsync();
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == "policy.published");
        Assert.Contains("\"backdated\":true", entry.Details, StringComparison.Ordinal);
        Assert.Contains("Recording the version in force since the merger", entry.Details, StringComparison.Ordinal);
        Assert.Equal("policy:1", entry.Target);
    }

    [Fact]
    public async Task The_update_banner_runs_thirty_days_from_publication_whatever_date_the_version_claims()
    {
        await using var app = await StewardTestApp.StartAsync();
        var store = app.Services<PolicyStore>();
        var today = store.Today;
        await app.PublishAsync(PolicyFixture.MinimalPath, effective: today.AddDays(-60));
        await app.PublishAsync(PolicyFixture.Write(Changed), significant: true, summary: "Kept for two years.", effective: today.AddDays(-20));

        var client = app.Client();
        var html = await client.GetStringAsync("/privacy?lang=en");
        Assert.Contains("class=\"banner\"", html, StringComparison.Ordinal);
        Assert.Contains($"We updated this privacy notice on {Steward.Notices.Vocabulary.Date(today, "en")}.", html, StringComparison.Ordinal);
        app.Time.Advance(TimeSpan.FromDays(25));
        Assert.Contains("class=\"banner\"", await client.GetStringAsync("/privacy?lang=en"), StringComparison.Ordinal);
        app.Time.Advance(TimeSpan.FromDays(5));
        Assert.DoesNotContain("class=\"banner\"", await client.GetStringAsync("/privacy?lang=en"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_refuses_backdating_in_one_line_and_allows_it_with_a_reason()
    {
        await using var db = await TestDatabase.CreateAsync();
        var past = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(-3)
            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var refused = await StewardCli.RunAsync(db, "", "policy", "publish", PolicyFixture.MinimalPath, "--significant", "--effective", past);
        Assert.Equal(1, refused.ExitCode);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.Contains("--allow-backdated", refused.Stderr, StringComparison.Ordinal);

        var allowed = await StewardCli.RunAsync(db, "", "policy", "publish", PolicyFixture.MinimalPath, "--significant", "--effective", past,
            "--allow-backdated", "importing the version already in force");
        Assert.Equal(0, allowed.ExitCode);
        var audit = await StewardCli.RunAsync(db, "", "audit", "tail");
        Assert.Contains("backdated", audit.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_policy_is_refused_with_a_trace_id()
    {
        await using var app = await StewardTestApp.StartAsync();
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        foreach (var accept in new[] { "application/json", "text/html", "*/*" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/policy/versions")
            {
                Content = JsonContent.Create(new { policy = PolicyFixture.Minimal.Swap("    activity: marketing", "    activity: marketting") }),
            };
            request.Headers.Accept.ParseAdd(accept);
            var bad = await officer.SendAsync(request);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
            var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()), accept);
        }
    }
}
