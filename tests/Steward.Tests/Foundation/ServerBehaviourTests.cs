using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Steward.Policy;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Foundation;

/// <summary>What the server does at its edges: too large, unexpected failure, database gone, sign-out, two nodes.</summary>
public sealed class ServerBehaviourTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task A_policy_over_the_limit_gets_413_and_a_body_over_the_server_limit_too()
    {
        await using var app = await StewardTestApp.StartAsync();
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);

        var tooLong = await officer.PostAsJsonAsync("/api/v1/policy/versions", new { policy = new string('#', (int)PolicyLoader.MaxFileBytes + 1) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode);
        Assert.Equal("application/problem+json", tooLong.Content.Headers.ContentType?.MediaType);
        Assert.Contains("at most 2 MiB", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Beyond the server's own limit the body is not even read.
        var limit = app.Services<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize;
        Assert.NotNull(limit);
        var huge = new ByteArrayContent(new byte[limit.Value + 1]);
        huge.Headers.ContentType = new("application/json");
        // Expect: 100-continue lets the server answer before the body is sent, as it does for a client that asks first.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/policy/versions") { Content = huge };
        request.Headers.ExpectContinue = true;
        var refused = await officer.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_problem_without_exception_text_or_stack()
    {
        const string secret = "connection to db-7.internal failed for customer alice@example.com";
        // An endpoint that exists only in this test.
        await using var app = await StewardTestApp.StartAsync(null, null, null,
            web => web.MapGet("/test-only/throws", (HttpContext _) => throw new InvalidOperationException(secret)).AllowAnonymous());
        var response = await app.Client().GetAsync("/test-only/throws");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("trace id", body, StringComparison.Ordinal);
        foreach (var leak in new[] { "alice", "db-7", "InvalidOperationException", "   at ", "ServerBehaviourTests" })
            Assert.DoesNotContain(leak, body, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("alice@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readyz_answers_503_when_the_database_is_gone()
    {
        await using var app = await StewardTestApp.StartAsync();
        var client = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        if (TestDatabase.IsPostgres)
        {
            var name = new NpgsqlConnectionStringBuilder(app.Database.ConnectionString).Database;
            await using var admin = new NpgsqlConnection(TestDatabase.PostgresServer);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        else
        {
            Directory.Delete(app.Database.DataDirectory, recursive: true);
            // Pooled connections keep the deleted file open; a real outage has no such comfort.
            SqliteConnection.ClearAllPools();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    // Regression: the session cookie was self-contained, so a copy taken before sign-out still opened the console for hours.
    [Fact]
    public async Task After_sign_out_a_copy_of_the_old_cookie_is_refused()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("officer@example.com", Roles.PrivacyOfficer, Password);
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        Assert.Equal(HttpStatusCode.Redirect, (await StewardTestApp.SignInAsync(client, "officer@example.com", Password)).StatusCode);
        var copied = cookies.GetCookies(app.BaseAddress).Select(c => new Cookie(c.Name, c.Value, "/")).ToList();

        var console = await client.GetStringAsync("/console");
        var token = StewardTestApp.AntiforgeryField().Match(console).Groups[1].Value;
        var signOut = await client.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/console")).StatusCode);

        var stolen = new CookieContainer();
        foreach (var c in copied) stolen.Add(app.BaseAddress, c);
        var replay = new HttpClient(new HttpClientHandler { CookieContainer = stolen, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        var again = await replay.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("/account/sign-in", again.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_hosts_on_one_database_both_serve_and_publish_and_the_audit_chain_stays_valid()
    {
        await using var first = await StewardTestApp.StartAsync();
        await using var second = await StewardTestApp.StartAsync(first.Database);
        // Keys are named after their role, and both nodes share the key table: one role each.
        var a = await first.ClientForRoleAsync(Roles.PrivacyOfficer);
        var b = await second.ClientForRoleAsync(Roles.Admin);

        var publishes = Enumerable.Range(2, 6).Select(years =>
        {
            var client = years % 2 == 0 ? a : b;
            return client.PostAsJsonAsync("/api/v1/policy/versions",
                new { policy = PolicyFixture.Minimal.Swap("      period: P3Y\n", $"      period: P{years}Y\n") });
        }).ToList();
        var responses = await Task.WhenAll(publishes);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created);

        // Each node serves what the other published.
        var versionsA = await (await first.Client().GetAsync("/api/v1/policy/versions")).Content.ReadAsStringAsync();
        var versionsB = await (await second.Client().GetAsync("/api/v1/policy/versions")).Content.ReadAsStringAsync();
        Assert.Equal(versionsA, versionsB);
        Assert.Equal(HttpStatusCode.OK, (await second.Client().GetAsync("/privacy")).StatusCode);

        var auditor = await first.ClientForRoleAsync(Roles.Auditor);
        var verification = await auditor.GetStringAsync("/api/v1/audit/verification");
        Assert.Contains("\"ok\":true", verification.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(0, (await StewardCli.RunAsync(first.Database, "", "audit", "verify")).ExitCode);
    }
}
