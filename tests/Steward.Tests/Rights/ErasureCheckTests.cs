using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Connectors;
using Steward.People;
using Steward.Rights;
using Steward.Security;
using Steward.Tests.Connectors;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Rights;

/// <summary>
/// The check after an erasure (Steward issue 11, point 6): the person's identifiers are looked for in every connected
/// database, Steward's own and its log files, in their usual spellings; what a legal duty keeps is recorded as kept,
/// anything else is a finding staff see in the console and the CLI. The result names places and counts, never values.
/// </summary>
public sealed class ErasureCheckTests
{
    private static readonly string ShopYaml = File.ReadAllText(Repository.PathOf("examples", "datasets", "shop.yml"));

    /// <summary>The shop, with an invoice address kept under tax law and a support-ticket table no dataset declares.</summary>
    private static readonly string ShopWithInvoiceEmail = ShopYaml.Replace("""
                  - name: invoice_amount
        """, """
                  - name: invoice_email
                    data_categories: [user.contact.email]
                    fides_meta:
                      retain: legal-obligation
                      retain_reason: Invoices are kept for 10 years under tax law.
                  - name: invoice_amount
        """, StringComparison.Ordinal);

    private const string Leftovers = """
        ALTER TABLE orders ADD COLUMN invoice_email TEXT;
        UPDATE orders SET invoice_email = 'alice.private@example.com' WHERE id = 100;
        ALTER TABLE orders ADD COLUMN internal_comment TEXT;
        INSERT INTO orders (id, customer_id, note, invoice_amount) VALUES (50, 2, 'back door', 100);
        UPDATE orders SET internal_comment = 'refund sent to alice.private@example.com' WHERE id = 100;
        CREATE TABLE support_tickets (id INTEGER PRIMARY KEY, body TEXT);
        INSERT INTO support_tickets VALUES (1, 'Customer ALICE.PRIVATE@Example.com asked for a refund'), (2, 'malice.private@example.com wrote too'),
            (3, 'call back on 138 0000 0001'), (4, 'order 13800000001234 shipped'), (5, 'fax +86-138-0000-0001 please');
        """;

    private const string AliceLog = "GET /unsubscribe?email=alice.private%40example.com 200\nsent to Alice.Private@example.com\nsent to malice.private@example.com\n";

    private static async Task<(StewardTestApp App, CompanyDatabase Company, string Log)> StartAsync(string type, string yaml, string? extraSchema, string logText = AliceLog, int sampleRows = 10_000)
    {
        var company = await CompanyDatabase.CreateAsync(type);
        if (extraSchema is not null) await company.ExecuteAsync(extraSchema);
        var log = Path.Combine(Directory.CreateTempSubdirectory("steward-logs-").FullName, "app.log");
        await File.WriteAllTextAsync(log, logText);
        var app = await RightsVerificationTests.StartAsync(null, s =>
        {
            s["Rights:ErasureCheck:LogFiles:0"] = Path.Combine(Path.GetDirectoryName(log)!, "*.log");
            s["Jobs:Enabled"] = "false";
            s["Rights:ErasureCheck:SampleRows"] = sampleRows.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        await FulfilmentTests.ConnectAsync(app, company, yaml);
        return (app, company, log);
    }

    private static async Task<Guid> ErasedAsync(StewardTestApp app)
    {
        var requests = app.Services<RightsRequests>();
        var submitted = await requests.SubmitAsync(new RequestIntake("erasure", CompanyDatabase.AliceEmail, "eu-gdpr", null), "staff", "test", verified: true, CancellationToken.None);
        await requests.ApproveAsync(submitted.Id, "test", CancellationToken.None);
        await app.Services<DataFulfilment>().RunAsync(submitted.Id, null, CancellationToken.None);
        Assert.Equal("completed", (await requests.FindAsync(submitted.Id, CancellationToken.None))!.State);
        return submitted.Id;
    }

    [Theory]
    [InlineData(ConnectionTypes.Sqlite)]
    [InlineData(ConnectionTypes.Postgres)]
    public async Task What_the_erasure_left_in_an_undeclared_column_and_a_log_is_a_finding_and_a_field_kept_by_law_is_kept(string type)
    {
        // One row per table is sampled: Alice's order, behind Bob's, is read because the erasure found it.
        var (app, company, log) = await StartAsync(type, ShopWithInvoiceEmail, Leftovers, sampleRows: 1);
        await using var _ = company;
        await using var __ = app;
        var id = await ErasedAsync(app);

        var result = (await app.Services<ErasureCheck>().ResultAsync(id, CancellationToken.None))!;
        var hits = result.Hits.ToDictionary(h => h.Location, h => (h.Count, h.Kept));
        // Found in another case and in another format; the longer address and the longer number are someone else's.
        Assert.Equal((1, (string?)null), hits["shop-db:support_tickets.body"]);
        Assert.Equal((1, (string?)null), hits["shop-db:orders.internal_comment"]);
        Assert.Equal((1, "Invoices are kept for 10 years under tax law."), hits["shop-db:orders.invoice_email"]);
        Assert.Equal((2, (string?)null), hits[$"log:{Path.GetFullPath(log)}"]);
        // The erasure reached every declared field, and Steward keeps identifiers only encrypted: nothing else is found.
        Assert.Equal(4, hits.Count);
        Assert.Empty(result.Unchecked);
        Assert.Equal(3, (await app.Services<RightsRequests>().FindAsync(id, CancellationToken.None))!.ErasureProblems);

        var cli = await StewardCli.RunAsync(app.Database, "", "rights", "verify-erasure", id.ToString());
        Assert.Equal(1, cli.ExitCode);
        Assert.Equal($"steward: {id}: 3 finding(s), 1 kept under a legal duty", cli.Stderr.Trim());
        Assert.Contains("finding      shop-db:support_tickets.body  1", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains("kept         shop-db:orders.invoice_email  1  (Invoices are kept for 10 years under tax law.)", cli.Stdout, StringComparison.Ordinal);
        var list = await StewardCli.RunAsync(app.Database, "", "rights", "list");
        Assert.Contains("FOUND AFTER ERASURE", list.Stdout, StringComparison.Ordinal);

        await app.AddUserAsync("officer@northwind.example", Roles.PrivacyOfficer, "correct horse battery staple 42");
        var officer = app.Client();
        await StewardTestApp.SignInAsync(officer, "officer@northwind.example", "correct horse battery staple 42");
        var queue = await officer.GetStringAsync("/console/rights?lang=en&show=findings");
        Assert.Contains(id.ToString()[..8], queue, StringComparison.Ordinal);
        Assert.Contains("found after erasure", queue, StringComparison.Ordinal);
        var page = await officer.GetStringAsync($"/console/rights/{id}?lang=zh-CN");
        Assert.Contains("shop-db:support_tickets.body", page, StringComparison.Ordinal);
        Assert.Contains("发现：请删除，或记录保留的理由", page, StringComparison.Ordinal);
        Assert.Contains("依法律义务保留：Invoices are kept for 10 years under tax law.", page, StringComparison.Ordinal);

        // The result, its audit entry and the logs name places and counts, never the identifiers.
        await using var db = await app.DbAsync();
        var stored = await db.Set<RightsRequest>().AsNoTracking().Where(r => r.Id == id).Select(r => r.ErasureCheck).SingleAsync();
        var audited = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == "rights.erasure-checked").Select(e => e.Details).ToListAsync();
        Assert.Single(audited);   // reading the result (CLI, console) shows no personal data and adds no entry
        foreach (var text in audited.Append(stored!).Concat(app.Logs.Lines).Append(cli.Stdout).Append(cli.Stderr))
        {
            Assert.DoesNotContain("alice.private", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("13800000001", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(ConnectionTypes.Sqlite)]
    [InlineData(ConnectionTypes.Postgres)]
    public async Task A_clean_erasure_reports_clean_and_the_cli_exits_zero(string type)
    {
        var (app, company, _) = await StartAsync(type, ShopYaml, null, "nothing about anyone\n");
        await using var __ = company;
        await using var ___ = app;
        var id = await ErasedAsync(app);

        var cli = await StewardCli.RunAsync(app.Database, "", "rights", "verify-erasure", id.ToString());
        Assert.True(cli.ExitCode == 0, cli.Stdout + cli.Stderr);
        Assert.EndsWith($"{id}: clean", cli.Stdout.Trim(), StringComparison.Ordinal);
        var result = (await app.Services<ErasureCheck>().ResultAsync(id, CancellationToken.None))!;
        Assert.Empty(result.Hits);
        Assert.Equal(1, result.Scope.LogFiles);
        Assert.True(result.Scope.StewardColumns > 20, "every text column of Steward's database is searched");
        Assert.Equal(0, (await app.Services<RightsRequests>().FindAsync(id, CancellationToken.None))!.ErasureProblems);
        Assert.Contains("verify", (await app.Services<DataFulfilment>().TasksAsync(id, CancellationToken.None)).Select(t => t.Phase));

        // Searched again while Steward still holds the identifiers: a new result, audited again.
        var rescan = await StewardCli.RunAsync(app.Database, "", "rights", "verify-erasure", id.ToString(), "--rescan");
        Assert.True(rescan.ExitCode == 0, rescan.Stdout + rescan.Stderr);
        Assert.True((await app.Services<ErasureCheck>().ResultAsync(id, CancellationToken.None))!.CheckedAt >= result.CheckedAt);
        await using var db = await app.DbAsync();
        Assert.Equal(2, await db.Set<AuditEntry>().CountAsync(e => e.Action == "rights.erasure-checked"));
    }

    [Theory]
    [InlineData(ConnectionTypes.Sqlite)]
    [InlineData(ConnectionTypes.Postgres)]
    public async Task A_phone_number_and_an_email_are_found_in_their_usual_spellings_and_not_inside_longer_ones(string type)
    {
        var (app, company, _) = await StartAsync(type, ShopYaml, Leftovers);
        await using var __ = company;
        await using var ___ = app;
        var result = await app.Services<ErasureCheck>().ScanAsync(
            [new Identity(IdentityType.Email, CompanyDatabase.AliceEmail), new Identity(IdentityType.Phone, CompanyDatabase.AlicePhone)], [], CancellationToken.None);
        var hits = result.Hits.ToDictionary(h => h.Location, h => h.Count);
        // Nothing was erased: the declared fields hold the values, the tickets the same in other spellings.
        Assert.Equal(1, hits["shop-db:customer.email"]);
        Assert.Equal(1, hits["shop-db:newsletter.email"]);
        Assert.Equal(1, hits["shop-db:phone_book.phone"]);
        Assert.Equal(3, hits["shop-db:support_tickets.body"]);   // the email in capitals, '138 0000 0001' and '+86-138-0000-0001'
        Assert.Empty(result.Unchecked);
    }

    [Fact]
    public async Task A_log_file_is_searched_across_its_blocks_without_missing_or_counting_twice()
    {
        var folder = Directory.CreateTempSubdirectory("steward-logs-").FullName;
        var file = Path.Combine(folder, "big.log");
        var matcher = new IdentifierMatcher(ErasureSearchForms.For([new Identity(IdentityType.Email, "bo@x.example"), new Identity(IdentityType.Phone, CompanyDatabase.AlicePhone)]));
        var line = new string('x', 97) + " é\n";   // a two-byte character, so blocks also split inside one
        await using (var writer = new StreamWriter(file))
        {
            var expected = 0;
            for (var i = 0; i < 40_000; i++)
            {
                await writer.WriteAsync(line);
                if (i % 997 == 0) { await writer.WriteAsync(i % 2 == 0 ? "to BO@X.EXAMPLE\n" : "tel +8613800000001\n"); expected++; }
                if (i % 1999 == 0) await writer.WriteAsync("to jimbo@x.example and +86138000000019\n");
            }
            await writer.FlushAsync();
            writer.Close();
            var (hits, bytes) = await LogFileScan.ScanAsync(file, matcher, CancellationToken.None);
            Assert.Equal(expected, hits);
            Assert.Equal(new FileInfo(file).Length, bytes);
        }
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Verify_erasure_refuses_an_unknown_request_another_kind_and_one_not_yet_carried_out()
    {
        await using var app = await RightsVerificationTests.StartAsync(null);
        var requests = app.Services<RightsRequests>();
        var unknown = await StewardCli.RunAsync(app.Database, "", "rights", "verify-erasure", Guid.Empty.ToString());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal($"steward: There is no rights request {Guid.Empty}.", unknown.Stderr.Trim());
        var access = await requests.SubmitAsync(new RequestIntake("access", CompanyDatabase.AliceEmail, "eu-gdpr", null), "staff", "test", verified: true, CancellationToken.None);
        var notErasure = await StewardCli.RunAsync(app.Database, "", "rights", "verify-erasure", access.Id.ToString());
        Assert.Equal(1, notErasure.ExitCode);
        Assert.Contains("is not an erasure request (it is access)", notErasure.Stderr, StringComparison.Ordinal);
        var erasure = await requests.SubmitAsync(new RequestIntake("erasure", CompanyDatabase.BobEmail, "eu-gdpr", null), "staff", "test", verified: true, CancellationToken.None);
        var pending = await StewardCli.RunAsync(app.Database, "", "rights", "verify-erasure", erasure.Id.ToString());
        Assert.Equal(1, pending.ExitCode);
        Assert.Equal($"steward: Request {erasure.Id} is awaiting-approval: it is checked once its erasure has been carried out.", pending.Stderr.Trim());
    }
}
