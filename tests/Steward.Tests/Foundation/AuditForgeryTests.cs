using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

/// <summary>Someone who can write to the database (and drop its indexes) but holds no key cannot slip entries into the log.</summary>
public sealed class AuditForgeryTests
{
    private static Task<StewardTestApp> QuietAppAsync(TestDatabase? db = null) => StewardTestApp.StartAsync(db, s => s["Audit:Background"] = "false");

    private static async Task WriteThreeAsync(StewardTestApp app)
    {
        for (var i = 0; i < 3; i++) await app.Services<AuditLog>().AppendAsync(new AuditEvent("test", "test.event", $"thing:{i}", new { i }));
        await app.Services<AuditChainer>().ChainPendingAsync(wait: true, CancellationToken.None);
    }

    [Fact]
    public async Task Rows_dressed_as_entries_of_the_old_hash_chain_are_not_sealed_into_an_authenticated_log()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using (var app = await QuietAppAsync(db))
        {
            await WriteThreeAsync(app);
            await using var ctx = await app.DbAsync();
            await ctx.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_audit_entries_Sequence\"");
            var previous = AuditEntryEncoding.GenesisHash;
            for (var i = 1; i <= 2; i++)
            {
                var e = new AuditEntry
                {
                    Sequence = i, Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), Actor = "user:ceo", Action = "policy.approved",
                    Target = $"forged:{i}", Details = "{}", PreviousHash = previous, EntryMac = "", KeyVersion = 0, EntryId = Guid.NewGuid(),
                };
                e.Hash = AuditLegacySeal.LegacyHash(e);
                previous = e.Hash;
                ctx.AuditEntries.Add(e);
            }
            await ctx.SaveChangesAsync();
        }

        await using var restarted = await QuietAppAsync(db);
        await restarted.Services<AuditChainer>().ChainPendingAsync(wait: true, CancellationToken.None);
        await using (var ctx = await restarted.DbAsync())
            Assert.Equal(0, await ctx.AuditEntries.CountAsync(e => e.Action == "audit.legacy-sealed" || (e.Target.StartsWith("forged:") && e.KeyVersion != 0)));
        var verify = await StewardCli.RunAsync(db, "", "audit", "verify");
        Assert.NotEqual(0, verify.ExitCode);
    }

    [Fact]
    public async Task A_replayed_copy_of_a_real_entry_is_refused_by_the_chainer_and_reported_by_verify()
    {
        await using var app = await QuietAppAsync();
        await WriteThreeAsync(app);
        await using (var ctx = await app.DbAsync())
        {
            await ctx.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_audit_entries_EntryId\"");
            var old = await ctx.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).FirstAsync();
            ctx.AuditEntries.Add(new AuditEntry
            {
                EntryId = old.EntryId, Timestamp = old.Timestamp, Actor = old.Actor, Action = old.Action,
                Target = old.Target, Details = old.Details, KeyVersion = old.KeyVersion, EntryMac = old.EntryMac,
            });
            await ctx.SaveChangesAsync();
        }
        await app.Services<AuditChainer>().ChainPendingAsync(wait: true, CancellationToken.None);
        var v = await app.Services<AuditVerifier>().VerifyAsync(CancellationToken.None);
        Assert.False(v.Ok);
        Assert.Equal(3, v.Entries);
        Assert.Contains("replayed copy", v.Problem, StringComparison.Ordinal);
    }
}
