using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Steward.Audit;
using Steward.Storage;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

/// <summary>A database whose audit log was written before entries were authenticated keeps every entry through the upgrade.</summary>
public sealed class AuditUpgradeTests
{
    private static readonly (string Actor, string Action, string Target, string Details)[] Events =
    [
        ("cli", "security.user.added", "user:1", "{\"role\":\"admin\"}"),
        ("cli", "policy.published", "policy:1", "{\"significant\":false}"),
        ("user:1", "security.sign-in.succeeded", "user:1", "{}"),
    ];

    [Fact]
    public async Task Entries_of_the_old_hash_chain_are_kept_in_order_and_sealed_at_the_first_start()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        await CreateOldLogAsync(db, tamper: false);

        var migrate = await StewardCli.RunAsync(db, "", "migrate");
        Assert.True(migrate.ExitCode == 0, migrate.Stderr);

        await using var app = await StewardTestApp.StartAsync(db);
        await app.Services<AuditChainer>().ChainPendingAsync(wait: true, CancellationToken.None);
        var verification = await app.Services<AuditVerifier>().VerifyAsync(CancellationToken.None);
        Assert.True(verification.Ok, verification.Problem);
        await using var ctx = await app.DbAsync();
        var chained = await ctx.AuditEntries.AsNoTracking().Where(e => e.Sequence != null).OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(Events.Select(e => e.Action), chained.Take(3).Select(e => e.Action));
        Assert.Equal([1L, 2L, 3L], chained.Take(3).Select(e => e.Sequence!.Value));
        var seal = Assert.Single(chained, e => e.Action == "audit.legacy-sealed");
        Assert.Contains("\"entries\":3", seal.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_old_chain_that_was_already_broken_is_not_sealed_and_verify_reports_it()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        await CreateOldLogAsync(db, tamper: true);
        Assert.Equal(0, (await StewardCli.RunAsync(db, "", "migrate")).ExitCode);

        await using var app = await StewardTestApp.StartAsync(db);
        var verification = await app.Services<AuditVerifier>().VerifyAsync(CancellationToken.None);
        Assert.False(verification.Ok);
        await using var ctx = await app.DbAsync();
        Assert.Equal(3, await ctx.AuditEntries.CountAsync());
        Assert.DoesNotContain(await ctx.AuditEntries.Select(e => e.Action).ToListAsync(), a => a == "audit.legacy-sealed");
    }

    /// <summary>The schema as the build before authenticated entries left it, with three entries of its SHA-256 chain.</summary>
    private static async Task CreateOldLogAsync(TestDatabase db, bool tamper)
    {
        var connection = db.ConnectionString ?? $"Data Source={Path.Combine(db.DataDirectory, "steward.db")}";
        await using (var context = StorageSetup.CreateContext(db.Provider, connection))
        {
            var before = context.Database.GetMigrations().TakeWhile(m => !m.EndsWith("_AuditChain", StringComparison.Ordinal)).Last();
            await context.GetService<IMigrator>().MigrateAsync(before);
        }
        await using DbConnection conn = db.ConnectionString is null ? new SqliteConnection(connection) : new NpgsqlConnection(connection);
        await conn.OpenAsync();
        var previous = AuditEntryEncoding.GenesisHash;
        for (var i = 0; i < Events.Length; i++)
        {
            var (actor, action, target, details) = Events[i];
            var entry = new AuditEntry
            {
                Sequence = i + 1, Timestamp = new DateTimeOffset(2026, 3, 1, 10, i, 0, TimeSpan.Zero), Actor = actor, Action = action,
                Target = target, Details = details, PreviousHash = previous, EntryMac = "",
            };
            entry.Hash = AuditLegacySeal.LegacyHash(entry);
            previous = entry.Hash;
            await using var insert = conn.CreateCommand();
            insert.CommandText = "INSERT INTO audit_entries (\"Sequence\", \"Timestamp\", \"Actor\", \"Action\", \"Target\", \"Details\", \"PreviousHash\", \"Hash\") "
                + "VALUES (@s, @t, @a, @x, @g, @d, @p, @h)";
            void Add(string name, object value)
            {
                var p = insert.CreateParameter();
                p.ParameterName = name;
                p.Value = value;
                insert.Parameters.Add(p);
            }
            Add("@s", entry.Sequence);
            Add("@t", db.ConnectionString is null ? entry.Timestamp.ToString("yyyy-MM-dd HH:mm:ss+00:00", System.Globalization.CultureInfo.InvariantCulture) : entry.Timestamp);
            Add("@a", actor);
            Add("@x", action);
            Add("@g", target);
            Add("@d", tamper && i == 1 ? "{\"significant\":true}" : details);
            Add("@p", entry.PreviousHash);
            Add("@h", entry.Hash);
            await insert.ExecuteNonQueryAsync();
        }
    }
}
