using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Connectors;
using Steward.People;
using Steward.Retention;
using Steward.Rights;
using Steward.Security;
using Steward.Tests.Connectors;
using Steward.Tests.Infrastructure;
using Steward.Tests.Jobs;
using Steward.Tests.Policy;
using Steward.Tests.Rights;

namespace Steward.Tests.Retention;

/// <summary>
/// Legal holds (issue 11, point 3): placed on a person or a collection by the CLI or the API, listed, released, each
/// change audited; an erasure request that meets one leaves what it covers alone and tells the person why.
/// </summary>
public sealed class LegalHoldTests
{
    private const string CourtOrder = "A court order of 3 March 2026 requires us to preserve these records.";
    private static readonly string ShopYaml = File.ReadAllText(Repository.PathOf("examples", "datasets", "shop.yml"));
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static async Task<(StewardTestApp App, CompanyDatabase Company)> StartAsync(bool worker = false, TestSmtpServer? smtp = null)
    {
        var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        var app = await RightsVerificationTests.StartAsync(smtp, s => s["Jobs:Enabled"] = worker ? "true" : "false");
        await FulfilmentTests.ConnectAsync(app, company, ShopYaml);
        return (app, company);
    }

    [Fact]
    public async Task Holds_are_placed_listed_and_released_from_the_command_line_and_every_change_is_audited()
    {
        var (app, company) = await StartAsync();
        await using var _ = company;
        await using var __ = app;
        var added = await StewardCli.RunAsync(app.Database, "", "hold", "add", "--collection", "shop-db:orders", "--reason", CourtOrder, "--until", "2027-01-31");
        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.Contains("Holding shop-db:orders until the end of 2027-01-31.", added.Stdout, StringComparison.Ordinal);
        var id = Guid.Parse(added.Stdout.Trim().Split('\n')[^1]);
        var hold = (await app.Services<LegalHolds>().FindAsync(id, Ct))!;
        // The last day is held whole: the hold ends at the first moment after it.
        Assert.Equal(new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero), hold.Until);
        Assert.Equal(CourtOrder, (await app.Services<LegalHolds>().InForceAsync(Ct)).OnCollection("shop-db", "orders"));

        var listed = await StewardCli.RunAsync(app.Database, "", "hold", "list");
        Assert.Contains(id.ToString(), listed.Stdout, StringComparison.Ordinal);
        Assert.Contains(CourtOrder, listed.Stdout, StringComparison.Ordinal);

        var released = await StewardCli.RunAsync(app.Database, "", "hold", "release", id.ToString());
        Assert.Equal(0, released.ExitCode);
        Assert.Contains("No holds.", (await StewardCli.RunAsync(app.Database, "", "hold", "list")).Stdout, StringComparison.Ordinal);
        Assert.Contains("RELEASED", (await StewardCli.RunAsync(app.Database, "", "hold", "list", "--all")).Stdout, StringComparison.Ordinal);
        Assert.Contains("had ended already", (await StewardCli.RunAsync(app.Database, "", "hold", "release", id.ToString())).Stdout, StringComparison.Ordinal);
        Assert.Null((await app.Services<LegalHolds>().InForceAsync(Ct)).OnCollection("shop-db", "orders"));

        await using var db = await app.DbAsync();
        var actions = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Target == $"hold:{id:D}").Select(e => e.Action).ToListAsync();
        Assert.Equal(["holds.added", "holds.released"], actions);
        // The reason is staff's text: it stays in the hold, not in the audit log.
        Assert.DoesNotContain(await db.Set<AuditEntry>().AsNoTracking().Select(e => e.Details).ToListAsync(), d => (d ?? "").Contains("court order", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(1, "No one with that email is known to Steward", "--email", "nobody@example.org", "--reason", CourtOrder)]
    [InlineData(1, "There is no connection named 'crm'", "--collection", "crm:orders", "--reason", CourtOrder)]
    [InlineData(1, "No dataset of connection 'shop-db' declares a collection 'invoices'; it declares: address, country", "--collection", "shop-db:invoices", "--reason", CourtOrder)]
    [InlineData(2, "is not CONNECTION:COLLECTION", "--collection", "orders", "--reason", CourtOrder)]
    [InlineData(2, "is not in the future", "--collection", "shop-db:orders", "--reason", CourtOrder, "--until", "2020-01-01")]
    [InlineData(2, "is not a date of the form YYYY-MM-DD", "--collection", "shop-db:orders", "--reason", CourtOrder, "--until", "next year")]
    [InlineData(2, "A hold needs a reason", "--collection", "shop-db:orders", "--reason", "  ")]
    [InlineData(2, "Name exactly one of --email, --subject or --collection", "--reason", CourtOrder)]
    [InlineData(2, "Name exactly one of --email, --subject or --collection", "--email", "a@example.org", "--collection", "shop-db:orders", "--reason", CourtOrder)]
    public async Task A_hold_on_something_unknown_or_without_a_reason_is_a_one_line_error_and_places_nothing(int exit, string message, params string[] args)
    {
        var (app, company) = await StartAsync();
        await using var _ = company;
        await using var __ = app;
        var result = await StewardCli.RunAsync(app.Database, "", ["hold", "add", .. args]);
        Assert.Equal(exit, result.ExitCode);
        Assert.Contains(message, Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Empty(await app.Services<LegalHolds>().ListAsync(includeEnded: true, Ct));
    }

    [Fact]
    public async Task Privacy_officers_place_and_release_holds_over_the_api_and_bad_requests_get_problems_they_can_act_on()
    {
        var (app, company) = await StartAsync();
        await using var _ = company;
        await using var __ = app;
        var subject = (await app.Services<PeopleDirectory>().FindOrCreateAsync(new Identity(IdentityType.Email, CompanyDatabase.AliceEmail), "eu-gdpr", "test", Ct)).SubjectId;
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);

        var created = await officer.PostAsJsonAsync("/api/v1/holds", new { email = " Alice.Private@Example.com ", reason = CourtOrder, until = "2027-06-30" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var hold = await StewardTestApp.ReadJsonAsync<HoldEndpoints.HoldResponse>(created);
        Assert.Equal((subject, new DateOnly(2027, 6, 30), true), (hold.SubjectId, hold.Until, hold.InForce));
        Assert.Equal(CourtOrder, await app.Services<LegalHolds>().OnPersonAsync(subject, Ct));
        // The address went in the body; nothing of it comes back or reaches a log line.
        Assert.DoesNotContain("alice.private", await created.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("alice.private", StringComparison.OrdinalIgnoreCase));

        var problems = new (object Body, HttpStatusCode Status, string Detail)[]
        {
            (new { collection = "shop-db:orders" }, HttpStatusCode.BadRequest, "A hold needs a reason"),
            (new { reason = CourtOrder }, HttpStatusCode.BadRequest, "Send exactly one of 'email', 'subjectId' or 'collection'"),
            (new { email = "not an address", reason = CourtOrder }, HttpStatusCode.BadRequest, "email"),
            (new { email = "nobody@example.org", reason = CourtOrder }, HttpStatusCode.NotFound, "No one with that email is known to Steward"),
            (new { subjectId = Guid.NewGuid(), reason = CourtOrder }, HttpStatusCode.NotFound, "There is no person"),
            (new { collection = "shop-db:nothing", reason = CourtOrder }, HttpStatusCode.NotFound, "declares a collection 'nothing'"),
        };
        foreach (var (body, status, detail) in problems)
        {
            var response = await officer.PostAsJsonAsync("/api/v1/holds", body);
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(detail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var agent = await app.ClientForRoleAsync(Roles.DsrAgent);
        var list = await agent.GetFromJsonAsync<List<HoldEndpoints.HoldResponse>>("/api/v1/holds");
        Assert.Equal(hold.Id, Assert.Single(list!).Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/api/v1/holds/{hold.Id}/release", null)).StatusCode);
        var released = await StewardTestApp.ReadJsonAsync<HoldEndpoints.HoldResponse>(await officer.PostAsync($"/api/v1/holds/{hold.Id}/release", null));
        Assert.False(released.InForce);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.PostAsync($"/api/v1/holds/{Guid.NewGuid()}/release", null)).StatusCode);
        Assert.Empty((await agent.GetFromJsonAsync<List<HoldEndpoints.HoldResponse>>("/api/v1/holds"))!);
        Assert.Single((await agent.GetFromJsonAsync<List<HoldEndpoints.HoldResponse>>("/api/v1/holds?all=true"))!);
    }

    [Fact]
    public async Task The_console_lists_holds_and_lets_privacy_officers_place_and_release_them_while_others_only_look()
    {
        var (app, company) = await StartAsync();
        await using var _ = company;
        await using var __ = app;
        await app.AddUserAsync("officer@northwind.example", Roles.PrivacyOfficer, "correct horse battery staple 42");
        await app.AddUserAsync("auditor@northwind.example", Roles.Auditor, "correct horse battery staple 42");
        var officer = app.Client();
        await StewardTestApp.SignInAsync(officer, "officer@northwind.example", "correct horse battery staple 42");
        var page = await officer.GetStringAsync("/console/holds?lang=en");
        Assert.Contains("No holds.", page, StringComparison.Ordinal);
        var af = StewardTestApp.AntiforgeryField().Match(page).Groups[1].Value;

        var both = await officer.PostAsync("/console/holds?lang=en", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["__af"] = af, ["email"] = "a@example.org", ["collection"] = "shop-db:orders", ["reason"] = CourtOrder }));
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Contains("Nothing was changed", await both.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var placed = await officer.PostAsync("/console/holds?lang=zh-CN", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["__af"] = af, ["collection"] = "shop-db:orders", ["reason"] = CourtOrder, ["until"] = "2027-01-31" }));
        var placedPage = await placed.Content.ReadAsStringAsync();
        Assert.True(placed.StatusCode == HttpStatusCode.OK, placedPage);
        Assert.Contains("法律保全已生效。", placedPage, StringComparison.Ordinal);
        Assert.Contains("shop-db:orders", placedPage, StringComparison.Ordinal);
        Assert.Contains("2027-01-31", placedPage, StringComparison.Ordinal);
        var id = Assert.Single(await app.Services<LegalHolds>().ListAsync(false, Ct)).Id;

        var auditor = app.Client();
        await StewardTestApp.SignInAsync(auditor, "auditor@northwind.example", "correct horse battery staple 42");
        var seen = await auditor.GetStringAsync("/console/holds?lang=en");
        Assert.Contains(CourtOrder, seen, StringComparison.Ordinal);
        Assert.DoesNotContain("/release", seen, StringComparison.Ordinal);
        // Signed-in staff without the role are sent away (to the sign-in page), and the hold stays.
        Assert.NotEqual(HttpStatusCode.OK, (await auditor.PostAsync($"/console/holds/{id}/release", new FormUrlEncodedContent(new Dictionary<string, string>()))).StatusCode);
        Assert.Single(await app.Services<LegalHolds>().ListAsync(false, Ct));

        var released = await officer.PostAsync($"/console/holds/{id}/release?lang=en", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = af }));
        Assert.Contains("The hold was released.", await released.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await app.Services<LegalHolds>().ListAsync(false, Ct));
    }

    [Fact]
    public async Task An_erasure_that_meets_a_held_collection_leaves_it_as_it_is_and_tells_the_person_why()
    {
        var (app, company) = await StartAsync(worker: true);
        await using var _ = company;
        await using var __ = app;
        await app.Services<LegalHolds>().HoldCollectionAsync("shop-db:orders", CourtOrder, null, "test", Ct);
        var ordersBefore = await company.DumpAsync("orders", "customer_id = 1");

        var erasure = await SubmitAndVerifyAsync(app, "erasure");
        await CompletedAsync(app, erasure.Id);
        Assert.Equal(ordersBefore, await company.DumpAsync("orders", "customer_id = 1"));
        Assert.NotEqual(CompanyDatabase.AliceEmail, await company.ScalarAsync("SELECT email FROM customer WHERE id = 1"));
        var status = await app.Client().GetStringAsync(RightsPages.StatusLink(erasure.StatusToken) + "?lang=en");
        Assert.True(status.Contains("except what the law requires us to keep", StringComparison.Ordinal), System.Text.RegularExpressions.Regex.Replace(status, "<[^>]+>", " "));
        Assert.Contains($"shop:orders ({System.Net.WebUtility.HtmlEncode(CourtOrder)})", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_erasure_that_meets_a_held_person_erases_nothing_keeps_their_key_and_tells_them_why_in_their_language()
    {
        var (app, company) = await StartAsync(worker: true);
        await using var _ = company;
        await using var __ = app;
        var before = await company.DumpAsync("customer", "id = 1") + await company.DumpAsync("orders", "customer_id = 1") + await company.DumpAsync("logins", "customer_id = 1");
        var erasure = await SubmitAndVerifyAsync(app, "erasure", hold: true, language: "zh-CN");
        var subjectId = (await app.Services<RightsRequests>().FindAsync(erasure.Id, Ct))!.SubjectId;
        await CompletedAsync(app, erasure.Id);

        Assert.Equal(before, await company.DumpAsync("customer", "id = 1") + await company.DumpAsync("orders", "customer_id = 1") + await company.DumpAsync("logins", "customer_id = 1"));
        var status = await app.Client().GetStringAsync(RightsPages.StatusLink(erasure.StatusToken) + "?lang=zh-CN");
        Assert.Contains("我们目前无法删除您的个人信息", status, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(CourtOrder), status, StringComparison.Ordinal);
        // Staff see the hold on the request's console page.
        await app.AddUserAsync("officer@northwind.example", Roles.PrivacyOfficer, "correct horse battery staple 42");
        var officer = app.Client();
        await StewardTestApp.SignInAsync(officer, "officer@northwind.example", "correct horse battery staple 42");
        var console = await officer.GetStringAsync($"/console/rights/{erasure.Id}?lang=en");
        Assert.Contains("Legal hold", console, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(CourtOrder), console, StringComparison.Ordinal);
        // The shredding after the answer waits for the hold: the key stays, and the audit log says why.
        await app.Services<ShredAfterErasure>().ShredAsync(erasure.Id, Ct);
        await using var db = await app.DbAsync();
        Assert.Null((await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == subjectId)).ErasedAt);
        Assert.Contains(await db.Set<AuditEntry>().AsNoTracking().Select(e => e.Action).ToListAsync(), a => a == "rights.erasure-held");
    }

    private static async Task<RightsEndpoints.SubmittedBody> SubmitAndVerifyAsync(StewardTestApp app, string kind, bool hold = false, string language = "en")
    {
        var response = await app.Client().PostAsJsonAsync("/api/v1/rights-requests", new { kind, email = CompanyDatabase.AliceEmail, jurisdiction = "eu-gdpr", language });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var submitted = await StewardTestApp.ReadJsonAsync<RightsEndpoints.SubmittedBody>(response);
        var requests = app.Services<RightsRequests>();
        if (hold)
            await app.Services<LegalHolds>().HoldSubjectAsync((await requests.FindAsync(submitted.Id, Ct))!.SubjectId, CourtOrder, null, "test", Ct);
        await requests.VerifyAsync(submitted.Id, RightsRequests.VerifiedByStaff, "test", Ct);
        if ((await requests.FindAsync(submitted.Id, Ct))!.State == "awaiting-approval") await requests.ApproveAsync(submitted.Id, "test", Ct);
        return submitted;
    }

    private static Task<RequestSummary> CompletedAsync(StewardTestApp app, Guid id) =>
        JobTests.EventuallyAsync(async () => (await app.Services<RightsRequests>().FindAsync(id, Ct))!, r => r.State == "completed", "the request completed",
            () => app.Time.Advance(TimeSpan.FromSeconds(5)));
}

/// <summary>Legal holds in the retention sweep: a held collection is skipped whole, a held person's rows are left out of every chunk.</summary>
public sealed class LegalHoldRetentionTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData(ConnectionTypes.Sqlite)]
    [InlineData(ConnectionTypes.Postgres)]
    public async Task The_sweep_skips_a_held_collection_and_leaves_a_held_persons_rows_while_the_rest_goes(string type)
    {
        // The buyer names the person (an account id), so their orders are found the way a rights request finds them.
        const string Buyer = "- { name: buyer, data_categories: [user.name] }";
        var at = RetentionTests.Dataset.IndexOf(Buyer, RetentionTests.Dataset.IndexOf("name: orders", StringComparison.Ordinal), StringComparison.Ordinal);
        var dataset = RetentionTests.Dataset[..at] + "- { name: buyer, data_categories: [user.name], fides_meta: { identity: account_id } }" + RetentionTests.Dataset[(at + Buyer.Length)..];
        Assert.NotEqual(RetentionTests.Dataset, dataset);
        var company = await CompanyDatabase.CreateAsync(type, RetentionTests.Schema);
        await using var _ = company;
        await company.ExecuteAsync(RetentionTests.Orders(10) + "INSERT INTO visits VALUES (1, '10.0.0.1', '/home', '2023-01-01 00:00:00');");
        await using var app = await StewardTestApp.StartAsync(s => s["Jobs:Enabled"] = "false");
        await app.PublishAsync(PolicyFixture.Write(RetentionTests.Policy));
        await FulfilmentTests.ConnectAsync(app, company, dataset);
        var holds = app.Services<LegalHolds>();
        var buyer = (await app.Services<PeopleDirectory>().FindOrCreateAsync(new Identity(IdentityType.AccountId, "buyer 3"), null, "test", Ct)).SubjectId;
        await holds.HoldSubjectAsync(buyer, "A claim by this customer is pending.", null, "test", Ct);
        var visitsHold = await holds.HoldCollectionAsync("shop-db:visits", "The regulator asked for the visit logs.", null, "test", Ct);

        // The dry run counts what a run will do: four of the five due orders, none of the held visits.
        var dry = await app.Services<RetentionSweep>().RunAsync(SweepScope.Everything, dryRun: true, "test", null, Ct);
        Assert.Equal(4, dry.Collections.Single(c => c.Collection == "shop.orders").Rows);
        Assert.Equal(0, dry.Collections.Single(c => c.Collection == "shop.visits").Rows);
        await app.Services<RetentionSweep>().RunAsync(SweepScope.Everything, dryRun: false, "test", null, Ct);
        // Odd orders were due: 3 is the held person's and stays; the held visits keep their address.
        Assert.Equal(0L, Convert.ToInt64(await company.ScalarAsync("SELECT COUNT(*) FROM orders WHERE id IN (1, 5, 7, 9)"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1L, Convert.ToInt64(await company.ScalarAsync("SELECT COUNT(*) FROM orders WHERE id = 3"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("10.0.0.1", await company.ScalarAsync("SELECT ip FROM visits WHERE id = 1"));

        // Once the holds are released, the next run takes what was due.
        await holds.ReleaseAsync(visitsHold.Id, "test", Ct);
        foreach (var h in await holds.ListAsync(false, Ct)) await holds.ReleaseAsync(h.Id, "test", Ct);
        await app.Services<RetentionSweep>().RunAsync(SweepScope.Everything, dryRun: false, "test", null, Ct);
        Assert.Equal(0L, Convert.ToInt64(await company.ScalarAsync("SELECT COUNT(*) FROM orders WHERE id % 2 = 1"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(await company.ScalarAsync("SELECT ip FROM visits WHERE id = 1"));
    }
}
