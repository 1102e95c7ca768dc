using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Security;
using Steward.Security.Keys;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

/// <summary>
/// Someone with write access to the database edits, removes, reorders or forges entries, checkpoints or
/// the records the log describes; `audit verify` must name what disagrees.
/// </summary>
public sealed class AuditTamperingTests
{
    private static Task<StewardTestApp> QuietAppAsync() => StewardTestApp.StartAsync(s => s["Audit:Background"] = "false");

    private static Task<CliResult> VerifyAsync(StewardTestApp app, params string[] extra) =>
        StewardCli.RunAsync(app.Database, "", ["audit", "verify", .. extra]);

    private static async Task AppendAsync(StewardTestApp app, int count, string prefix = "thing")
    {
        for (var i = 0; i < count; i++)
            await app.Services<AuditLog>().AppendAsync(new AuditEvent("test", "test.event", $"{prefix}:{i}", new { i }));
        await app.Services<AuditChainer>().ChainPendingAsync(wait: true, CancellationToken.None);
    }

    private static async Task CheckpointAsync(StewardTestApp app, string? export = null)
    {
        var r = export is null
            ? await StewardCli.RunAsync(app.Database, "", "audit", "checkpoint")
            : await StewardCli.RunAsync(app.Database, "", "audit", "checkpoint", "--export", export);
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    private static void AssertBroken(CliResult r, string where, string problem)
    {
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"broken at {where}:", r.Stdout, StringComparison.Ordinal);
        Assert.Contains(problem, r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chain_recomputed_without_the_mac_key_is_caught()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        await using (var db = await app.DbAsync())
        {
            // What a script with database access can do: edit an entry and recompute every link after it.
            var rows = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
            var guessedKey = RandomNumberGenerator.GetBytes(32);
            rows[2].Details = "{\"i\":99}";
            var previous = rows[1].Hash!;
            foreach (var e in rows.Skip(2))
            {
                e.EntryMac = AuditEntryEncoding.EntryMac(e, guessedKey);
                e.PreviousHash = previous;
                e.Hash = AuditEntryEncoding.ChainMac(e.Sequence!.Value, e.EntryMac, previous, guessedKey);
                previous = e.Hash;
            }
            await db.SaveChangesAsync();
        }
        AssertBroken(await VerifyAsync(app), "entry 3", "altered");
    }

    [Fact]
    public async Task An_appended_entry_not_written_by_steward_is_refused_and_reported()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(3);
        await using (var db = await app.DbAsync())
        {
            db.AuditEntries.Add(new AuditEntry
            {
                EntryId = Guid.CreateVersion7(), Timestamp = app.Time.GetUtcNow(), Actor = "user:someone", Action = "policy.published", Target = "policy:9",
                Details = "{}", KeyVersion = 1, EntryMac = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            });
            await db.SaveChangesAsync();
        }
        var r = await VerifyAsync(app);
        AssertBroken(r, "unchained entry (insertion id 4)", "not written by Steward");
        await using var check = await app.DbAsync();
        Assert.Null((await check.AuditEntries.SingleAsync(e => e.Id == 4)).Sequence);
    }

    [Fact]
    public async Task A_refused_entry_does_not_hold_up_checkpoints_but_a_broken_chain_does()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(3);
        await using (var db = await app.DbAsync())
        {
            db.AuditEntries.Add(new AuditEntry
            {
                EntryId = Guid.CreateVersion7(), Timestamp = app.Time.GetUtcNow(), Actor = "user:someone", Action = "policy.published", Target = "policy:9",
                Details = "{}", KeyVersion = 1, EntryMac = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            });
            await db.SaveChangesAsync();
        }
        await AppendAsync(app, 2, "after");
        // The chain (5 entries) holds: it is signed, while verify keeps naming the forged row, which no checkpoint covers.
        await CheckpointAsync(app);
        await using (var db = await app.DbAsync())
            Assert.Equal(5, (await db.Set<AuditCheckpoint>().SingleAsync()).TreeSize);
        AssertBroken(await VerifyAsync(app), "unchained entry (insertion id 4)", "not written by Steward");

        // An entry since the newest checkpoint, which the next one verifies before it signs.
        await AppendAsync(app, 1, "later");
        await using (var db = await app.DbAsync())
            await db.AuditEntries.Where(e => e.Sequence == 6).ExecuteUpdateAsync(s => s.SetProperty(e => e.Details, "{\"i\":99}"));
        var refused = await StewardCli.RunAsync(app.Database, "", "audit", "checkpoint");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("no checkpoint was made", refused.Stderr, StringComparison.Ordinal);
        await using (var db = await app.DbAsync())
            Assert.Equal(1, await db.Set<AuditCheckpoint>().CountAsync());
    }

    [Fact]
    public async Task A_checkpoint_verifies_only_the_entries_since_the_last_and_signs_over_the_history_that_was_signed()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        await CheckpointAsync(app);
        string original;
        await using (var db = await app.DbAsync())
        {
            var first = await db.Set<AuditCheckpoint>().SingleAsync();
            Assert.Equal((await TreeOfFirstAsync(app, 5)).Frontier, first.Frontier);
            original = (await db.AuditEntries.SingleAsync(e => e.Sequence == 2)).Details;
            await db.AuditEntries.Where(e => e.Sequence == 2).ExecuteUpdateAsync(s => s.SetProperty(e => e.Details, "{\"i\":99}"));
        }
        // Entry 2 is not read again: the next checkpoint extends the tree of the signed one, so it vouches for the original entry 2.
        await AppendAsync(app, 8, "later");
        await CheckpointAsync(app);
        AssertBroken(await VerifyAsync(app), "entry 2", "altered");
        await using (var db = await app.DbAsync())
            await db.AuditEntries.Where(e => e.Sequence == 2).ExecuteUpdateAsync(s => s.SetProperty(e => e.Details, original));
        await AppendAsync(app, 3, "last");
        await CheckpointAsync(app);
        var r = await VerifyAsync(app);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("ok 16 entries; newest checkpoint 3 covers 16 entries", r.Stdout.Trim());
    }

    [Fact]
    public async Task A_frontier_rewritten_over_altered_history_is_not_signed_over()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        await CheckpointAsync(app);
        // Someone with the database alters entry 2 and stores the frontier of the altered entries, hoping the next
        // checkpoint signs a root over them without reading them again.
        await using (var db = await app.DbAsync())
            await db.AuditEntries.Where(e => e.Sequence == 2).ExecuteUpdateAsync(s => s.SetProperty(e => e.Details, "{\"i\":99}"));
        var altered = (await TreeOfFirstAsync(app, 5)).Frontier;
        await using (var db = await app.DbAsync())
        {
            Assert.NotEqual(altered, (await db.Set<AuditCheckpoint>().SingleAsync()).Frontier);
            await db.Set<AuditCheckpoint>().ExecuteUpdateAsync(s => s.SetProperty(c => c.Frontier, altered));
        }
        await AppendAsync(app, 1, "later");
        var refused = await StewardCli.RunAsync(app.Database, "", "audit", "checkpoint");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("checkpoint 1: its stored Merkle frontier does not give its signed root", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("no checkpoint was made", refused.Stderr, StringComparison.Ordinal);
        await using (var db = await app.DbAsync())
            Assert.Equal(1, await db.Set<AuditCheckpoint>().CountAsync());
    }

    [Fact]
    public async Task A_stored_last_hash_that_is_not_the_covered_entry_is_refused()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        await CheckpointAsync(app);
        await using (var db = await app.DbAsync())
            await db.Set<AuditCheckpoint>().ExecuteUpdateAsync(s => s.SetProperty(c => c.LastHash, new string('a', 64)));
        await AppendAsync(app, 1, "later");
        var refused = await StewardCli.RunAsync(app.Database, "", "audit", "checkpoint");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("entry 5 is not the one checkpoint 1 covers", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_signed_before_frontiers_were_kept_is_followed_by_one_full_verification()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        await CheckpointAsync(app);
        await using (var db = await app.DbAsync())
        {
            await db.Set<AuditCheckpoint>().ExecuteUpdateAsync(s => s.SetProperty(c => c.Frontier, (string?)null).SetProperty(c => c.LastHash, (string?)null));
            await db.AuditEntries.Where(e => e.Sequence == 2).ExecuteUpdateAsync(s => s.SetProperty(e => e.Details, "{\"i\":99}"));
        }
        await AppendAsync(app, 1, "later");
        // Without a frontier the whole log is verified, so the altered entry holds the checkpoint up.
        var refused = await StewardCli.RunAsync(app.Database, "", "audit", "checkpoint");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("entry 2 was altered", refused.Stderr, StringComparison.Ordinal);

        await using (var db = await app.DbAsync())
            await db.AuditEntries.Where(e => e.Sequence == 2).ExecuteUpdateAsync(s => s.SetProperty(e => e.Details, "{\"i\":1}"));
        await CheckpointAsync(app);
        await using (var db = await app.DbAsync())
        {
            var second = await db.Set<AuditCheckpoint>().OrderByDescending(c => c.TreeSize).FirstAsync();
            Assert.Equal(6, second.TreeSize);
            Assert.Equal((await TreeOfFirstAsync(app, 6)).Frontier, second.Frontier);
        }
    }

    [Fact]
    public async Task An_unchained_entry_altered_before_chaining_is_not_chained()
    {
        await using var app = await QuietAppAsync();
        for (var i = 0; i < 3; i++)
            await app.Services<AuditLog>().AppendAsync(new AuditEvent("test", "test.event", $"thing:{i}", new { i }));
        await using (var db = await app.DbAsync())
            await db.AuditEntries.Where(e => e.Id == 2).ExecuteUpdateAsync(s => s.SetProperty(e => e.Target, "thing:other"));
        AssertBroken(await VerifyAsync(app), "unchained entry (insertion id 2)", "altered");
    }

    [Fact]
    public async Task A_removed_tail_is_caught_by_the_newest_checkpoint()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        await CheckpointAsync(app);
        await using (var db = await app.DbAsync())
            await db.AuditEntries.Where(e => e.Sequence > 3).ExecuteDeleteAsync();
        AssertBroken(await VerifyAsync(app), "checkpoint 1", "checkpoint 1 covers 5 entries, but the log has only 3");
    }

    [Fact]
    public async Task A_tail_removed_and_replaced_does_not_match_the_checkpoint_root()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        await CheckpointAsync(app);
        await using (var db = await app.DbAsync())
            await db.AuditEntries.Where(e => e.Sequence > 3).ExecuteDeleteAsync();
        // Steward itself chains the replacements, so every MAC holds; only the signed root can tell.
        await AppendAsync(app, 3, "replacement");
        AssertBroken(await VerifyAsync(app), "checkpoint 1", "the first 5 entries do not match its root");
    }

    [Fact]
    public async Task An_emptied_log_is_caught_by_a_checkpoint()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        await CheckpointAsync(app);
        await using (var db = await app.DbAsync())
            await db.AuditEntries.ExecuteDeleteAsync();
        AssertBroken(await VerifyAsync(app), "checkpoint 1", "the log is empty, but checkpoint 1 covers 5 entries");
    }

    [Fact]
    public async Task An_empty_log_without_a_checkpoint_is_not_reported_as_ok()
    {
        await using var app = await QuietAppAsync();
        var r = await VerifyAsync(app);
        Assert.Equal(AuditCommands.NothingToVerify, r.ExitCode);
        Assert.Equal("warning: empty log, no checkpoint to compare against", r.Stdout.Trim());
    }

    [Fact]
    public async Task A_shrunk_checkpoint_is_caught_by_its_signature()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        await CheckpointAsync(app);
        await using (var db = await app.DbAsync())
        {
            await db.AuditEntries.Where(e => e.Sequence > 3).ExecuteDeleteAsync();
            var root = await RootOfFirstAsync(app, 3);
            await db.Set<AuditCheckpoint>().ExecuteUpdateAsync(s => s.SetProperty(c => c.TreeSize, 3L).SetProperty(c => c.RootHash, root));
        }
        AssertBroken(await VerifyAsync(app), "checkpoint 1", "its signature does not verify");
    }

    [Fact]
    public async Task A_checkpoint_re_signed_with_another_key_is_caught()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        await CheckpointAsync(app);
        await using (var db = await app.DbAsync())
        {
            await db.AuditEntries.Where(e => e.Sequence > 3).ExecuteDeleteAsync();
            var checkpoint = await db.Set<AuditCheckpoint>().SingleAsync();
            checkpoint.TreeSize = 3;
            checkpoint.RootHash = await RootOfFirstAsync(app, 3);
            var seed = RandomNumberGenerator.GetBytes(32);
            checkpoint.PublicKey = AuditCheckpoints.PublicKeyOf(seed);
            using var key = NSec.Cryptography.Key.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, seed, NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
            checkpoint.Signature = Convert.ToBase64String(NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(key,
                System.Text.Encoding.UTF8.GetBytes(AuditCheckpoints.SignedText(checkpoint))));
            await db.SaveChangesAsync();
        }
        AssertBroken(await VerifyAsync(app), "checkpoint 1", "not signed by Steward's key");
    }

    [Fact]
    public async Task An_exported_checkpoint_catches_a_rewrite_by_someone_holding_every_key()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        var file = Path.Combine(app.Database.DataDirectory, "checkpoint.json");
        await CheckpointAsync(app, file);
        var ok = await VerifyAsync(app, "--against", file);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("matches the exported checkpoint of 5 entries", ok.Stdout, StringComparison.Ordinal);

        // An insider with the database and the key-encryption key: removes the tail and the checkpoints,
        // then lets Steward chain other entries, so every MAC and every stored checkpoint agrees.
        await using (var db = await app.DbAsync())
        {
            await db.AuditEntries.Where(e => e.Sequence > 3).ExecuteDeleteAsync();
            await db.Set<AuditCheckpoint>().ExecuteDeleteAsync();
        }
        await AppendAsync(app, 2, "rewritten");
        var inside = await VerifyAsync(app);
        Assert.Equal(0, inside.ExitCode);
        AssertBroken(await VerifyAsync(app, "--against", file), "the exported checkpoint", "the first 5 entries do not match its root");

        await using (var db = await app.DbAsync())
            await db.AuditEntries.Where(e => e.Sequence > 3).ExecuteDeleteAsync();
        AssertBroken(await VerifyAsync(app, "--against", file), "the exported checkpoint", "covers 5 entries, but the log has only 3");
    }

    [Fact]
    public async Task An_altered_exported_checkpoint_is_refused()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        var file = Path.Combine(app.Database.DataDirectory, "checkpoint.json");
        await CheckpointAsync(app, file);
        var json = await File.ReadAllTextAsync(file);
        await File.WriteAllTextAsync(file, json.Replace("\"treeSize\": 5", "\"treeSize\": 4", StringComparison.Ordinal));
        AssertBroken(await VerifyAsync(app, "--against", file), "the exported checkpoint", "its signature does not verify");

        await File.WriteAllTextAsync(file, "{\"hello\": 1}");
        var bad = await VerifyAsync(app, "--against", file);
        Assert.Equal(1, bad.ExitCode);
        Assert.Single(bad.StderrLines);
        Assert.Contains("not an exported audit checkpoint", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exported_checkpoint_signed_by_another_key_is_checked_but_warned_about()
    {
        await using var app = await AuditTests.AppWithEntriesAsync(5);
        var file = Path.Combine(app.Database.DataDirectory, "checkpoint.json");
        await CheckpointAsync(app, file);
        var original = AuditCheckpoints.ReadExport(file);
        var seed = RandomNumberGenerator.GetBytes(32);
        using var key = NSec.Cryptography.Key.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, seed, NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
        var resigned = original with
        {
            PublicKey = AuditCheckpoints.PublicKeyOf(seed),
            Signature = Convert.ToBase64String(NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(key, System.Text.Encoding.UTF8.GetBytes(
                AuditCheckpoints.SignedText(original.TreeSize, original.RootHash, original.Timestamp, original.KeyId)))),
        };
        await File.WriteAllTextAsync(file, AuditCheckpoints.ToJson(resigned));
        var r = await VerifyAsync(app, "--against", file);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("warning: the exported checkpoint is signed by a key Steward does not hold as audit.signing/v1", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_version_edited_in_the_database_is_named()
    {
        await using var app = await QuietAppAsync();
        await app.PublishAsync(Steward.Tests.Policy.PolicyFixture.MinimalPath);
        Assert.Equal(0, (await VerifyAsync(app)).ExitCode);
        await using (var db = await app.DbAsync())
        {
            var v = await db.PolicyVersions.SingleAsync();
            Assert.Contains("\"", v.Content, StringComparison.Ordinal);
            var edited = v.Content.Replace("a", "b", StringComparison.Ordinal);
            await db.PolicyVersions.ExecuteUpdateAsync(s => s.SetProperty(p => p.Content, edited));
        }
        AssertBroken(await VerifyAsync(app), "policy:1", "does not match what its newest audit entry");

        // Recomputing the stored hash too does not help: the audit entry holds the original.
        await using (var db = await app.DbAsync())
        {
            var v = await db.PolicyVersions.SingleAsync();
            var hash = Steward.Policy.PolicyStore.Hash(v.Content);
            await db.PolicyVersions.ExecuteUpdateAsync(s => s.SetProperty(p => p.ContentHash, hash));
        }
        AssertBroken(await VerifyAsync(app), "policy:1", "changed outside Steward");
    }

    [Fact]
    public async Task A_role_changed_in_the_database_is_named()
    {
        await using var app = await QuietAppAsync();
        var id = await app.AddUserAsync("li.na@example.com", Roles.DsrAgent, "a long password 1");
        Assert.Equal(0, (await VerifyAsync(app)).ExitCode);
        await using (var db = await app.DbAsync())
            await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Role, Roles.Admin));
        var r = await VerifyAsync(app);
        AssertBroken(r, $"user:{id}", "changed outside Steward");
        Assert.DoesNotContain("li.na", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_user_enabled_in_the_database_is_named()
    {
        await using var app = await QuietAppAsync();
        var id = await app.AddUserAsync("li.na@example.com", Roles.Auditor, "a long password 1");
        await app.Services<StaffDirectory>().DisableUserAsync("li.na@example.com", "test", CancellationToken.None);
        Assert.Equal(0, (await VerifyAsync(app)).ExitCode);
        await using (var db = await app.DbAsync())
            await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, (DateTimeOffset?)null));
        AssertBroken(await VerifyAsync(app), $"user:{id}", "changed outside Steward");
    }

    [Fact]
    public async Task Api_keys_changed_or_added_in_the_database_are_named()
    {
        await using var app = await QuietAppAsync();
        await app.Services<StaffDirectory>().AddApiKeyAsync("crm", Roles.Service, "test", CancellationToken.None);
        await app.Services<StaffDirectory>().AddApiKeyAsync("old", Roles.Service, "test", CancellationToken.None);
        await app.Services<StaffDirectory>().RevokeApiKeyAsync("old", "test", CancellationToken.None);
        Assert.Equal(0, (await VerifyAsync(app)).ExitCode);
        await using (var db = await app.DbAsync())
            await db.ApiKeys.Where(k => k.Name == "old").ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, (DateTimeOffset?)null));
        AssertBroken(await VerifyAsync(app), "key:old", "changed outside Steward");
        await using (var db = await app.DbAsync())
        {
            await db.ApiKeys.Where(k => k.Name == "old").ExecuteDeleteAsync();
            db.ApiKeys.Add(new ApiKey { Id = Guid.CreateVersion7(), Name = "backdoor", Role = Roles.Admin, KeyHash = new string('a', 64), CreatedAt = app.Time.GetUtcNow() });
            await db.SaveChangesAsync();
        }
        AssertBroken(await VerifyAsync(app), "key:backdoor", "added outside Steward");
    }

    [Fact]
    public async Task A_crash_while_chaining_loses_no_entry_and_chains_none_twice()
    {
        await using var app = await QuietAppAsync();
        for (var i = 0; i < 5; i++)
            await app.Services<AuditLog>().AppendAsync(new AuditEvent("test", "test.event", $"thing:{i}", new { i }));
        var chainer = app.Services<AuditChainer>();
        chainer.BatchSize = 2;
        var batches = 0;
        // The second batch has written its positions but dies before its commit.
        chainer.BeforeCommit = _ => ++batches == 2 ? throw new IOException("power cut") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => chainer.ChainPendingAsync(wait: true, CancellationToken.None));
        await using (var db = await app.DbAsync())
            Assert.Equal([1L, 2L], await db.AuditEntries.Where(e => e.Sequence != null).OrderBy(e => e.Sequence).Select(e => e.Sequence!.Value).ToListAsync());

        // A restarted node carries on where the committed part ended.
        await using (var restarted = await StewardTestApp.StartAsync(app.Database, s => s["Audit:Background"] = "false"))
            Assert.Equal(3, await restarted.Services<AuditChainer>().ChainPendingAsync(wait: true, CancellationToken.None));
        await using (var db = await app.DbAsync())
        {
            var rows = await db.AuditEntries.OrderBy(e => e.Id).ToListAsync();
            Assert.Equal([1L, 2L, 3L, 4L, 5L], rows.Select(e => e.Sequence!.Value).Order());
            Assert.Equal(5, rows.Select(e => e.EntryId).Distinct().Count());
        }
        var r = await VerifyAsync(app);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("ok 5 entries", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_written_under_a_rotated_mac_key_verify()
    {
        await using var app = await QuietAppAsync();
        await AppendAsync(app, 2);
        await app.Services<KeyRing>().RotateAsync(AuditLog.MacKeyPurpose, CancellationToken.None);
        await AppendAsync(app, 2, "after");
        await using (var db = await app.DbAsync())
            Assert.Equal([1, 1, 2, 2], await db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.KeyVersion).ToListAsync());
        await CheckpointAsync(app);
        var r = await VerifyAsync(app);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("ok 4 entries; newest checkpoint 1 covers 4 entries", r.Stdout.Trim());
    }

    [Fact]
    public async Task Serve_chains_in_the_background_and_signs_checkpoints_on_schedule()
    {
        await using var app = await StewardTestApp.StartAsync();
        var api = await app.ClientForRoleAsync(Roles.Auditor);
        await app.Services<AuditLog>().AppendAsync(new AuditEvent("test", "test.event", "thing:1"));
        var first = await WaitForAsync(api, v => v.Unchained == 0 && v.NewestCheckpoint is not null);
        Assert.True(first.Ok, first.Problem);
        // Seen failing once under a loaded CI run: the messages say which state it met, to find the cause.
        Assert.True(first.Entries == first.NewestCheckpoint!.TreeSize, $"first: {Describe(first)}; entries: {await ActionsAsync(app)}");

        // New entries are chained at once; the next checkpoint waits for the hour.
        await app.Services<AuditLog>().AppendAsync(new AuditEvent("test", "test.event", "thing:2"));
        var chained = await WaitForAsync(api, v => v.Unchained == 0 && v.Entries > first.Entries);
        Assert.True(first.NewestCheckpoint.Id == chained.NewestCheckpoint!.Id, $"first: {Describe(first)}; then: {Describe(chained)}; entries: {await ActionsAsync(app)}");
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.Services<AuditLog>().AppendAsync(new AuditEvent("test", "test.event", "thing:3"));
        var later = await WaitForAsync(api, v => v.NewestCheckpoint!.Id != first.NewestCheckpoint.Id && v.Unchained == 0);
        Assert.True(later.NewestCheckpoint!.TreeSize > first.NewestCheckpoint.TreeSize);

        var export = await StewardTestApp.ReadJsonAsync<AuditCheckpointExport>(await api.GetAsync("/api/v1/audit/checkpoints/newest"));
        Assert.Equal(later.NewestCheckpoint.RootHash, export.RootHash);
        Assert.True(AuditCheckpoints.SignatureHolds(export.PublicKey, export.Signature,
            AuditCheckpoints.SignedText(export.TreeSize, export.RootHash, export.Timestamp, export.KeyId)));
    }

    private static string Describe(AuditEndpoints.AuditVerificationResponse v) =>
        $"entries {v.Entries}, unchained {v.Unchained}, checkpoint {v.NewestCheckpoint?.Id} of size {v.NewestCheckpoint?.TreeSize}";

    private static async Task<string> ActionsAsync(StewardTestApp app)
    {
        await using var db = await app.DbAsync();
        var rows = await db.Set<AuditEntry>().AsNoTracking().OrderBy(e => e.Id).Select(e => new { e.Action, e.Timestamp, e.Sequence }).ToListAsync();
        return string.Join(", ", rows.Select(r => $"{r.Action}#{r.Sequence}@{r.Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture)}"));
    }

    private static async Task<AuditEndpoints.AuditVerificationResponse> WaitForAsync(HttpClient api, Func<AuditEndpoints.AuditVerificationResponse, bool> done)
    {
        // A generous deadline against a hang, not a performance threshold.
        for (var attempt = 0; ; attempt++)
        {
            var v = await StewardTestApp.ReadJsonAsync<AuditEndpoints.AuditVerificationResponse>(await api.GetAsync("/api/v1/audit/verification"));
            if (done(v)) return v;
            Assert.True(attempt < 600, "the background chainer did not get there");
            await Task.Delay(50);
        }
    }

    private static async Task<string> RootOfFirstAsync(StewardTestApp app, int size) => (await TreeOfFirstAsync(app, size)).RootHex();

    /// <summary>The Merkle tree of the first entries as they are stored now, as anyone with the database can compute it.</summary>
    private static async Task<MerkleTree> TreeOfFirstAsync(StewardTestApp app, int size)
    {
        await using var db = await app.DbAsync();
        var tree = new MerkleTree();
        foreach (var e in await db.AuditEntries.Where(e => e.Sequence <= size).OrderBy(e => e.Sequence).ToListAsync())
            tree.Add(AuditEntryEncoding.LeafHash(e));
        return tree;
    }
}
