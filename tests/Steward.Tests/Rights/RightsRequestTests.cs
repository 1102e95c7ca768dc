using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Rights;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Rights;

/// <summary>
/// Rights requests from intake to an answer (issue points 1, 3, 7, 8): the public API and form, the CLI, duplicates,
/// deadlines, denial with the right to complain, the person's status page, and need-to-know for agents.
/// </summary>
public sealed class RightsRequestTests
{
    private const string Email = "Mei.Chen@Example.com";

    private static async Task<StewardTestApp> StartAsync()
    {
        var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.ExamplePath);
        return app;
    }

    private static Task<HttpResponseMessage> SubmitAsync(HttpClient client, string kind, string? jurisdiction = "eu-gdpr", string email = Email, string? message = null) =>
        client.PostAsJsonAsync("/api/v1/rights-requests", new { kind, email, jurisdiction, message });

    private static async Task<RightsEndpoints.SubmittedBody> SubmittedAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await StewardTestApp.ReadJsonAsync<RightsEndpoints.SubmittedBody>(response);
    }

    [Theory]
    [InlineData("""{"kind":"access","email":"not-an-email","jurisdiction":"eu-gdpr"}""", "'email'")]
    [InlineData("""{"kind":"teleport","email":"a@example.com","jurisdiction":"eu-gdpr"}""", "not a kind of request")]
    [InlineData("""{"email":"a@example.com","jurisdiction":"eu-gdpr"}""", "'kind' is missing")]
    [InlineData("""{"kind":"access","email":"a@example.com","jurisdiction":"mars"}""", "not a jurisdiction of policy version 1")]
    [InlineData("""{"kind":"access","email":"a@example.com"}""", "'jurisdiction' is missing")]
    [InlineData("""{"kind":"opt-out-of-sale","email":"a@example.com","jurisdiction":"eu-gdpr"}""", "is not offered under European Union (GDPR)")]
    [InlineData("""{"kind":"access","email":"a@example.com","jurisdiction":"eu-gdpr","corrections":{"name":"x"}}""", "rectification request only")]
    public async Task Bad_requests_get_a_problem_that_says_what_to_fix_and_nothing_is_stored(string body, string expected)
    {
        await using var app = await StartAsync();
        var response = await app.Client().PostAsync("/api/v1/rights-requests", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        await using var db = await app.DbAsync();
        Assert.Equal(0, await db.Set<RightsRequest>().CountAsync());
        // The address given never comes back in the answer.
        Assert.DoesNotContain("a@example.com", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_is_taken_in_with_its_deadline_and_a_repeat_is_linked_to_it_not_repeated()
    {
        await using var app = await StartAsync();
        var client = app.Client();
        var first = await SubmittedAsync(await SubmitAsync(client, "access"));
        Assert.Equal("verifying", first.State);
        Assert.Equal(DateOnly.FromDateTime(app.Time.GetUtcNow().AddMonths(1).UtcDateTime), DateOnly.FromDateTime(first.DueAt!.Value.UtcDateTime));

        // A repeat of an unverified request is a request of its own: anyone who knows an address could otherwise park
        // one that captures the person's own.
        var parked = await SubmittedAsync(await SubmitAsync(client, "access", email: "mei.chen@example.com"));
        Assert.Equal("verifying", parked.State);
        Assert.Null(parked.DuplicateOf);

        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        await Ok<RequestSummary>(await officer.PostAsJsonAsync($"/api/v1/rights-requests/{first.Id}/verify", new { }));
        await Ok<RequestSummary>(await officer.PostAsJsonAsync($"/api/v1/rights-requests/{first.Id}/extend", new { reason = "Twelve systems hold your data." }));
        var again = await SubmittedAsync(await SubmitAsync(client, "access", email: "mei.chen@example.com"));
        Assert.Equal("duplicate", again.State);
        Assert.Equal(first.Id, again.DuplicateOf);
        Assert.NotEqual(first.StatusToken, again.StatusToken);
        // Its holder sees only their own steps, never the texts written for the original's.
        var page = await client.GetStringAsync(RightsPages.StatusLink(again.StatusToken) + "?lang=en");
        Assert.DoesNotContain("Twelve systems", page, StringComparison.Ordinal);
        // One with a message of its own is not a repeat.
        Assert.Null((await SubmittedAsync(await SubmitAsync(client, "access", message: "Also my call recordings."))).DuplicateOf);

        // Another kind is a request of its own.
        var erasure = await SubmittedAsync(await SubmitAsync(client, "erasure"));
        Assert.Null(erasure.DuplicateOf);

        await using var db = await app.DbAsync();
        var stored = await db.Set<RightsRequest>().AsNoTracking().SingleAsync(r => r.Id == first.Id);
        // Nothing personal in clear: the details are sealed, the token only hashed.
        Assert.DoesNotContain("Mei", System.Text.Encoding.UTF8.GetString(stored.Details), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(RightsRequests.HashToken(first.StatusToken), stored.StatusTokenHash);
        var audit = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == "rights.request-received").OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(5, audit.Count);
        Assert.All(audit, e => Assert.DoesNotContain("example.com", e.Details, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("example.com", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Staff_verify_approve_extend_and_complete_and_the_person_follows_it_on_the_status_page()
    {
        await using var app = await StartAsync();
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        var submitted = await SubmittedAsync(await SubmitAsync(app.Client(), "erasure"));
        var id = submitted.Id;

        Assert.Equal(HttpStatusCode.BadRequest, (await officer.PostAsJsonAsync($"/api/v1/rights-requests/{id}/approve", new { })).StatusCode);
        Assert.Equal("awaiting-approval", (await Ok<RequestSummary>(await officer.PostAsJsonAsync($"/api/v1/rights-requests/{id}/verify", new { }))).State);
        Assert.Equal("in-progress", (await Ok<RequestSummary>(await officer.PostAsJsonAsync($"/api/v1/rights-requests/{id}/approve", new { }))).State);
        var noReason = await officer.PostAsJsonAsync($"/api/v1/rights-requests/{id}/extend", new { reason = " " });
        Assert.Contains("'reason' is missing", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var extended = await Ok<RequestSummary>(await officer.PostAsJsonAsync($"/api/v1/rights-requests/{id}/extend",
            new { reason = "Your data sits in twelve systems; we need more time to reach all of them." }));
        Assert.Equal(DateOnly.FromDateTime(app.Time.GetUtcNow().AddMonths(3).UtcDateTime), DateOnly.FromDateTime(extended.DueAt!.Value.UtcDateTime));
        var twice = await officer.PostAsJsonAsync($"/api/v1/rights-requests/{id}/extend", new { reason = "Again" });
        Assert.Contains("extended already", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // No dataset reaches the person, so the engine leaves the erasure to staff, who answer it themselves.
        await Steward.Tests.Jobs.JobTests.EventuallyAsync(() => app.Services<DataFulfilment>().TasksAsync(id, CancellationToken.None),
            tasks => tasks.Any(t => t.Phase == DataFulfilment.Manual), "the engine to hand the request to staff");
        Assert.Equal("completed", (await Ok<RequestSummary>(await officer.PostAsJsonAsync($"/api/v1/rights-requests/{id}/complete",
            new { answer = "We deleted your account and its data." }))).State);
        // The person's key goes once the erasure is answered; what staff wrote to them stays with the request's record.
        await Steward.Tests.Jobs.JobTests.EventuallyAsync(async () =>
        {
            await using var db = await app.DbAsync();
            return await db.Set<AuditEntry>().CountAsync(e => e.Action == "rights.person-shredded");
        }, n => n == 1, "the person shredded");

        var page = await app.Client().GetStringAsync(RightsPages.StatusLink(submitted.StatusToken) + "?lang=en");
        Assert.Contains("Request completed", page, StringComparison.Ordinal);
        Assert.Contains("we need more time to reach all of them", page, StringComparison.Ordinal);
        Assert.Contains("We deleted your account and its data.", page, StringComparison.Ordinal);
        var zh = await app.Client().GetStringAsync(RightsPages.StatusLink(submitted.StatusToken) + "?lang=zh-CN");
        Assert.Contains("答复期限已延长", zh, StringComparison.Ordinal);

        // A wrong token finds nothing, and says so without telling whether the request exists.
        var wrong = await app.Client().GetAsync(RightsPages.StatusLink(RightsRequests.NewToken()));
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);

        // S18.7: after rights_requests.status_visible_for (90 days) the page says only that the request is closed.
        app.Time.Advance(TimeSpan.FromDays(91));
        var closed = await app.Client().GetStringAsync(RightsPages.StatusLink(submitted.StatusToken) + "?lang=en");
        Assert.Contains("This request is closed", closed, StringComparison.Ordinal);
        Assert.DoesNotContain("We deleted your account", closed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_denial_tells_the_reason_and_the_right_to_complain_to_the_supervisory_authority()
    {
        await using var app = await StartAsync();
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        var submitted = await SubmittedAsync(await SubmitAsync(app.Client(), "access"));
        var denied = await Ok<RequestSummary>(await officer.PostAsJsonAsync($"/api/v1/rights-requests/{submitted.Id}/deny",
            new { reason = "We could not confirm that the request comes from the holder of the account." }));
        Assert.Equal("denied", denied.State);
        var pageResponse = await app.Client().GetAsync(RightsPages.StatusLink(submitted.StatusToken) + "?lang=en");
        var page = await pageResponse.Content.ReadAsStringAsync();
        Assert.True(pageResponse.IsSuccessStatusCode, string.Join("\n", app.Logs.Lines));
        Assert.Contains("We could not confirm", page, StringComparison.Ordinal);
        // complaints.supervisory_authority of the example policy
        Assert.Contains("Data Protection Commission", page, StringComparison.Ordinal);
        var again = await officer.PostAsJsonAsync($"/api/v1/rights-requests/{submitted.Id}/deny", new { reason = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task Agents_see_and_work_only_the_requests_assigned_to_them()
    {
        await using var app = await StartAsync();
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        var agentId = await app.AddUserAsync("agent@northwind.example", Roles.DsrAgent, "correct horse battery staple 42");
        var agent = app.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await StewardTestApp.SignInAsync(agent, "agent@northwind.example", "correct horse battery staple 42")).StatusCode);
        var mine = await SubmittedAsync(await SubmitAsync(app.Client(), "access"));
        var other = await SubmittedAsync(await SubmitAsync(app.Client(), "access", email: "someone.else@example.com"));

        Assert.Empty(await Ok<List<RequestSummary>>(await agent.GetAsync("/api/v1/rights-requests")));
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/v1/rights-requests/{mine.Id}")).StatusCode);
        await Ok<RequestSummary>(await officer.PostAsJsonAsync($"/api/v1/rights-requests/{mine.Id}/assign", new { userId = agentId }));

        var list = await Ok<List<RequestSummary>>(await agent.GetAsync("/api/v1/rights-requests"));
        Assert.Equal(mine.Id, Assert.Single(list).Id);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/api/v1/rights-requests/{mine.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PostAsJsonAsync($"/api/v1/rights-requests/{other.Id}/verify", new { })).StatusCode);
        // Only officers assign.
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"/api/v1/rights-requests/{other.Id}/assign", new { userId = agentId })).StatusCode);
        Assert.Equal(2, (await Ok<List<RequestSummary>>(await officer.GetAsync("/api/v1/rights-requests"))).Count);
    }

    [Fact]
    public async Task The_rights_page_offers_the_rights_of_the_persons_law_and_takes_a_request_through_its_form()
    {
        await using var app = await StartAsync();
        var client = app.Client();
        var eu = await client.GetStringAsync("/privacy/rights?lang=en&jurisdiction=eu-gdpr");
        Assert.Contains("Restriction", eu, StringComparison.Ordinal);
        Assert.DoesNotContain("Opting out of sale or sharing", eu, StringComparison.Ordinal);
        var ca = await client.GetStringAsync("/privacy/rights?lang=en&jurisdiction=us-ca");
        Assert.Contains("Opting out of sale or sharing", ca, StringComparison.Ordinal);
        Assert.DoesNotContain("<h3>Restriction</h3>", ca, StringComparison.Ordinal);
        var zh = await client.GetStringAsync("/privacy/rights?lang=zh-CN&jurisdiction=cn-pipl");
        Assert.Contains("提出请求", zh, StringComparison.Ordinal);
        Assert.Contains("要求解释说明", zh, StringComparison.Ordinal);

        var token = StewardTestApp.AntiforgeryField().Match(eu).Groups[1].Value;
        var bad = await client.PostAsync("/privacy/rights?lang=en", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = token, ["jurisdiction"] = "eu-gdpr", ["kind"] = "access", ["email"] = "nope", ["message"] = "Keep what I typed",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var again = await bad.Content.ReadAsStringAsync();
        Assert.Contains("class=\"error\"", again, StringComparison.Ordinal);
        Assert.Contains("Keep what I typed", again, StringComparison.Ordinal);

        var zhBad = await client.PostAsync("/privacy/rights?lang=zh-CN", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = token, ["jurisdiction"] = "cn-pipl", ["kind"] = "access", ["email"] = "nope",
        }));
        Assert.Contains("电子邮箱地址无效", await zhBad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var sent = await client.PostAsync("/privacy/rights?lang=en", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = token, ["jurisdiction"] = "eu-gdpr", ["kind"] = "access", ["email"] = Email,
        }));
        var done = await sent.Content.ReadAsStringAsync();
        Assert.True(sent.StatusCode == HttpStatusCode.OK, done);
        Assert.Contains("We have received your request", done, StringComparison.Ordinal);
        var link = System.Text.RegularExpressions.Regex.Match(done, "href=\"(/privacy/rights/status/[^\"?]+)").Groups[1].Value;
        Assert.Contains("Waiting for confirmation of your identity", await client.GetStringAsync(link + "?lang=en"), StringComparison.Ordinal);

        // The lookup form takes the number and the access code instead of the link.
        await using var db = await app.DbAsync();
        var id = (await db.Set<RightsRequest>().AsNoTracking().SingleAsync()).Id;
        var lookup = await client.GetStringAsync("/privacy/rights/status?lang=en");
        var af = StewardTestApp.AntiforgeryField().Match(lookup).Groups[1].Value;
        var found = await client.PostAsync("/privacy/rights/status?lang=en", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = af, ["number"] = id.ToString(), ["code"] = Uri.UnescapeDataString(link[(RightsPages.StatusPath.Length + 1)..]),
        }));
        Assert.Contains("Request received", await found.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var notFound = await client.PostAsync("/privacy/rights/status?lang=en", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = af, ["number"] = id.ToString(), ["code"] = "wrong",
        }));
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
    }

    [Fact]
    public async Task Staff_submit_from_the_command_line_and_the_id_is_alone_on_the_last_line()
    {
        await using var app = await StartAsync();
        var result = await StewardCli.RunAsync(app.Database, "", "rights", "submit", "--type", "erasure", "--email", Email, "--jurisdiction", "uk-gdpr", "--verified");
        Assert.True(result.ExitCode == 0, result.Stdout);
        var id = Guid.Parse(result.Stdout.TrimEnd().Split('\n')[^1]);
        Assert.Contains("state: awaiting-approval", result.Stdout, StringComparison.Ordinal);
        var shown = await StewardCli.RunAsync(app.Database, "", "rights", "show", id.ToString());
        Assert.Contains("erasure", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains(" verified ", shown.Stdout, StringComparison.Ordinal);
        var list = await StewardCli.RunAsync(app.Database, "", "rights", "list", "--open");
        Assert.Contains(id.ToString(), list.Stdout, StringComparison.Ordinal);

        var bad = await StewardCli.RunAsync(app.Database, "", "rights", "submit", "--type", "teleport", "--email", Email);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("not a kind of request", bad.Stderr, StringComparison.Ordinal);
        Assert.Single(bad.Stderr.Trim().Split('\n'));
        var deny = await StewardCli.RunAsync(app.Database, "", "rights", "deny", id.ToString());
        Assert.NotEqual(0, deny.ExitCode);
    }

    [Fact]
    public async Task The_console_shows_the_queue_and_a_request_and_takes_staff_actions_with_reading_the_details_audited()
    {
        await using var app = await StartAsync();
        await app.AddUserAsync("officer@northwind.example", Roles.PrivacyOfficer, "correct horse battery staple 42");
        var officer = app.Client();
        await StewardTestApp.SignInAsync(officer, "officer@northwind.example", "correct horse battery staple 42");
        var submitted = await SubmittedAsync(await SubmitAsync(app.Client(), "objection", message: "Stop the profiling, please."));

        var queue = await officer.GetStringAsync("/console/rights?lang=en");
        Assert.Contains(submitted.Id.ToString()[..8], queue, StringComparison.Ordinal);
        var page = await officer.GetStringAsync($"/console/rights/{submitted.Id}?lang=en");
        Assert.Contains("mei.chen@example.com", page, StringComparison.Ordinal);
        Assert.Contains("Stop the profiling, please.", page, StringComparison.Ordinal);
        await using (var db = await app.DbAsync())
            Assert.Single(await db.Set<AuditEntry>().Where(e => e.Action == "rights.details-read").ToListAsync());

        var af = StewardTestApp.AntiforgeryField().Match(page).Groups[1].Value;
        var empty = await officer.PostAsync($"/console/rights/{submitted.Id}/deny?lang=en", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = af, ["reason"] = "" }));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("is missing: it is told to the person", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var verified = await officer.PostAsync($"/console/rights/{submitted.Id}/verify?lang=en", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = af }));
        Assert.Contains("Saved.", await verified.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var completed = await officer.PostAsync($"/console/rights/{submitted.Id}/complete?lang=en", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = af, ["answer"] = "We stopped profiling you for advertising.",
        }));
        Assert.Contains("Saved.", await completed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("completed", (await app.Services<RightsRequests>().FindAsync(submitted.Id, CancellationToken.None))!.State);
        var zh = await officer.GetStringAsync("/console/rights?lang=zh-CN&show=all");
        Assert.Contains("权利请求", zh, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Whoever_verified_a_person_by_hand_does_not_also_approve_the_request()
    {
        await using var app = await StartAsync();
        await app.AddUserAsync("first@northwind.example", Roles.PrivacyOfficer, "correct horse battery staple 42");
        await app.AddUserAsync("second@northwind.example", Roles.PrivacyOfficer, "correct horse battery staple 43");
        var first = app.Client();
        await StewardTestApp.SignInAsync(first, "first@northwind.example", "correct horse battery staple 42");
        var second = app.Client();
        await StewardTestApp.SignInAsync(second, "second@northwind.example", "correct horse battery staple 43");
        var submitted = await SubmittedAsync(await SubmitAsync(app.Client(), "erasure"));
        await Ok<RequestSummary>(await first.PostAsJsonAsync($"/api/v1/rights-requests/{submitted.Id}/verify", new { }));
        var own = await first.PostAsJsonAsync($"/api/v1/rights-requests/{submitted.Id}/approve", new { });
        Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
        Assert.Contains("another staff member approves", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("in-progress", (await Ok<RequestSummary>(await second.PostAsJsonAsync($"/api/v1/rights-requests/{submitted.Id}/approve", new { }))).State);
    }

    private static async Task<T> Ok<T>(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<T>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }
}
