using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Steward.People;
using Steward.People.Erasures;
using Steward.Storage.Backup;
using Steward.Tests.Infrastructure;
using static Steward.Tests.Security.KeyRotationTests;

namespace Steward.Tests.Storage;

/// <summary>Tombstones, backups and restores: an erased person stays erased whatever copy of the database comes back.</summary>
public sealed class BackupTests
{
    private const string Actor = "test";
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Erasing_writes_a_tombstone_of_blind_indexes_only_in_the_database_and_the_journal()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var alice = (await people.FindOrCreateAsync(Email("alice@example.com"), null, Actor, Ct)).SubjectId;
        await people.AddIdentityAsync(alice, Email("alice.work@example.com"), Actor, Ct);
        List<byte[]> indexes;
        await using (var db = await app.DbAsync())
            indexes = await db.Set<SubjectIdentity>().Where(i => i.SubjectId == alice).Select(i => i.BlindIndex).ToListAsync();

        Assert.True(await people.EraseKeyAsync(alice, Actor, Ct));

        await using (var db = await app.DbAsync())
        {
            var stone = await db.Set<ErasureTombstone>().AsNoTracking().SingleAsync();
            Assert.Equal(alice, stone.SubjectId);
            var hashes = await db.Set<ErasureTombstoneHash>().AsNoTracking().Where(h => h.TombstoneId == stone.Id).ToListAsync();
            Assert.Equal(indexes.Select(Convert.ToHexString).Order(), hashes.Select(h => Convert.ToHexString(h.Hash)).Order());
            Assert.All(hashes, h => Assert.Equal((IdentityType.Email, 1), (h.Type, h.Version)));
        }
        if (!TestDatabase.IsPostgres)
        {
            var journal = Path.Combine(app.Database.DataDirectory, ErasureTombstones.JournalFileName);
            var line = Assert.Single(await File.ReadAllLinesAsync(journal));
            Assert.Contains(alice.ToString(), line, StringComparison.Ordinal);
            Assert.DoesNotContain("alice", line.Replace(alice.ToString(), "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("example", line, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(journal));
        }
    }

    [Fact]
    public async Task A_restored_backup_does_not_bring_back_a_person_erased_after_it_was_taken()
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "the embedded default; PostgreSQL is restored with pg_restore");
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var alice = (await people.FindOrCreateAsync(Email("alice@example.com"), null, Actor, Ct)).SubjectId;
        var bob = (await people.FindOrCreateAsync(Email("bob@example.com"), null, Actor, Ct)).SubjectId;
        var file = Path.Combine(app.Database.DataDirectory, "..", $"steward-backup-{Guid.NewGuid():N}.bak");
        try
        {
            // Online: serve is running.
            var backup = await StewardCli.RunAsync(app.Database, "", "backup", "-o", file);
            Assert.True(backup.ExitCode == 0, backup.Stderr);
            Assert.True(await people.EraseKeyAsync(alice, Actor, Ct));
            // A hold placed after the backup is not lost by restoring it.
            var hold = await app.Services<Steward.Retention.LegalHolds>().HoldSubjectAsync(bob, "A claim is pending.", null, Actor, Ct);

            var busy = await StewardCli.RunAsync(app.Database, "", "restore", file);
            Assert.Equal(1, busy.ExitCode);
            Assert.Contains("in use by steward serve", Assert.Single(busy.StderrLines), StringComparison.Ordinal);
            await app.App.StopAsync();

            var restore = await StewardCli.RunAsync(app.Database, "", "restore", file);
            Assert.True(restore.ExitCode == 0, restore.Stderr);
            Assert.Contains("erased 1 subject(s) again", restore.Stdout, StringComparison.Ordinal);
            Assert.Contains("1 legal hold(s) carried over", restore.Stdout, StringComparison.Ordinal);

            await using var restored = await StewardTestApp.StartAsync(app.Database);
            var directory = restored.Services<PeopleDirectory>();
            Assert.Null(await directory.FindAsync(Email("alice@example.com"), Ct));
            Assert.Equal(bob, await directory.FindAsync(Email("bob@example.com"), Ct));
            Assert.Equal("A claim is pending.", await restored.Services<Steward.Retention.LegalHolds>().OnPersonAsync(bob, Ct));
            Assert.Equal(hold.Id, Assert.Single(await restored.Services<Steward.Retention.LegalHolds>().ListAsync(false, Ct)).Id);
            var revealed = await directory.RevealAsync(alice, Actor, Ct);
            Assert.NotNull(revealed!.ErasedAt);
            Assert.Empty(revealed.Identities);
            await using var db = await restored.DbAsync();
            Assert.Null((await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == alice)).WrappedDataKey);
            Assert.Equal(1, await db.Set<ErasureTombstone>().CountAsync(t => t.SubjectId == alice));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_foreign_damaged_or_newer_backup_is_refused_and_the_database_stays_as_it_was()
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "the embedded default");
        await using var app = await StewardTestApp.StartAsync();
        var alice = (await app.Services<PeopleDirectory>().FindOrCreateAsync(Email("alice@example.com"), null, Actor, Ct)).SubjectId;
        var dir = app.Database.DataDirectory;
        var good = Path.Combine(dir, "good.bak");
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "backup", "-o", good)).ExitCode);
        await app.App.StopAsync();
        var bytes = await File.ReadAllBytesAsync(good);
        var headerEnd = bytes.AsSpan().IndexOf((byte)'\n') + 1;
        headerEnd += bytes.AsSpan(headerEnd).IndexOf((byte)'\n') + 1;

        var damaged = (byte[])bytes.Clone();
        damaged[^100] ^= 0xff;
        var database = bytes[headerEnd..];
        var newer = Encoding.UTF8.GetBytes($"{BackupFile.Magic} 1\n{{\"format\":1,\"steward\":\"9\",\"migration\":\"99990101000000_Future\",\"createdAt\":\"2026-01-01T00:00:00Z\","
            + $"\"length\":{database.Length},\"sha256\":\"{Convert.ToHexStringLower(SHA256.HashData(database))}\"}}\n").Concat(database).ToArray();
        var cases = new (string Name, byte[] Content, string Says)[]
        {
            ("foreign.bak", Encoding.UTF8.GetBytes("SQLite format 3\0 not ours"), "not a Steward backup"),
            ("damaged.bak", damaged, "damaged"),
            ("truncated.bak", bytes[..^10], "damaged"),
            ("newer-format.bak", Encoding.UTF8.GetBytes($"{BackupFile.Magic} 2\n{{}}\n"), "newer Steward"),
            ("newer.bak", newer, "newer than this Steward"),
        };
        foreach (var (name, content, says) in cases)
        {
            var path = Path.Combine(dir, name);
            await File.WriteAllBytesAsync(path, content);
            var result = await StewardCli.RunAsync(app.Database, "", "restore", path);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains(says, Assert.Single(result.StderrLines), StringComparison.Ordinal);
        }
        Assert.Equal(1, (await StewardCli.RunAsync(app.Database, "", "restore", Path.Combine(dir, "missing.bak"))).ExitCode);
        Assert.Empty(Directory.GetFiles(dir, "*.restoring-*"));
        Assert.Empty(Directory.GetFiles(dir, "*.replaced-*"));

        await using var again = await StewardTestApp.StartAsync(app.Database);
        Assert.Equal(alice, await again.Services<PeopleDirectory>().FindAsync(Email("alice@example.com"), Ct));
    }

    [Fact]
    public async Task A_restore_that_cannot_unwrap_its_keys_puts_the_replaced_database_back()
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "the embedded default");
        await using var app = await StewardTestApp.StartAsync();
        var alice = (await app.Services<PeopleDirectory>().FindOrCreateAsync(Email("alice@example.com"), null, Actor, Ct)).SubjectId;
        var file = Path.Combine(app.Database.DataDirectory, "before.bak");
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "backup", "-o", file)).ExitCode);
        await app.App.StopAsync();
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "keys", "rotate", "--kek")).ExitCode);
        var old = Assert.Single(Directory.GetFiles(Path.Combine(app.Database.DataDirectory, "keys"), KeyEncryptionKeyPrefix + "*"));
        var oldId = Path.GetFileName(old)[KeyEncryptionKeyPrefix.Length..];
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "keys", "remove", "--kek", oldId)).ExitCode);

        var result = await StewardCli.RunAsync(app.Database, "", "restore", file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"key-encryption key {oldId}", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(app.Database.DataDirectory, "*.replaced-*"));
        await using var again = await StewardTestApp.StartAsync(app.Database);
        Assert.Equal(alice, await again.Services<PeopleDirectory>().FindAsync(Email("alice@example.com"), Ct));
    }

    [Fact]
    public async Task An_erased_person_who_comes_back_is_flagged_for_staff_and_not_erased()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var alice = (await people.FindOrCreateAsync(Email("alice@example.com"), null, Actor, Ct)).SubjectId;
        Assert.True(await people.EraseKeyAsync(alice, Actor, Ct));
        Assert.Empty(await FindingsAsync(app));

        var back = await people.FindOrCreateAsync(Email("Alice@Example.com"), null, "consent-import", Ct);
        Assert.True(back.Created);
        var finding = Assert.Single(await FindingsAsync(app));
        Assert.Equal((back.SubjectId, IdentityType.Email), (finding.SubjectId, finding.Type));
        Assert.Equal(back.SubjectId, await people.FindAsync(Email("alice@example.com"), Ct));
        var listed = await StewardCli.RunAsync(app.Database, "", "erasures", "findings");
        Assert.Contains(back.SubjectId.ToString(), listed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", listed.Stdout, StringComparison.OrdinalIgnoreCase);
        var officer = await app.ClientForRoleAsync(Steward.Security.Roles.PrivacyOfficer);
        Assert.Contains("turned up again 1 time(s)", await officer.GetStringAsync("/console?lang=en"), StringComparison.Ordinal);

        var stranger = await people.FindOrCreateAsync(Email("carol@example.com"), null, Actor, Ct);
        Assert.True(stranger.Created);
        Assert.Single(await FindingsAsync(app));

        // Signing in is a way back too: the erased person's account id, linked to a new cookie, is flagged in the same transaction.
        var account = IdentityNormalisation.Parse(IdentityType.AccountId, "acct-77").Identity!;
        var bob = (await people.FindOrCreateAsync(account, null, Actor, Ct)).SubjectId;
        Assert.True(await people.EraseKeyAsync(bob, Actor, Ct));
        var linked = await people.LinkAsync(IdentityNormalisation.Parse(IdentityType.CookieId, "ck-77").Identity!, account, Actor, Ct);
        Assert.Equal(LinkResult.Linked, linked.Result);
        Assert.Contains(await FindingsAsync(app), f => f.SubjectId == linked.SubjectId && f.Type == IdentityType.AccountId);
        Assert.Equal(2, (await FindingsAsync(app)).Count);
    }

    [Fact]
    public async Task Replaying_erasures_erases_whoever_an_older_copy_still_has_by_blind_index_but_not_someone_who_came_back()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var alice = (await people.FindOrCreateAsync(Email("alice@example.com"), null, Actor, Ct)).SubjectId;
        Assert.Contains("replayed 0 tombstone(s); erased 0", (await StewardCli.RunAsync(app.Database, "", "erasures", "replay")).Stdout, StringComparison.Ordinal);
        // In the older copy Alice's address belonged to a subject that the live database later merged or lost: same person, other id.
        var copy = (await people.FindOrCreateAsync(Email("a.liu@example.com"), null, Actor, Ct)).SubjectId;
        Assert.True(await people.EraseKeyAsync(alice, Actor, Ct));
        // The older copy: Alice's address on the subject created before her erasure (the row of a comeback, moved onto it).
        var first = (await people.FindOrCreateAsync(Email("alice@example.com"), null, Actor, Ct)).SubjectId;
        await using (var db = await app.DbAsync())
            await db.Set<SubjectIdentity>().Where(i => i.SubjectId == first).ExecuteUpdateAsync(s => s.SetProperty(i => i.SubjectId, copy));

        // On the app's clock, like the erasures: a replay compares when subjects were created with when the tombstone was written.
        var replay = app.Services<ErasureReplay>();
        Assert.Equal((1, 1), await replay.ReplayAsync([], Actor, null, Ct));
        Assert.Null(await people.FindAsync(Email("alice@example.com"), Ct));

        // Someone who comes back after the erasure is flagged, and a replay leaves them alone.
        var back = (await people.FindOrCreateAsync(Email("alice@example.com"), null, Actor, Ct)).SubjectId;
        Assert.Equal(0, (await replay.ReplayAsync([], Actor, null, Ct)).Erased);
        await using (var db = await app.DbAsync())
        {
            Assert.Null((await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == copy)).WrappedDataKey);
            Assert.NotNull((await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == back)).WrappedDataKey);
        }
    }

    [Fact]
    public async Task Tombstones_exported_before_a_restore_are_replayed_into_the_restored_database()
    {
        // The PostgreSQL way: the dump brings Alice back; the tombstones exported before pg_restore erase her again.
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var alice = (await people.FindOrCreateAsync(Email("alice@example.com"), null, Actor, Ct)).SubjectId;
        var file = Path.Combine(app.Database.DataDirectory, "tombstones.jsonl");
        byte[] index;
        await using (var db = await app.DbAsync())
            index = (await db.Set<SubjectIdentity>().AsNoTracking().SingleAsync(i => i.SubjectId == alice)).BlindIndex;
        var erasedLater = new TombstoneRecord(alice, app.Time.GetUtcNow().AddDays(1), [new TombstoneHash("email", 1, index)]);
        await File.WriteAllTextAsync(file, ErasureTombstones.ToLines([erasedLater]));

        var replay = await StewardCli.RunAsync(app.Database, "", "erasures", "replay", "--from", file);
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        Assert.Contains("erased 1 subject(s) again", replay.Stdout, StringComparison.Ordinal);
        Assert.Null(await people.FindAsync(Email("alice@example.com"), Ct));

        var export = await StewardCli.RunAsync(app.Database, "", "erasures", "export");
        Assert.Contains(alice.ToString(), Assert.Single(export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, "{\"subjectId\": \"not a tombstone\"}\n");
        var bad = await StewardCli.RunAsync(app.Database, "", "erasures", "replay", "--from", file);
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith($"steward: {file}:1:1:", Assert.Single(bad.StderrLines), StringComparison.Ordinal);
    }

    private const string KeyEncryptionKeyPrefix = Steward.Security.Keys.KeyEncryptionKey.PreviousFilePrefix;

    private static async Task<List<ComebackFinding>> FindingsAsync(StewardTestApp app)
    {
        await using var db = await app.DbAsync();
        return await db.Set<ComebackFinding>().AsNoTracking().ToListAsync();
    }
}
