using Microsoft.EntityFrameworkCore;
using Steward.People;
using Steward.Security.Keys;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Security;

/// <summary>Rotating the keys that protect people: every row moves to the new version, resumably, and nothing stops being readable.</summary>
public sealed class KeyRotationTests
{
    private const string Actor = "test";
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Rotating_the_subject_key_wrapper_rewraps_every_subject_and_resumes_after_being_cut_short()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var subjects = new List<Guid>();
        for (var i = 0; i < 5; i++)
            subjects.Add((await people.FindOrCreateAsync(Email($"person{i}@example.com"), null, Actor, Ct)).SubjectId);
        var mover = app.Services<IEnumerable<IKeyVersionUser>>().OfType<SubjectKeysOnOldVersions>().Single();
        mover.BatchSize = 2;
        var rotation = app.Services<KeyRotation>();

        await rotation.RotateAsync(SubjectKeys.WrappingPurpose, Actor, Ct);
        // One batch, then the process "dies": what is left is what still uses version 1.
        var current = await app.Services<KeyRing>().CurrentAsync(SubjectKeys.WrappingPurpose, Ct);
        Assert.Equal(2, (await mover.MoveBatchAsync(current, Guid.Empty, Ct)).Moved);
        Assert.Equal(3, await rotation.UnfinishedAsync(Ct));
        var refused = await StewardCli.RunAsync(app.Database, "", "keys", "remove", SubjectKeys.WrappingPurpose, "1");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("3 subject data key(s)", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("steward keys rewrap", refused.Stderr, StringComparison.Ordinal);

        var rewrap = await StewardCli.RunAsync(app.Database, "", "keys", "rewrap");
        Assert.Equal(0, rewrap.ExitCode);
        Assert.Contains("moved 3 row(s)", rewrap.Stdout, StringComparison.Ordinal);
        await using (var db = await app.DbAsync())
            Assert.All(await db.Set<DataSubject>().AsNoTracking().ToListAsync(), s => Assert.Equal(2, s.WrappingKeyVersion));
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "keys", "remove", SubjectKeys.WrappingPurpose, "1")).ExitCode);

        // A new process (no key cached) still opens every data key and decrypts every identity.
        await app.App.StopAsync();
        await using var restarted = await StewardTestApp.StartAsync(app.Database);
        for (var i = 0; i < subjects.Count; i++)
        {
            var revealed = await restarted.Services<PeopleDirectory>().RevealAsync(subjects[i], Actor, Ct);
            Assert.Equal($"person{i}@example.com", Assert.Single(revealed!.Identities).Value);
        }
    }

    [Fact]
    public async Task Rotating_the_blind_index_key_reindexes_every_identity_and_lookups_work_throughout()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var alice = (await people.FindOrCreateAsync(Email("alice@example.com"), null, Actor, Ct)).SubjectId;
        await people.AddIdentityAsync(alice, Email("alice.work@example.com"), Actor, Ct);
        var bob = (await people.FindOrCreateAsync(Email("bob@example.com"), null, Actor, Ct)).SubjectId;
        var mover = app.Services<IEnumerable<IKeyVersionUser>>().OfType<IdentitiesOnOldVersions>().Single();
        mover.BatchSize = 1;

        var rotate = await StewardCli.RunAsync(app.Database, "", "keys", "rotate", BlindIndex.Purpose);
        Assert.Equal(0, rotate.ExitCode);
        Assert.Contains("moved 3 row(s)", rotate.Stdout, StringComparison.Ordinal);

        await using (var db = await app.DbAsync())
            Assert.All(await db.Set<SubjectIdentity>().AsNoTracking().ToListAsync(), i => Assert.Equal(2, i.BlindIndexVersion));
        // Rotate again and stop after one batch: old and new versions side by side, every identity still found.
        await app.Services<KeyRotation>().RotateAsync(BlindIndex.Purpose, Actor, Ct);
        Assert.Equal(1, (await mover.MoveBatchAsync(await app.Services<KeyRing>().CurrentAsync(BlindIndex.Purpose, Ct), Guid.Empty, Ct)).Moved);
        await using var other = await StewardTestApp.StartAsync(app.Database);
        foreach (var (email, subject) in new[] { ("alice@example.com", alice), ("alice.work@example.com", alice), ("bob@example.com", bob) })
            Assert.Equal(subject, await other.Services<PeopleDirectory>().FindAsync(Email(email), Ct));
    }

    [Fact]
    public async Task An_old_blind_index_version_stays_while_a_tombstone_uses_it_and_unknown_keys_are_one_line_errors()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var bob = (await people.FindOrCreateAsync(Email("bob@example.com"), null, Actor, Ct)).SubjectId;
        Assert.True(await people.EraseKeyAsync(bob, Actor, Ct));
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "keys", "rotate", BlindIndex.Purpose)).ExitCode);

        var refused = await StewardCli.RunAsync(app.Database, "", "keys", "remove", BlindIndex.Purpose, "1");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("1 erasure tombstone hash(es)", Assert.Single(refused.StderrLines), StringComparison.Ordinal);
        var current = await StewardCli.RunAsync(app.Database, "", "keys", "remove", BlindIndex.Purpose, "2");
        Assert.Contains("current version", Assert.Single(current.StderrLines), StringComparison.Ordinal);
        foreach (var args in new[] { new[] { "keys", "remove", "no.such.purpose", "1" }, ["keys", "remove", BlindIndex.Purpose, "7"], ["keys", "rotate", "no.such.purpose"] })
        {
            var result = await StewardCli.RunAsync(app.Database, "", args);
            Assert.Equal(1, result.ExitCode);
            Assert.Single(result.StderrLines);
        }
        Assert.Equal(2, (await StewardCli.RunAsync(app.Database, "", "keys", "remove", BlindIndex.Purpose, "one")).ExitCode);
        await using var db = await app.DbAsync();
        Assert.Equal(2, await db.Set<WrappedKey>().CountAsync(k => k.Purpose == BlindIndex.Purpose));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Rotating_the_generated_key_encryption_key_rewraps_every_key_and_keeps_the_old_one_until_removed()
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "the embedded default generates its key-encryption key");
        await using var app = await StewardTestApp.StartAsync();
        var alice = (await app.Services<PeopleDirectory>().FindOrCreateAsync(Email("alice@example.com"), null, Actor, Ct)).SubjectId;
        var oldId = app.Services<KeyEncryptionKeys>().Current.Id;
        await app.App.StopAsync();

        var rotate = await StewardCli.RunAsync(app.Database, "", "keys", "rotate", "--kek");
        Assert.Equal(0, rotate.ExitCode);
        var keys = Path.Combine(app.Database.DataDirectory, "keys");
        var previous = Path.Combine(keys, KeyEncryptionKey.PreviousFilePrefix + oldId);
        Assert.True(File.Exists(previous));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(keys, KeyEncryptionKey.GeneratedFileName)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(previous));

        await using (var restarted = await StewardTestApp.StartAsync(app.Database))
        {
            var newId = restarted.Services<KeyEncryptionKeys>().Current.Id;
            Assert.NotEqual(oldId, newId);
            Assert.All(await restarted.Services<KeyRing>().ListAsync(Ct), k => Assert.Equal(newId, k.WrappedBy));
            Assert.Equal("alice@example.com", Assert.Single((await restarted.Services<PeopleDirectory>().RevealAsync(alice, Actor, Ct))!.Identities).Value);
        }
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "keys", "remove", "--kek", oldId)).ExitCode);
        Assert.False(File.Exists(previous));
        Assert.Equal(1, (await StewardCli.RunAsync(app.Database, "", "keys", "remove", "--kek", oldId)).ExitCode);
        await using var again = await StewardTestApp.StartAsync(app.Database);
        Assert.Equal("alice@example.com", Assert.Single((await again.Services<PeopleDirectory>().RevealAsync(alice, Actor, Ct))!.Identities).Value);
    }

    [Fact]
    public async Task A_configured_key_encryption_key_is_changed_in_configuration_and_the_verb_says_how()
    {
        await using var db = await TestDatabase.CreateAsync();
        var settings = db.Settings();
        settings["Keys:KeyEncryptionKey"] = db.KeyEncryptionKey;
        var result = await StewardCli.RunInProcessAsync(settings, "", "keys", "rotate", "--kek");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Keys:PreviousKeyEncryptionKeys", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Contains("steward keys rewrap", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_finishes_a_rotation_left_unfinished()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        for (var i = 0; i < 3; i++) await people.FindOrCreateAsync(Email($"person{i}@example.com"), null, Actor, Ct);
        // The rotation committed, the process died before moving anything.
        await app.Services<KeyRotation>().RotateAsync(SubjectKeys.WrappingPurpose, Actor, Ct);
        await app.Services<KeyRotation>().RotateAsync(BlindIndex.Purpose, Actor, Ct);
        Assert.Equal(6, await app.Services<KeyRotation>().UnfinishedAsync(Ct));
        await app.App.StopAsync();

        await using var restarted = await StewardTestApp.StartAsync(app.Database);
        await Jobs.JobTests.EventuallyAsync(() => restarted.Services<KeyRotation>().UnfinishedAsync(Ct), left => left == 0, "the keys.rewrap job");
        Assert.NotNull(await restarted.Services<PeopleDirectory>().FindAsync(Email("person1@example.com"), Ct));
    }

    internal static Identity Email(string raw) =>
        IdentityNormalisation.Parse(IdentityType.Email, raw).Identity ?? throw new ArgumentException("not an email", nameof(raw));

    [Theory]
    [InlineData("rotate")]
    [InlineData("remove")]
    public async Task Naming_neither_a_purpose_nor_a_key_encryption_key_is_a_usage_error_in_one_line(string verb)
    {
        await using var app = await StewardTestApp.StartAsync();
        var result = await StewardCli.RunAsync(app.Database, "", "keys", verb);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
    }
}
