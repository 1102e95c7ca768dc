using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Connectors;
using Steward.Hosting;
using Steward.Retention;
using Steward.Tests.Connectors;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Retention;

/// <summary>Retention over a company database: the plan the published policy gives, the chunked sweep, its resumption and its audit entry.</summary>
public sealed class RetentionTests
{
    /// <summary>Orders keep purchase history ten years (an exception to one year); visits are anonymised after two years.</summary>
    internal static readonly string Policy = PolicyFixture.Minimal.Swap("marketing_channels:\n", """
          orders:
            name: { en: Your orders, zh-CN: 您的订单 }
            description: { en: We deliver and invoice what you buy., zh-CN: 我们交付并开具您所购商品的发票。 }
            activity: accounts
            uses: [essential.service]
            data_categories: [user.name, user.behavior.purchase_history]
            subjects: [customer]
            sources: [from-you]
            legal_basis: { default: contract }
            retention:
              period: P1Y
              criteria: { en: after the order is closed, zh-CN: 自订单关闭之日起 }
              categories:
                user.behavior.purchase_history:
                  period: P10Y
                  criteria: { en: "after the order is closed, as commercial law requires", zh-CN: 自订单关闭之日起，依商法要求 }
            provision_requirement: { en: Needed to deliver an order., zh-CN: 交付订单必须提供。 }
          site-statistics:
            name: { en: Site statistics, zh-CN: 网站统计 }
            description: { en: We count visits to improve the site., zh-CN: 我们统计访问量以改进网站。 }
            activity: accounts
            uses: [essential.service]
            data_categories: [user.device.ip_address]
            subjects: [customer]
            sources: [from-you]
            legal_basis: { default: contract }
            retention:
              period: P2Y
              criteria: { en: after the visit, zh-CN: 自访问之日起 }
              action: anonymise
            provision_requirement: { en: Sent by your browser., zh-CN: 由您的浏览器发送。 }
        marketing_channels:

        """).Swap("children: { default_minimum_age: 16 }\n", "children: { default_minimum_age: 16 }\nconsent_records: { kept_for: P3Y }\n");

    internal const string Schema = """
        CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, buyer TEXT, purchase TEXT, closed_at TIMESTAMP);
        CREATE TABLE invoices (id INTEGER PRIMARY KEY, buyer TEXT, amount INTEGER, issued_at TIMESTAMP);
        CREATE TABLE visits (id INTEGER PRIMARY KEY, ip TEXT, page TEXT, visited_at TIMESTAMP);
        CREATE TABLE subscribers (id INTEGER PRIMARY KEY, email TEXT, subscribed_at TIMESTAMP, note TEXT);
        """;

    internal const string Dataset = """
        dataset:
          - fides_key: shop
            collections:
              - name: customer
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: name, data_categories: [user.name] }
              - name: orders
                fides_meta: { retention: { clock: closed_at } }
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: buyer, data_categories: [user.name] }
                  - { name: purchase, data_categories: [user.behavior.purchase_history] }
                  - { name: closed_at, data_categories: [system.operations] }
              - name: invoices
                fides_meta: { retention: { clock: issued_at } }
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: buyer, data_categories: [user.name] }
                  - name: amount
                    data_categories: [user.financial]
                    fides_meta: { retain: legal-obligation, retain_reason: Invoices are kept under tax law. }
                  - { name: issued_at, data_categories: [system.operations] }
              - name: visits
                fides_meta: { retention: { clock: visited_at } }
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: ip, data_categories: [user.device.ip_address] }
                  - { name: page, data_categories: [system.operations] }
                  - { name: visited_at, data_categories: [system.operations] }
              - name: subscribers
                fides_meta: { retention: { clock: subscribed_at } }
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: email, data_categories: [user.contact.email] }
                  - { name: subscribed_at, data_categories: [system.operations] }
        """;

    // The test app's clock stands at 2026-03-02 09:00 UTC.
    private static string Year(int year) => $"'{year}-01-01 00:00:00'";

    /// <summary>Ids 1..n: odd ids closed in 2010 (due under ten years), even ids in 2020 (not due).</summary>
    internal static string Orders(int n) => "INSERT INTO orders VALUES " + string.Join(", ", Enumerable.Range(1, n).Select(i =>
        $"({i}, 'buyer {i}', 'item {i}', {Year(i % 2 == 1 ? 2010 : 2020)})")) + ";";

    private const string Rows = """
        INSERT INTO customer VALUES (1, 'Alice');
        INSERT INTO invoices VALUES (1, 'Alice', 4200, '2020-01-01 00:00:00'), (2, 'Bob', 1900, '2025-06-01 00:00:00');
        INSERT INTO visits VALUES (1, '10.0.0.1', '/home', '2023-01-01 00:00:00'), (2, '10.0.0.2', '/shop', '2026-01-01 00:00:00');
        INSERT INTO subscribers VALUES (1, 'a@example.com', '2001-01-01 00:00:00', 'x');
        """;

    internal static async Task<(StewardTestApp App, CompanyDatabase Company)> StartAsync(string type, int orders = 6, Action<Dictionary<string, string?>>? settings = null)
    {
        var company = await CompanyDatabase.CreateAsync(type, Schema);
        await company.ExecuteAsync(Orders(orders) + Rows);
        var app = await StewardTestApp.StartAsync(s => { s["Jobs:Enabled"] = "false"; settings?.Invoke(s); });
        await app.PublishAsync(PolicyFixture.Write(Policy));
        await FulfilmentTests.ConnectAsync(app, company, Dataset);
        return (app, company);
    }

    private static async Task<List<long>> IdsAsync(CompanyDatabase company, string table)
    {
        var ids = new List<long>();
        await using var connection = company.Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id FROM {table} ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
        return ids;
    }

    [Fact]
    public async Task The_plan_takes_the_longest_period_honours_a_category_exception_and_says_what_it_leaves()
    {
        var (app, company) = await StartAsync(ConnectionTypes.Sqlite);
        await using var _ = company;
        await using var __ = app;
        var plans = (await app.Services<RetentionSweep>().PlanAsync(SweepScope.Everything, CancellationToken.None)).ToDictionary(p => p.Collection);

        // Buyer names are kept one year, purchase history ten: the row goes when both are due.
        var orders = Assert.Single(plans["orders"].Steps);
        Assert.Equal((SweepAction.Delete, "P10Y", "orders", "user.behavior.purchase_history"), (orders.Action, orders.Period, orders.Purpose, orders.Category));
        Assert.Equal(new DateTimeOffset(2016, 3, 2, 9, 0, 0, TimeSpan.Zero), orders.Cutoff, TimeSpan.FromSeconds(1));

        // The amount is kept by law, so the row stays and only the buyer's name is masked, at three years (the account purpose's).
        var invoices = Assert.Single(plans["invoices"].Steps);
        Assert.Equal((SweepAction.Mask, "P3Y", "account"), (invoices.Action, invoices.Period, invoices.Purpose));
        Assert.Equal(["buyer"], invoices.Fields.Select(f => f.Name));
        Assert.Contains(plans["invoices"].NotSwept, r => r.StartsWith("amount: kept under a legal obligation", StringComparison.Ordinal));

        var visits = Assert.Single(plans["visits"].Steps);
        Assert.Equal((SweepAction.Mask, "P2Y", "site-statistics"), (visits.Action, visits.Period, visits.Purpose));
        Assert.Equal(["ip"], visits.Fields.Select(f => f.Name));

        // The newsletter keeps email addresses "until you unsubscribe": no period, so nothing is swept.
        Assert.Empty(plans["subscribers"].Steps);
        Assert.Contains("purpose 'newsletter' states criteria but no period", Assert.Single(plans["subscribers"].NotSwept), StringComparison.Ordinal);
        Assert.Equal(["no retention clock (fides_meta.retention.clock)"], plans["customer"].NotSwept);

        Assert.Equal(3, await app.Services<RetentionSweep>().CountDueAsync(orders, CancellationToken.None));
    }

    [Theory]
    [InlineData(ConnectionTypes.Sqlite)]
    [InlineData(ConnectionTypes.Postgres)]
    public async Task A_run_deletes_exactly_the_due_rows_masks_what_is_anonymised_and_leaves_what_the_law_keeps(string type)
    {
        var (app, company) = await StartAsync(type, orders: 10);
        await using var _ = company;
        await using var __ = app;
        var sweep = app.Services<RetentionSweep>();

        var dry = await sweep.RunAsync(SweepScope.Everything, dryRun: true, "test", null, CancellationToken.None);
        Assert.Equal(5, dry.Collections.Single(c => c.Collection == "shop.orders").Rows);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), await IdsAsync(company, "orders"));

        var outcome = await sweep.RunAsync(SweepScope.Everything, dryRun: false, "test", null, CancellationToken.None);
        Assert.Equal([2L, 4, 6, 8, 10], await IdsAsync(company, "orders"));
        Assert.Equal(5, outcome.Collections.Single(c => c.Collection == "shop.orders").Rows);
        // Anonymised: the address is gone, the page stays for statistics; the recent visit is untouched.
        Assert.Null(await company.ScalarAsync("SELECT ip FROM visits WHERE id = 1"));
        Assert.Equal("/home", await company.ScalarAsync("SELECT page FROM visits WHERE id = 1"));
        Assert.Equal("10.0.0.2", await company.ScalarAsync("SELECT ip FROM visits WHERE id = 2"));
        Assert.Null(await company.ScalarAsync("SELECT buyer FROM invoices WHERE id = 1"));
        Assert.Equal(4200L, Convert.ToInt64(await company.ScalarAsync("SELECT amount FROM invoices WHERE id = 1"), CultureInfo.InvariantCulture));
        Assert.Equal("Bob", await company.ScalarAsync("SELECT buyer FROM invoices WHERE id = 2"));
        Assert.Equal("a@example.com", await company.ScalarAsync("SELECT email FROM subscribers WHERE id = 1"));

        // A second run finds nothing more to do.
        var again = await sweep.RunAsync(SweepScope.Everything, dryRun: false, "test", null, CancellationToken.None);
        Assert.All(again.Collections, c => Assert.Equal(0, c.Rows));

        await using var db = await app.DbAsync();
        var entries = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == "retention.swept").ToListAsync();
        Assert.Equal(2, entries.Count);
        var first = entries.Single(e => e.Target == $"retention-run:{outcome.RunId}");
        var details = System.Text.Json.JsonDocument.Parse(first.Details!).RootElement;
        var collections = details.GetProperty("collections").EnumerateArray().ToDictionary(c => c.GetProperty("collection").GetString()!, c => c.GetProperty("rows").GetInt64());
        Assert.Equal(5, collections["shop.orders"]);
        Assert.Equal(1, collections["shop.visits"]);
        Assert.Equal(1, collections["shop.invoices"]);
        Assert.DoesNotContain("10.0.0.1", first.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("Alice", first.Details, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ConnectionTypes.Sqlite)]
    [InlineData(ConnectionTypes.Postgres)]
    public async Task A_run_cancelled_between_chunks_resumes_with_its_cutoff_and_neither_repeats_nor_skips(string type)
    {
        // Chunks of exactly three rows: at most three, and a time budget no chunk of three reaches. PostgreSQL goes by pages
        // (one page a chunk at this size): enough orders for many pages, and counts instead of exact ids.
        var postgres = type == ConnectionTypes.Postgres;
        var orders = postgres ? 3000 : 40;
        var (app, company) = await StartAsync(type, orders, s =>
        {
            s["Retention:ChunkSize"] = "3";
            s["Retention:ChunkDuration"] = s["Retention:PostgresChunkDuration"] = "00:01:00";
        });
        await using var _ = company;
        await using var __ = app;
        var sweep = app.Services<RetentionSweep>();
        var scope = new SweepScope("shop-db", "orders");

        using var cancel = new CancellationTokenSource();
        var chunks = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sweep.RunAsync(scope, dryRun: false, "test", (_, _) => { if (++chunks == 2) cancel.Cancel(); }, cancel.Token));
        var due = Enumerable.Range(1, orders).Where(i => i % 2 == 1).Select(i => (long)i).ToList();
        var left = await IdsAsync(company, "orders");
        var gone = Enumerable.Range(1, orders).Select(i => (long)i).Except(left).ToList();
        if (postgres)
        {
            // Two pages' worth of due orders went, and nothing that was not due.
            Assert.InRange(gone.Count, 2, due.Count - 1);
            Assert.All(gone, id => Assert.Contains(id, due));
        }
        else Assert.Equal(due.Take(6), gone);

        // Five years later the cutoff of a new run would reach the 2020 orders; the resumed run keeps the one it started with.
        app.Time.Advance(TimeSpan.FromDays(5 * 366));
        var resumed = await sweep.RunAsync(scope, dryRun: false, "test", null, CancellationToken.None);
        Assert.True(resumed.Resumed);
        Assert.Equal(Enumerable.Range(1, orders).Where(i => i % 2 == 0).Select(i => (long)i), await IdsAsync(company, "orders"));
        // The run, before and after its stop, counts every due order once.
        Assert.Equal(due.Count, Assert.Single(resumed.Collections).Rows);

        // The next run starts afresh, with today's cutoff.
        var next = await sweep.RunAsync(scope, dryRun: false, "test", null, CancellationToken.None);
        Assert.False(next.Resumed);
        Assert.Empty(await IdsAsync(company, "orders"));
    }

    [Fact]
    public async Task A_resumed_run_never_goes_further_than_todays_plan_when_a_period_was_lengthened_meanwhile()
    {
        var (app, company) = await StartAsync(ConnectionTypes.Sqlite, orders: 40, s => { s["Retention:ChunkSize"] = "3"; s["Retention:ChunkDuration"] = "00:01:00"; });
        await using var _ = company;
        await using var __ = app;
        var sweep = app.Services<RetentionSweep>();
        var scope = new SweepScope("shop-db", "orders");
        using var cancel = new CancellationTokenSource();
        var chunks = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sweep.RunAsync(scope, dryRun: false, "test", (_, _) => { if (++chunks == 2) cancel.Cancel(); }, cancel.Token));
        Assert.Equal(34, (await IdsAsync(company, "orders")).Count);

        // Purchase history is now kept twenty years: the 2010 orders are no longer due, and the resumed run leaves them.
        await app.PublishAsync(PolicyFixture.Write(Policy.Swap("period: P10Y", "period: P20Y")));
        var resumed = await sweep.RunAsync(scope, dryRun: false, "test", null, CancellationToken.None);
        Assert.True(resumed.Resumed);
        Assert.Equal(34, (await IdsAsync(company, "orders")).Count);
    }

    [Fact]
    public async Task A_run_another_process_holds_is_not_swept_twice_and_is_taken_over_once_its_claim_lapses()
    {
        var (app, company) = await StartAsync(ConnectionTypes.Sqlite, orders: 40, s => { s["Retention:ChunkSize"] = "3"; s["Retention:ChunkDuration"] = "00:01:00"; });
        await using var _ = company;
        await using var __ = app;
        var sweep = app.Services<RetentionSweep>();
        var scope = new SweepScope("shop-db", "orders");
        using var cancel = new CancellationTokenSource();
        var chunks = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sweep.RunAsync(scope, dryRun: false, "test", (_, _) => { if (++chunks == 2) cancel.Cancel(); }, cancel.Token));
        // Another process (the scheduled job on another node) holds the run now.
        await using (var db = await app.DbAsync())
            await db.Set<RetentionRun>().ExecuteUpdateAsync(x => x.SetProperty(r => r.Owner, "node-2:1:x").SetProperty(r => r.LeaseUntil, app.Time.GetUtcNow().AddMinutes(5)));
        var taken = await Assert.ThrowsAsync<StewardException>(() => sweep.RunAsync(scope, dryRun: false, "test", null, CancellationToken.None));
        Assert.Contains("is running in another process", taken.Message, StringComparison.Ordinal);
        Assert.Equal(34, (await IdsAsync(company, "orders")).Count);

        // Its holder died: once the claim lapses, the run is taken over and finished.
        app.Time.Advance(TimeSpan.FromMinutes(6));
        var resumed = await sweep.RunAsync(scope, dryRun: false, "test", null, CancellationToken.None);
        Assert.True(resumed.Resumed);
        Assert.Equal(20, (await IdsAsync(company, "orders")).Count);
    }

    [Fact]
    public async Task The_cli_dry_run_writes_nothing_and_bad_scopes_are_one_line_errors_that_delete_nothing()
    {
        var (app, company) = await StartAsync(ConnectionTypes.Sqlite);
        await using var _ = company;
        await using var __ = app;
        var before = await IdsAsync(company, "orders");

        var dry = await StewardCli.RunAsync(app.Database, "", "retention", "run", "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("shop.orders\tdue 3 rows", dry.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, await IdsAsync(company, "orders"));
        Assert.Equal("10.0.0.1", await company.ScalarAsync("SELECT ip FROM visits WHERE id = 1"));

        var plan = await StewardCli.RunAsync(app.Database, "", "retention", "plan");
        Assert.Equal(0, plan.ExitCode);
        Assert.Contains("shop.orders\tdelete rows when closed_at is before 2016-", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("(P10Y, purpose 'orders', category user.behavior.purchase_history)\t3 due", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("shop.customer\tnot swept: no retention clock", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("steward\tconsent-events\twhile relied on, then P3Y", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("steward\taudit-log\tnever swept", plan.Stdout, StringComparison.Ordinal);

        foreach (var (args, says) in new (string[], string)[]
        {
            (["--connection", "nope"], "There is no connection named 'nope'"),
            (["--collection", "nope"], "There is no collection 'nope' in the datasets"),
            (["--connection", "shop-db", "--collection", "shop.nope"], "There is no collection 'shop.nope' in the datasets of connection 'shop-db'"),
        })
        {
            var result = await StewardCli.RunAsync(app.Database, "", ["retention", "run", .. args]);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal($"steward: {says} (see", result.Stderr.Trim()[..($"steward: {says} (see".Length)]);
            Assert.Single(result.Stderr.Trim().Split('\n'));
        }
        Assert.Equal(before, await IdsAsync(company, "orders"));
    }

    [Fact]
    public async Task The_plan_over_http_is_for_the_privacy_office_and_auditors_and_matches_the_rows()
    {
        var (app, company) = await StartAsync(ConnectionTypes.Sqlite, orders: 8);
        await using var _ = company;
        await using var __ = app;
        var plan = await StewardTestApp.ReadJsonAsync<RetentionEndpoints.RetentionPlanResponse>(
            await (await app.ClientForRoleAsync("auditor")).GetAsync(new Uri("/api/v1/retention/plan", UriKind.Relative)));
        var orders = Assert.Single(plan.Collections.Single(c => c.Collection == "shop.orders").Steps);
        Assert.Equal(("delete", "P10Y", 4L), (orders.Action, orders.Period, orders.Due));
        Assert.Contains(plan.Own, o => o.Records == "audit-log" && o.Due is null);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden,
            (await (await app.ClientForRoleAsync("dsr-agent")).GetAsync(new Uri("/api/v1/retention/plan", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_clock_that_is_not_a_field_or_not_a_date_stops_the_import_at_its_line()
    {
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite, Schema);
        await using var app = await StewardTestApp.StartAsync(s => s["Jobs:Enabled"] = "false");
        await app.Services<ConnectionDirectory>().AddAsync("shop-db", company.Type, company.ConnectionString, "test", CancellationToken.None);

        var missing = Dataset.Replace("retention: { clock: closed_at }", "retention: { clock: closed_on }", StringComparison.Ordinal);
        var notDate = Dataset.Replace("retention: { clock: closed_at }", "retention: { clock: buyer }", StringComparison.Ordinal);
        foreach (var (yaml, says) in new[] { (missing, "retention clock 'closed_on' is not a field of collection 'orders'"), (notDate, "retention clock 'orders.buyer' is a text column, not a date or time") })
        {
            var import = await app.Services<DataConnectors>().ImportAsync(yaml, "shop-db", "test", CancellationToken.None);
            Assert.False(import.Stored);
            var problem = Assert.Single(import.Errors);
            Assert.Equal(says, problem.Message);
            Assert.Equal(PolicyFixture.LineOf(yaml, "clock: "), problem.At.Line);
            // At the value: the name that is wrong.
            Assert.Equal(yaml.Split('\n')[problem.At.Line - 1].IndexOf("clock: ", StringComparison.Ordinal) + "clock: ".Length + 1, problem.At.Column);
        }
    }
}

/// <summary>Retention of Steward's own consent records: kept while relied on, then for consent_records.kept_for.</summary>
public sealed class ConsentRecordsRetentionTests
{
    [Fact]
    public async Task Consent_events_go_three_years_after_a_later_choice_superseded_them_and_the_standing_choice_stays()
    {
        await using var app = await StewardTestApp.StartAsync(s => s["Jobs:Enabled"] = "false");
        await app.PublishAsync(PolicyFixture.Write(RetentionTests.Policy));
        var now = app.Time.GetUtcNow();
        var person = new Steward.People.Identity(Steward.People.IdentityType.Email, "retention.person@example.com");
        async Task<Guid> RecordAsync(string key, Steward.Consent.ConsentChoice choice, DateTimeOffset at) =>
            Assert.Single((await app.Services<Steward.Consent.ConsentLedger>().RecordAsync(
                [new(person, "eu-gdpr", 1, null, "en", Steward.Consent.ConsentMethod.Api, at, new(null, null), [new(key, choice)])], "test", null, CancellationToken.None)).EventIds);

        var supersededLongAgo = await RecordAsync("purpose:newsletter", Steward.Consent.ConsentChoice.Granted, now.AddYears(-5));
        var supersededLately = await RecordAsync("purpose:newsletter", Steward.Consent.ConsentChoice.Withdrawn, now.AddYears(-4));
        var standing = await RecordAsync("purpose:newsletter", Steward.Consent.ConsentChoice.Granted, now.AddYears(-1));
        var standingAlone = await RecordAsync("channel:email", Steward.Consent.ConsentChoice.Granted, now.AddYears(-10));

        var own = app.Services<OwnDataRetention>();
        Assert.Equal(1, (await own.CountDueAsync(CancellationToken.None))[OwnDataRetention.ConsentEvents]);
        var outcome = await app.Services<RetentionSweep>().RunAsync(SweepScope.Everything, dryRun: false, "test", null, CancellationToken.None);
        Assert.Equal(1, outcome.Own[OwnDataRetention.ConsentEvents]);

        await using var db = await app.DbAsync();
        var left = await db.Set<Steward.Consent.ConsentEvent>().AsNoTracking().Select(e => e.Id).ToListAsync();
        Assert.Equal(new[] { supersededLately, standing, standingAlone }.Order(), left.Order());
        Assert.DoesNotContain(supersededLongAgo, left);

        // Three more years: the withdrawal superseded a year ago is still proof; the one superseded four years ago is not.
        app.Time.Advance(TimeSpan.FromDays(365 * 2 + 1));
        await app.Services<RetentionSweep>().RunAsync(SweepScope.Everything, dryRun: false, "test", null, CancellationToken.None);
        left = await db.Set<Steward.Consent.ConsentEvent>().AsNoTracking().Select(e => e.Id).ToListAsync();
        Assert.Equal(new[] { standing, standingAlone }.Order(), left.Order());
        var audit = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == "retention.swept").Select(e => e.Details).ToListAsync();
        Assert.Equal(2, audit.Count);
        Assert.All(audit, d => Assert.Contains("\"consent-events\":1", d, StringComparison.Ordinal));
    }
}

/// <summary>Steward's short-lived records: ended staff sessions a month after they ended, verification codes a day after they expired, access packages at their link's expiry.</summary>
public sealed class ShortLivedRecordsRetentionTests
{
    [Fact]
    public async Task The_sweep_deletes_sessions_ended_more_than_thirty_days_ago_only()
    {
        await using var app = await StewardTestApp.StartAsync(s => s["Jobs:Enabled"] = "false");
        var user = await app.Services<Steward.Security.StaffDirectory>().AddUserAsync("officer@example.test", "privacy-officer", "a long enough passphrase 42", "test", CancellationToken.None);
        var now = app.Time.GetUtcNow();
        await using (var db = await app.DbAsync())
        {
            Steward.Security.StaffSession Session(string id, DateTimeOffset expires, DateTimeOffset? revoked = null) =>
                new() { Id = id, UserId = user, Role = "privacy-officer", CreatedAt = expires.AddHours(-8), LastSeenAt = expires.AddHours(-1), ExpiresAt = expires, RevokedAt = revoked };
            db.AddRange(Session("expired-long-ago", now.AddDays(-40)), Session("signed-out-long-ago", now.AddDays(1), now.AddDays(-31)),
                Session("expired-lately", now.AddDays(-10)), Session("live", now.AddHours(4)));
            await db.SaveChangesAsync();
        }

        Assert.Equal(2, (await app.Services<OwnDataRetention>().CountDueAsync(CancellationToken.None))[OwnDataRetention.StaffSessions]);
        Assert.Equal(2, (await app.Services<OwnDataRetention>().SweepAsync(CancellationToken.None))[OwnDataRetention.StaffSessions]);
        await using var after = await app.DbAsync();
        Assert.Equal(["expired-lately", "live"], (await after.Set<Steward.Security.StaffSession>().AsNoTracking().Select(s => s.Id).ToListAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_sweep_deletes_verification_codes_a_day_after_they_expired_only()
    {
        await using var app = await StewardTestApp.StartAsync(s => s["Jobs:Enabled"] = "false");
        await app.PublishAsync(PolicyFixture.Write(RetentionTests.Policy));
        var request = await app.Services<Steward.Rights.RightsRequests>().SubmitAsync(
            new Steward.Rights.RequestIntake("access", "codes.person@example.com", "eu-gdpr", "en"), "staff", "test", null, CancellationToken.None);
        var now = app.Time.GetUtcNow();
        await using (var db = await app.DbAsync())
        {
            Steward.Rights.VerificationChallenge Code(Guid id, DateTimeOffset expires) =>
                new() { Id = id, RequestId = request.Id, CodeHash = new byte[32], CreatedAt = expires - Steward.Rights.VerificationChallenge.Lifetime, ExpiresAt = expires };
            db.AddRange(Code(Guid.CreateVersion7(), now.AddDays(-2)), Code(Guid.CreateVersion7(), now.AddHours(-3)), Code(Guid.CreateVersion7(), now.AddMinutes(10)));
            await db.SaveChangesAsync();
        }
        var before = await CountAsync(app);

        Assert.Equal(1, (await app.Services<OwnDataRetention>().SweepAsync(CancellationToken.None))[OwnDataRetention.VerificationCodes]);
        Assert.Equal(before - 1, await CountAsync(app));
        Assert.Equal(0, (await app.Services<OwnDataRetention>().CountDueAsync(CancellationToken.None))[OwnDataRetention.VerificationCodes]);

        static async Task<int> CountAsync(StewardTestApp app)
        {
            await using var db = await app.DbAsync();
            return await db.Set<Steward.Rights.VerificationChallenge>().CountAsync();
        }
    }

    [Fact]
    public async Task Access_packages_go_when_their_download_link_expires_and_the_purge_says_how_many()
    {
        await using var app = await StewardTestApp.StartAsync(s => s["Jobs:Enabled"] = "false");
        await app.PublishAsync(PolicyFixture.Write(RetentionTests.Policy));
        var requests = app.Services<Steward.Rights.RightsRequests>();
        var expired = await requests.SubmitAsync(new Steward.Rights.RequestIntake("access", "old.package@example.com", "eu-gdpr", "en"), "staff", "test", null, CancellationToken.None);
        var live = await requests.SubmitAsync(new Steward.Rights.RequestIntake("access", "new.package@example.com", "eu-gdpr", "en"), "staff", "test", null, CancellationToken.None);
        var now = app.Time.GetUtcNow();
        await using (var db = await app.DbAsync())
        {
            Steward.Rights.RightsPackage Package(Guid request, DateTimeOffset expires, byte token) => new()
            {
                RequestId = request, SubjectId = Guid.NewGuid(), CreatedAt = expires.AddDays(-30), ExpiresAt = expires, Size = 1,
                Sha256 = new string('0', 64), DownloadTokenHash = Enumerable.Repeat(token, 32).ToArray(), Content = [1],
            };
            db.AddRange(Package(expired.Id, now.AddMinutes(-1), 1), Package(live.Id, now.AddDays(3), 2));
            await db.SaveChangesAsync();
        }

        var purge = app.Services<IEnumerable<Steward.Jobs.IJobHandler>>().OfType<Steward.Rights.RightsRecordsPurge>().Single();
        await purge.RunAsync(new Steward.Jobs.JobContext(Guid.NewGuid(), Steward.Rights.RightsRecordsPurge.JobKind, "{}", 1, 1), CancellationToken.None);

        await using var after = await app.DbAsync();
        Assert.Equal([live.Id], await after.Set<Steward.Rights.RightsPackage>().AsNoTracking().Select(p => p.RequestId).ToListAsync());
        var entry = Assert.Single(await after.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == "rights.packages-expired").ToListAsync());
        Assert.Contains("\"packages\":1", entry.Details, StringComparison.Ordinal);
    }
}
