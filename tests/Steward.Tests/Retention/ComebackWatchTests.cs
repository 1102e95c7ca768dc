using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Connectors;
using Steward.People;
using Steward.People.Erasures;
using Steward.Retention;
using Steward.Tests.Connectors;
using Steward.Tests.Infrastructure;
using Steward.Tests.Rights;

namespace Steward.Tests.Retention;

/// <summary>
/// An erased person who comes back in a company database (issue 11, point 7): the daily watch compares the declared
/// identity fields with the tombstones by blind index and flags each place once, for staff, with no value anywhere.
/// </summary>
public sealed class ComebackWatchTests
{
    private static readonly string ShopYaml = File.ReadAllText(Repository.PathOf("examples", "datasets", "shop.yml"));

    [Theory]
    [InlineData(ConnectionTypes.Sqlite)]
    [InlineData(ConnectionTypes.Postgres)]
    public async Task An_erased_person_found_again_in_a_connected_database_is_a_finding_once_per_place_and_nobody_else_is(string type)
    {
        await using var company = await CompanyDatabase.CreateAsync(type);
        await using var app = await RightsVerificationTests.StartAsync(null, s => s["Jobs:Enabled"] = "false");
        await FulfilmentTests.ConnectAsync(app, company, ShopYaml);
        var people = app.Services<PeopleDirectory>();
        // Alice was erased in Steward; her row is in the shop again (entered anew, in another spelling).
        var alice = (await people.FindOrCreateAsync(new Identity(IdentityType.Email, CompanyDatabase.AliceEmail), "eu-gdpr", "test", CancellationToken.None)).SubjectId;
        await people.FindOrCreateAsync(new Identity(IdentityType.Email, "carol@example.org"), "eu-gdpr", "test", CancellationToken.None);
        Assert.True(await people.EraseKeyAsync(alice, "test", CancellationToken.None));
        await company.ExecuteAsync($"UPDATE customer SET email = '  {CompanyDatabase.AliceEmail.ToUpperInvariant()} ' WHERE id = 1");

        var first = await StewardCli.RunAsync(app.Database, "", "erasures", "watch");
        Assert.True(first.ExitCode == 0, first.Stderr);
        // Her address is in the customer table again and still in the newsletter list.
        Assert.StartsWith("2 new finding(s)", first.Stdout, StringComparison.Ordinal);
        var listed = await StewardCli.RunAsync(app.Database, "", "erasures", "findings");
        Assert.Contains("shop-db:customer.email", listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("shop-db:newsletter.email", listed.Stdout, StringComparison.Ordinal);
        // Seen again the next day at the same place: not a new finding.
        Assert.StartsWith("0 new finding(s)", (await StewardCli.RunAsync(app.Database, "", "erasures", "watch")).Stdout, StringComparison.Ordinal);

        await using var db = await app.DbAsync();
        var findings = await db.Set<ComebackFinding>().AsNoTracking().OrderBy(f => f.Location).ToListAsync();
        Assert.Equal(["shop-db:customer.email", "shop-db:newsletter.email"], findings.Select(f => f.Location));
        Assert.All(findings, f => Assert.Null(f.SubjectId));
        var entries = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == "people.erased-comeback").ToListAsync();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.DoesNotContain("alice", e.Details, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("alice", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_collection_under_a_legal_hold_keeps_the_identity_on_purpose_and_is_not_watched_while_the_rest_is()
    {
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        await using var app = await RightsVerificationTests.StartAsync(null, s => s["Jobs:Enabled"] = "false");
        await FulfilmentTests.ConnectAsync(app, company, ShopYaml);
        var people = app.Services<PeopleDirectory>();
        var alice = (await people.FindOrCreateAsync(new Identity(IdentityType.Email, CompanyDatabase.AliceEmail), "eu-gdpr", "test", CancellationToken.None)).SubjectId;
        Assert.True(await people.EraseKeyAsync(alice, "test", CancellationToken.None));
        await app.Services<LegalHolds>().HoldCollectionAsync("shop-db:customer", "Preserved for a pending claim.", null, "test", CancellationToken.None);
        // Only the newsletter list, which no hold covers, is a finding.
        Assert.Equal(1, await app.Services<ComebackWatch>().WatchAsync(CancellationToken.None));
        await using var db = await app.DbAsync();
        Assert.Equal("shop-db:newsletter.email", (await db.Set<ComebackFinding>().AsNoTracking().SingleAsync()).Location);
    }

    [Fact]
    public async Task A_connected_database_that_cannot_be_read_is_a_one_line_error_and_what_was_found_before_it_is_kept()
    {
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        await using var app = await RightsVerificationTests.StartAsync(null, s => s["Jobs:Enabled"] = "false");
        await FulfilmentTests.ConnectAsync(app, company, ShopYaml);
        var people = app.Services<PeopleDirectory>();
        var alice = (await people.FindOrCreateAsync(new Identity(IdentityType.Email, CompanyDatabase.AliceEmail), "eu-gdpr", "test", CancellationToken.None)).SubjectId;
        Assert.True(await people.EraseKeyAsync(alice, "test", CancellationToken.None));
        await company.ExecuteAsync("DROP TABLE newsletter");

        var result = await StewardCli.RunAsync(app.Database, "", "erasures", "watch");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Connection 'shop-db' could not be read", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.DoesNotContain("alice", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("shop-db:customer.email", (await StewardCli.RunAsync(app.Database, "", "erasures", "findings")).Stdout, StringComparison.Ordinal);
    }
}
