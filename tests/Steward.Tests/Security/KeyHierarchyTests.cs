using System.Text;
using Microsoft.EntityFrameworkCore;
using Steward.Security.Keys;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Security;

public sealed class KeyHierarchyTests
{
    [Fact]
    public async Task A_key_is_created_once_and_read_back_after_a_restart()
    {
        await using var app = await StewardTestApp.StartAsync();
        var first = await app.Services<KeyRing>().CurrentAsync("test.purpose", CancellationToken.None);
        Assert.Equal(1, first.Version);
        Assert.Equal(32, first.Material.Length);

        await using var restarted = await StewardTestApp.StartAsync(app.Database);
        var again = await restarted.Services<KeyRing>().CurrentAsync("test.purpose", CancellationToken.None);
        Assert.Equal(first.Material, again.Material);
    }

    [Fact]
    public async Task Neither_the_key_encryption_key_nor_any_key_in_clear_is_in_the_database()
    {
        await using var app = await StewardTestApp.StartAsync();
        var key = await app.Services<KeyRing>().CurrentAsync("test.secret", CancellationToken.None);
        var kek = app.Services<KeyEncryptionKeys>().Current.Material;
        await using var db = await app.DbAsync();
        var stored = await db.Set<WrappedKey>().AsNoTracking().SingleAsync(k => k.Purpose == "test.secret");
        Assert.False(Contains(stored.Material, key.Material), "the key is stored in clear");
        if (!TestDatabase.IsPostgres)
        {
            var bytes = await ReadSharedAsync(Path.Combine(app.Database.DataDirectory, "steward.db"));
            Assert.False(Contains(bytes, kek), "the key-encryption key is in the database file");
            Assert.False(Contains(bytes, key.Material), "a key is in clear in the database file");
            Assert.False(Contains(bytes, Encoding.ASCII.GetBytes(Convert.ToBase64String(kek))), "the key-encryption key is in the database file (base64)");
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_generated_key_encryption_key_and_the_data_directory_are_owner_only()
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "the embedded default");
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "Unix file modes");
        await using var app = await StewardTestApp.StartAsync();
        _ = app.Services<KeyEncryptionKeys>().Current;
        var file = Path.Combine(app.Database.DataDirectory, "keys", KeyEncryptionKey.GeneratedFileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
    }

    [Fact]
    public async Task Rotation_keeps_old_versions_readable_and_rewrap_moves_every_key_to_a_new_key_encryption_key()
    {
        var oldKek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var app = await StewardTestApp.StartAsync(s => s["Keys:KeyEncryptionKey"] = oldKek);
        var ring = app.Services<KeyRing>();
        var v1 = await ring.CurrentAsync("test.rotating", CancellationToken.None);
        var v2 = await ring.RotateAsync("test.rotating", CancellationToken.None);
        Assert.Equal(2, v2.Version);
        Assert.NotEqual(v1.Material, v2.Material);
        Assert.Equal(v2.Material, (await ring.CurrentAsync("test.rotating", CancellationToken.None)).Material);

        var newKek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await app.App.StopAsync();
        await using (var withBoth = await StewardTestApp.StartAsync(app.Database, s =>
        {
            s["Keys:KeyEncryptionKey"] = newKek;
            s["Keys:PreviousKeyEncryptionKeys:0"] = oldKek;
        }))
        {
            // Serve notices keys wrapped by the earlier key-encryption key and queues keys.rewrap; its worker runs it.
            await using var db = await withBoth.DbAsync();
            var job = await Jobs.JobTests.EventuallyAsync(
                () => db.Set<Steward.Jobs.Job>().AsNoTracking().Where(j => j.Kind == KeysRewrapJob.JobKind).ToListAsync(),
                jobs => jobs.Count == 1 && jobs[0].State == Steward.Jobs.JobState.Succeeded, "the keys.rewrap job");
            Assert.False(await withBoth.Services<KeyRing>().NeedsRewrapAsync(CancellationToken.None));
            Assert.Equal(0, await withBoth.Services<KeyRing>().RewrapAsync(CancellationToken.None));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "keys.rewrapped" && e.Actor == "system"));
        }
        // The old key-encryption key can now be dropped from configuration.
        await using var onlyNew = await StewardTestApp.StartAsync(app.Database, s => s["Keys:KeyEncryptionKey"] = newKek);
        var read = await onlyNew.Services<KeyRing>().FindAsync("test.rotating", 1, CancellationToken.None);
        Assert.Equal(v1.Material, read!.Material);
    }

    [Fact]
    public async Task Keys_list_rotate_and_rewrap_on_the_command_line_show_no_material_and_are_audited()
    {
        var oldKek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var app = await StewardTestApp.StartAsync(s => s["Keys:KeyEncryptionKey"] = oldKek);
        var key = await app.Services<KeyRing>().CurrentAsync("test.cli", CancellationToken.None);
        var env = app.Database.EnvironmentVariables();
        env["STEWARD__Keys__KeyEncryptionKey"] = oldKek;

        var rotated = await StewardCli.RunProcessAsync(env, "", null, "keys", "rotate", "test.cli");
        Assert.Equal((0, "rotated test.cli to version 2"), (rotated.ExitCode, rotated.Stdout.Trim()));
        var unknown = await StewardCli.RunProcessAsync(env, "", null, "keys", "rotate", "test.none");
        Assert.Equal((1, "steward: There is no key for purpose 'test.none'; 'steward keys list' shows them."), (unknown.ExitCode, unknown.Stderr.Trim()));
        // This node stops writing with version 1 (SQLite: by the version check; PostgreSQL: by the notification).
        await Jobs.JobTests.EventuallyAsync(async () => (await app.Services<KeyRing>().CurrentAsync("test.cli", CancellationToken.None)).Version,
            v => v == 2, "the rotated version in use");

        var newKek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        env["STEWARD__Keys__KeyEncryptionKey"] = newKek;
        env["STEWARD__Keys__PreviousKeyEncryptionKeys__0"] = oldKek;
        // Every stored key: the two versions above and those Steward makes itself (cookie protection, audit MAC and signing).
        // The signing key is made by the first checkpoint, in the background: make all three now so the count is stable.
        foreach (var own in new[] { KeyRingXmlEncryptor.Purpose, Steward.Audit.AuditLog.MacKeyPurpose, Steward.Audit.AuditCheckpoints.SigningKeyPurpose })
            await app.Services<KeyRing>().CurrentAsync(own, CancellationToken.None);
        int stored;
        await using (var keysDb = await app.DbAsync()) stored = await keysDb.Set<WrappedKey>().CountAsync();
        Assert.True(stored >= 3);
        var rewrapped = await StewardCli.RunProcessAsync(env, "", null, "keys", "rewrap");
        Assert.Equal(0, rewrapped.ExitCode);
        Assert.StartsWith($"re-wrapped {stored} key(s) under key-encryption key ", rewrapped.Stdout, StringComparison.Ordinal);

        var listed = await StewardCli.RunProcessAsync(env, "", null, "keys", "list");
        Assert.Equal(0, listed.ExitCode);
        var lines = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("test.cli", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Matches(@"^test\.cli\s+1\s+\S+Z\s+\S+Z\s+[0-9a-f]{16}$", lines[0].TrimEnd());
        Assert.Matches(@"^test\.cli\s+2\s+\S+Z\s+-\s+[0-9a-f]{16}$", lines[1].TrimEnd());
        Assert.DoesNotContain(Convert.ToBase64String(key.Material), listed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(key.Material), listed.Stdout, StringComparison.OrdinalIgnoreCase);

        await using var db = await app.DbAsync();
        var actions = await db.AuditEntries.Where(e => e.Actor == "cli").OrderBy(e => e.Id).Select(e => e.Action + " " + e.Target).ToListAsync();
        Assert.Equal(["keys.rotated key:test.cli", "keys.rewrapped keys"], actions);
    }

    [Fact]
    public async Task A_wrapped_key_moved_to_another_purpose_or_read_with_the_wrong_key_encryption_key_is_refused()
    {
        var kek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var app = await StewardTestApp.StartAsync(s => s["Keys:KeyEncryptionKey"] = kek);
        await app.Services<KeyRing>().CurrentAsync("test.victim", CancellationToken.None);
        await using (var db = await app.DbAsync())
        {
            var victim = await db.Set<WrappedKey>().SingleAsync(k => k.Purpose == "test.victim");
            db.Set<WrappedKey>().Add(new WrappedKey
            {
                Id = Guid.NewGuid(), Purpose = "test.attacker", Version = 1, WrappedBy = victim.WrappedBy,
                Material = victim.Material, CreatedAt = victim.CreatedAt,
            });
            await db.SaveChangesAsync();
        }
        var moved = await Assert.ThrowsAsync<Steward.Hosting.StewardException>(() => app.Services<KeyRing>().FindAsync("test.attacker", 1, CancellationToken.None));
        Assert.Contains("does not unwrap", moved.Message, StringComparison.Ordinal);

        await app.App.StopAsync();
        var other = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        // Serve needs the audit MAC key before it takes a request, so the wrong key-encryption key stops it at start.
        var refused = await Assert.ThrowsAsync<Steward.Hosting.StewardException>(() => StewardTestApp.StartAsync(app.Database, s => s["Keys:KeyEncryptionKey"] = other));
        Assert.Contains("not configured", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_key_encryption_key_is_one_line_naming_the_setting()
    {
        await using var db = await TestDatabase.CreateAsync();
        var env = db.EnvironmentVariables();
        env["STEWARD__Keys__KeyEncryptionKey"] = "not-base64";
        var result = await StewardCli.RunProcessAsync(env, "", null, "serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.StderrLines);
        Assert.Contains("Keys:KeyEncryptionKey is not 32 bytes in base64", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        var wal = path + "-wal";
        if (File.Exists(wal))
        {
            await using var w = new FileStream(wal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await w.CopyToAsync(buffer);
        }
        return buffer.ToArray();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
