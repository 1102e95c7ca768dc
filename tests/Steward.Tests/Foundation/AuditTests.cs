using System.Net;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

public sealed class AuditTests
{
    /// <summary>An app with <paramref name="count"/> entries, all chained, so tampering hits the chain rather than the tail.</summary>
    internal static async Task<StewardTestApp> AppWithEntriesAsync(int count)
    {
        // No background chaining or checkpoints: each test decides when they happen.
        var app = await StewardTestApp.StartAsync(s => s["Audit:Background"] = "false");
        var audit = app.Services<AuditLog>();
        for (var i = 0; i < count; i++)
            await audit.AppendAsync(new AuditEvent("test", "test.event", $"thing:{i}", new { i }));
        await app.Services<AuditChainer>().ChainPendingAsync(wait: true, CancellationToken.None);
        return app;
    }

    [Fact]
    public async Task Verify_reports_ok_with_the_number_of_entries()
    {
        await using var app = await AppWithEntriesAsync(5);
        var r = await StewardCli.RunAsync(app.Database, "", "audit", "verify");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("ok 5 entries", lines[0]);
        // Without a checkpoint a removed tail would go unnoticed; verify says so instead of a bare "ok".
        Assert.Equal("warning: no checkpoint yet: removing the newest entries would go unnoticed (run 'steward audit checkpoint')", lines[1]);
    }

    [Fact]
    public async Task Verify_catches_an_altered_entry()
    {
        await using var app = await AppWithEntriesAsync(5);
        await using (var db = await app.DbAsync())
            await db.AuditEntries.Where(e => e.Sequence == 3).ExecuteUpdateAsync(s => s.SetProperty(e => e.Details, "{\"i\":99}"));
        var r = await StewardCli.RunAsync(app.Database, "", "audit", "verify");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("broken at entry 3", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("altered", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_catches_a_deleted_entry()
    {
        await using var app = await AppWithEntriesAsync(5);
        await using (var db = await app.DbAsync())
            await db.AuditEntries.Where(e => e.Sequence == 2).ExecuteDeleteAsync();
        var r = await StewardCli.RunAsync(app.Database, "", "audit", "verify");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("broken at entry 2", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_catches_a_deleted_entry_whose_successors_were_renumbered()
    {
        await using var app = await AppWithEntriesAsync(5);
        await using (var db = await app.DbAsync())
        {
            await db.AuditEntries.Where(e => e.Sequence == 2).ExecuteDeleteAsync();
            foreach (var seq in new long[] { 3, 4, 5 })
                await db.AuditEntries.Where(e => e.Sequence == seq).ExecuteUpdateAsync(s => s.SetProperty(e => e.Sequence, seq - 1));
        }
        var r = await StewardCli.RunAsync(app.Database, "", "audit", "verify");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("broken at entry 2", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_catches_reordered_entries()
    {
        await using var app = await AppWithEntriesAsync(5);
        await using (var db = await app.DbAsync())
        {
            await db.AuditEntries.Where(e => e.Sequence == 3).ExecuteUpdateAsync(s => s.SetProperty(e => e.Sequence, -3L));
            await db.AuditEntries.Where(e => e.Sequence == 4).ExecuteUpdateAsync(s => s.SetProperty(e => e.Sequence, 3L));
            await db.AuditEntries.Where(e => e.Sequence == -3).ExecuteUpdateAsync(s => s.SetProperty(e => e.Sequence, 4L));
        }
        var r = await StewardCli.RunAsync(app.Database, "", "audit", "verify");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("broken at entry 3", r.Stdout, StringComparison.Ordinal);

        var api = await app.ClientForRoleAsync(Roles.Auditor);
        var verification = await StewardTestApp.ReadJsonAsync<AuditEndpoints.AuditVerificationResponse>(
            await api.GetAsync("/api/v1/audit/verification"));
        Assert.False(verification.Ok);
        Assert.Equal(3, verification.BrokenAt);
    }

    [Fact]
    public async Task Concurrent_appends_form_one_unbroken_chain()
    {
        await using var app = await StewardTestApp.StartAsync();
        var audit = app.Services<AuditLog>();
        var written = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(() => audit.AppendAsync(new AuditEvent("test", "test.concurrent", $"thing:{i}")))));
        Assert.Equal(200, written.Select(e => e.Id).Distinct().Count());
        await app.Services<AuditChainer>().ChainPendingAsync(wait: true, CancellationToken.None);
        var result = await app.Services<AuditVerifier>().VerifyAsync(CancellationToken.None);
        Assert.True(result.Ok, result.Problem);
        Assert.Equal(200, result.Entries);
    }

    [Fact]
    public async Task A_batch_planned_while_another_node_chains_is_planned_again_under_the_lock()
    {
        await using var app = await AppWithEntriesAsync(0);
        await using var other = await StewardTestApp.StartAsync(app.Database, s => s["Audit:Background"] = "false");
        var audit = app.Services<AuditLog>();
        for (var i = 0; i < 3; i++) await audit.AppendAsync(new AuditEvent("test", "test.event", $"thing:{i}"));
        var chainer = app.Services<AuditChainer>();
        var chainedByOther = 0;
        // This node has planned entries 1-3; the other node chains them before this one takes the lock, then 2 more arrive.
        chainer.BeforeLock = async ct =>
        {
            chainer.BeforeLock = null;
            chainedByOther = await other.Services<AuditChainer>().ChainPendingAsync(wait: true, ct);
            for (var i = 3; i < 5; i++) await audit.AppendAsync(new AuditEvent("test", "test.event", $"thing:{i}"), ct);
        };
        Assert.Equal(2, await chainer.ChainPendingAsync(wait: true, CancellationToken.None));
        Assert.Equal(3, chainedByOther);
        var result = await app.Services<AuditVerifier>().VerifyAsync(CancellationToken.None);
        Assert.True(result.Ok, result.Problem);
        Assert.Equal(5, result.Entries);
        Assert.Equal(0, result.Unchained);
    }

    [Fact]
    public async Task Tail_shows_the_newest_entries_oldest_first()
    {
        await using var app = await AppWithEntriesAsync(4);
        var r = await StewardCli.RunAsync(app.Database, "", "audit", "tail", "-n", "2");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("thing:2", lines[0], StringComparison.Ordinal);
        Assert.Contains("thing:3", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_api_pages_newest_first_and_rejects_a_bad_limit()
    {
        await using var app = await AppWithEntriesAsync(3);
        var api = await app.ClientForRoleAsync(Roles.Admin);
        // The admin key itself was audited as entry 4 (by insertion id; it may not be chained yet).
        var page = await StewardTestApp.ReadJsonAsync<List<AuditEndpoints.AuditEntryResponse>>(await api.GetAsync("/api/v1/audit/entries?limit=2"));
        Assert.Equal([4L, 3L], page.Select(e => e.Id));
        var next = await StewardTestApp.ReadJsonAsync<List<AuditEndpoints.AuditEntryResponse>>(await api.GetAsync("/api/v1/audit/entries?before=3"));
        Assert.Equal([2L, 1L], next.Select(e => e.Id));
        Assert.Equal([2L, 1L], next.Select(e => e.Sequence));

        var bad = await api.GetAsync("/api/v1/audit/entries?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var wrongType = await api.GetAsync("/api/v1/audit/entries?limit=zhang.wei@example.com");
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal("application/problem+json", wrongType.Content.Headers.ContentType?.MediaType);
        var detail = await wrongType.Content.ReadAsStringAsync();
        Assert.Contains("limit", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("zhang.wei", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_whose_audit_entry_cannot_be_written_is_not_stored()
    {
        await using var app = await StewardTestApp.StartAsync();
        await using (var db = await app.DbAsync())
        {
            if (TestDatabase.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync("CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$ LANGUAGE plpgsql");
                await db.Database.ExecuteSqlRawAsync("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION refuse_audit()");
            }
            else
            {
                await db.Database.ExecuteSqlRawAsync("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END");
            }
        }
        var publish = await StewardCli.RunAsync(app.Database, "", "policy", "publish", Steward.Tests.Policy.PolicyFixture.MinimalPath);
        Assert.Equal(1, publish.ExitCode);
        Assert.Single(publish.StderrLines);
        var key = await StewardCli.RunAsync(app.Database, "", "admin", "add-api-key", "crm", "--role", "service");
        Assert.Equal(1, key.ExitCode);
        await using var check = await app.DbAsync();
        Assert.False(await check.PolicyVersions.AnyAsync(), "the version must not exist without its audit entry");
        Assert.False(await check.ApiKeys.AnyAsync(), "the key must not exist without its audit entry");
    }
}
