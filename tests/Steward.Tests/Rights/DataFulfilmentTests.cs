using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Connectors;
using Steward.Rights;
using Steward.Tests.Connectors;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Rights;

/// <summary>
/// Requests carried out across a company database (issue points 5 and 6): access and erasure follow one plan, the
/// package holds every row the erasure reaches, another person stays untouched, and a run stopped at any step resumes
/// without repeating finished steps.
/// </summary>
public sealed class DataFulfilmentTests
{
    private static readonly string ShopYaml = File.ReadAllText(Repository.PathOf("examples", "datasets", "shop.yml"));

    private static async Task<(StewardTestApp App, CompanyDatabase Company)> StartAsync(string type, bool worker = true, TestSmtpServer? smtp = null)
    {
        var company = await CompanyDatabase.CreateAsync(type);
        var app = await RightsVerificationTests.StartAsync(smtp, s => s["Jobs:Enabled"] = worker ? "true" : "false");
        await FulfilmentTests.ConnectAsync(app, company, ShopYaml);
        return (app, company);
    }

    private static async Task<RightsEndpoints.SubmittedBody> SubmitAndVerifyAsync(StewardTestApp app, string kind)
    {
        var response = await app.Client().PostAsJsonAsync("/api/v1/rights-requests", new { kind, email = CompanyDatabase.AliceEmail, jurisdiction = "eu-gdpr" });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var submitted = await StewardTestApp.ReadJsonAsync<RightsEndpoints.SubmittedBody>(response);
        var requests = app.Services<RightsRequests>();
        await requests.VerifyAsync(submitted.Id, RightsRequests.VerifiedByStaff, "test", CancellationToken.None);
        if ((await requests.FindAsync(submitted.Id, CancellationToken.None))!.State == "awaiting-approval")
            await requests.ApproveAsync(submitted.Id, "test", CancellationToken.None);
        return submitted;
    }

    private static async Task<RequestSummary> EndedAsync(StewardTestApp app, Guid id)
    {
        var deadline = Environment.TickCount64 + 60_000;
        while (true)
        {
            var r = (await app.Services<RightsRequests>().FindAsync(id, CancellationToken.None))!;
            if (r.State == "completed") return r;
            if (Environment.TickCount64 > deadline)
                Assert.Fail($"the request is still {r.State}: {string.Join("; ", (await app.Services<DataFulfilment>().TasksAsync(id, CancellationToken.None)).Select(t => $"{t.Phase} {t.Target} {t.State} {t.Detail}"))}");
            await Task.Delay(50);
        }
    }

    [Theory]
    [InlineData(ConnectionTypes.Sqlite)]
    [InlineData(ConnectionTypes.Postgres)]
    public async Task Access_packages_every_row_of_the_person_and_erasure_reaches_each_while_another_person_stays_untouched(string type)
    {
        await using var smtp = await TestSmtpServer.CreateAsync();
        var (app, company) = await StartAsync(type, smtp: smtp);
        await using var _ = company;
        await using var __ = app;
        var bobBefore = await company.DumpAsync("customer", "id = 2") + await company.DumpAsync("orders", "customer_id = 2") + await company.DumpAsync("order_items", "order_id = 200");

        var access = await SubmitAndVerifyAsync(app, "access");
        await EndedAsync(app, access.Id);
        var status = await app.Client().GetStringAsync(RightsPages.StatusLink(access.StatusToken) + "?lang=en");
        Assert.Contains("is ready. We have sent a download link to your email address", status, StringComparison.Ordinal);
        // The package opens only through the link mailed to the person: the status token, which whoever submitted holds, does not.
        Assert.DoesNotContain("/privacy/rights/package/", status, StringComparison.Ordinal);
        var completion = await Steward.Tests.Jobs.JobTests.EventuallyAsync(() => Task.FromResult(smtp.To(CompanyDatabase.AliceEmail)),
            m => m.Any(x => (x.TextBody ?? "").Contains("/privacy/rights/package/", StringComparison.Ordinal)), "the completion mail", () => app.Time.Advance(TimeSpan.FromSeconds(5)));
        var link = System.Text.RegularExpressions.Regex.Match(completion.Select(x => x.TextBody ?? "").First(b => b.Contains("/privacy/rights/package/", StringComparison.Ordinal)),
            "https://privacy.northwind.example(/privacy/rights/package/\\S+)").Groups[1].Value;
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/privacy/rights/package/" + access.StatusToken)).StatusCode);
        var zipResponse = await app.Client().GetAsync(link);
        Assert.Equal("application/zip", zipResponse.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await zipResponse.Content.ReadAsStreamAsync());
        using var data = JsonDocument.Parse(zip.GetEntry("data.json")!.Open());
        var collections = data.RootElement.GetProperty("collections");
        var names = collections.EnumerateObject().Select(c => c.Name).Order().ToList();
        // The person gave an email address only: the phone book, found by phone number, is not theirs to reach.
        Assert.Equal(["shop:address", "shop:country", "shop:customer", "shop:logins", "shop:newsletter", "shop:order_items", "shop:orders"], names);
        Assert.All(collections.EnumerateObject(), c => Assert.Equal(1, c.Value.GetProperty("rows").GetArrayLength()));
        Assert.Equal("user.contact.email", collections.GetProperty("shop:customer").GetProperty("fields").GetProperty("email")[0].GetString());
        Assert.NotNull(zip.GetEntry("csv/shop.order_items.csv"));
        using (var html = new StreamReader(zip.GetEntry("index.html")!.Open()))
        {
            var page = await html.ReadToEndAsync();
            Assert.Contains("happy birthday", page, StringComparison.Ordinal);
            Assert.DoesNotContain("for mum", page, StringComparison.Ordinal);
            // What Art. 15(1) adds to the copy (purposes, recipients, retention, rights) is in the notice it links to.
            Assert.Contains("href=\"https://privacy.northwind.example/privacy?lang=en\"", page, StringComparison.Ordinal);
        }
        // The package is sealed at rest: no row of the person's is readable in Steward's database.
        await using (var db = await app.DbAsync())
        {
            var stored = await db.Set<RightsPackage>().AsNoTracking().SingleAsync();
            Assert.DoesNotContain("happy birthday", System.Text.Encoding.UTF8.GetString(stored.Content), StringComparison.Ordinal);
            var tasks = await db.Set<FulfilmentTask>().AsNoTracking().ToListAsync();
            Assert.All(tasks, t => Assert.Equal(1, t.Attempts));
            // Once done, the steps keep counts only: the rows they read served the run.
            Assert.All(tasks, t => Assert.Null(t.Output));
        }

        var erasure = await SubmitAndVerifyAsync(app, "erasure");
        var done = await EndedAsync(app, erasure.Id);
        // Every collection the package showed was reached: Alice's values are gone, the invoice amount kept under a legal duty.
        // Each field by its masking strategy (null, hash, fixed text, row deletion): the values are gone either way.
        Assert.NotEqual(CompanyDatabase.AliceEmail, await company.ScalarAsync("SELECT email FROM customer WHERE id = 1"));
        Assert.NotEqual("Alice", await company.ScalarAsync("SELECT name FROM customer WHERE id = 1"));
        Assert.NotEqual("happy birthday", await company.ScalarAsync("SELECT gift_message FROM order_items WHERE id = 1000"));
        Assert.NotEqual("ring the bell", await company.ScalarAsync("SELECT note FROM orders WHERE id = 100"));
        Assert.NotEqual("Alice Road 1", await company.ScalarAsync("SELECT street FROM address WHERE id = 10"));
        Assert.NotEqual("10.0.0.1", await company.ScalarAsync("SELECT ip FROM logins WHERE id = 7"));
        Assert.Equal(0L, Convert.ToInt64(await company.ScalarAsync("SELECT COUNT(*) FROM newsletter WHERE email = 'alice.private@example.com'"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(4200L, Convert.ToInt64(await company.ScalarAsync("SELECT invoice_amount FROM orders WHERE id = 100"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(bobBefore, await company.DumpAsync("customer", "id = 2") + await company.DumpAsync("orders", "customer_id = 2") + await company.DumpAsync("order_items", "order_id = 200"));
        var erasureStatus = await app.Client().GetStringAsync(RightsPages.StatusLink(erasure.StatusToken) + "?lang=en");
        Assert.Contains("except what the law requires us to keep", erasureStatus, StringComparison.Ordinal);
        Assert.Contains("Invoices are kept for 10 years under tax law.", erasureStatus, StringComparison.Ordinal);
        Assert.Equal("completed", done.State);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("alice.private", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_run_stopped_after_any_step_resumes_at_the_next_and_never_repeats_a_finished_one()
    {
        var (app, company) = await StartAsync(ConnectionTypes.Sqlite, worker: false);
        await using var _ = company;
        await using var __ = app;
        var erasure = await SubmitAndVerifyAsync(app, "erasure");
        var engine = app.Services<DataFulfilment>();

        // Stop after each step in turn: every run does exactly one more step.
        for (var stops = 0; stops < 40; stops++)
        {
            if ((await app.Services<RightsRequests>().FindAsync(erasure.Id, CancellationToken.None))!.State == "completed") break;
            int doneBefore;
            await using (var db0 = await app.DbAsync())
                doneBefore = await db0.Set<FulfilmentTask>().CountAsync(t => t.RequestId == erasure.Id && t.State == DataFulfilment.Done);
            using var stop = new CancellationTokenSource();
            try
            {
                await engine.RunAsync(erasure.Id, (done, _) =>
                {
                    if (done > doneBefore) stop.Cancel();
                }, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        Assert.Equal("completed", (await app.Services<RightsRequests>().FindAsync(erasure.Id, CancellationToken.None))!.State);
        await using var db = await app.DbAsync();
        var tasks = await db.Set<FulfilmentTask>().AsNoTracking().OrderBy(t => t.Ordinal).ToListAsync();
        Assert.True(tasks.Count > 10);
        Assert.All(tasks, t => Assert.Equal(DataFulfilment.Done, t.State));
        Assert.All(tasks, t => Assert.Equal(1, t.Attempts));
        Assert.NotEqual(CompanyDatabase.AliceEmail, await company.ScalarAsync("SELECT email FROM customer WHERE id = 1"));
    }

    [Fact]
    public async Task Staff_run_a_request_from_the_command_line_and_take_its_package()
    {
        var (app, company) = await StartAsync(ConnectionTypes.Sqlite, worker: false);
        await using var _ = company;
        await using var __ = app;
        var access = await SubmitAndVerifyAsync(app, "portability");
        var run = await StewardCli.RunAsync(app.Database, "", "rights", "run", access.Id.ToString());
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("completed", run.Stdout, StringComparison.Ordinal);
        var file = Path.Combine(Path.GetTempPath(), $"steward-package-{Guid.NewGuid():N}.zip");
        try
        {
            var package = await StewardCli.RunAsync(app.Database, "", "rights", "package", access.Id.ToString(), "-o", file);
            Assert.True(package.ExitCode == 0, package.Stderr);
            using var zip = ZipFile.OpenRead(file);
            Assert.NotNull(zip.GetEntry("data.json"));
            var nowhere = await StewardCli.RunAsync(app.Database, "", "rights", "package", access.Id.ToString(), "-o", Path.Combine(file + ".missing", "x.zip"));
            Assert.Equal(1, nowhere.ExitCode);
            Assert.Contains("the folder does not exist", Assert.Single(nowhere.StderrLines), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
        var none = await StewardCli.RunAsync(app.Database, "", "rights", "package", Guid.NewGuid().ToString(), "-o", file);
        Assert.NotEqual(0, none.ExitCode);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Without_a_dataset_that_reaches_the_person_an_access_request_waits_for_staff_instead_of_an_empty_answer()
    {
        await using var app = await StewardTestApp.StartAsync(s => s["Jobs:Enabled"] = "false");
        await app.PublishAsync(PolicyFixture.ExamplePath);
        var access = await SubmitAndVerifyAsync(app, "access");
        await app.Services<DataFulfilment>().RunAsync(access.Id, null, CancellationToken.None);
        Assert.Equal("in-progress", (await app.Services<RightsRequests>().FindAsync(access.Id, CancellationToken.None))!.State);
        var task = Assert.Single(await app.Services<DataFulfilment>().TasksAsync(access.Id, CancellationToken.None));
        Assert.Equal(DataFulfilment.Manual, task.Phase);
        Assert.Null(await app.Services<RequestPackages>().AvailableUntilAsync(access.Id, CancellationToken.None));
    }

    [Fact]
    public async Task One_process_at_a_time_carries_a_request_out_and_a_dead_holders_claim_lapses()
    {
        var (app, company) = await StartAsync(ConnectionTypes.Sqlite, worker: false);
        await using var _ = company;
        await using var __ = app;
        var access = await SubmitAndVerifyAsync(app, "access");
        // Another process holds the request (as 'rights run' would while serve's worker tries it).
        await using (var db = await app.DbAsync())
            await db.Set<RightsRequest>().Where(r => r.Id == access.Id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.RunOwner, "other-node:1:x").SetProperty(r => r.RunLeaseUntil, app.Time.GetUtcNow().AddMinutes(5)));
        var engine = app.Services<DataFulfilment>();
        var refused = await Assert.ThrowsAsync<Steward.Hosting.StewardException>(() => engine.RunAsync(access.Id, null, CancellationToken.None));
        Assert.Contains("another process", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await engine.TasksAsync(access.Id, CancellationToken.None));

        // Its holder died: once the claim lapses, the request is carried out here, and the claim is given back.
        app.Time.Advance(TimeSpan.FromMinutes(6));
        await engine.RunAsync(access.Id, null, CancellationToken.None);
        Assert.Equal("completed", (await app.Services<RightsRequests>().FindAsync(access.Id, CancellationToken.None))!.State);
        await using var after = await app.DbAsync();
        Assert.Null((await after.Set<RightsRequest>().AsNoTracking().SingleAsync(r => r.Id == access.Id)).RunOwner);
    }
}
