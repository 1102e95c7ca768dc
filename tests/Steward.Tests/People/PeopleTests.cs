using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Steward.People;
using Steward.Storage;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.People;

/// <summary>Subjects and identities on the real database (SQLite, or PostgreSQL when STEWARD_TEST_POSTGRES is set).</summary>
public sealed class PeopleTests
{
    private const string Actor = "test";
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Identity Alice = Parse(IdentityType.Email, "Alice.Liu@Example.com");
    private static readonly Identity AlicePhone = Parse(IdentityType.Phone, "+86 138 0013 8000");

    [Fact]
    public async Task The_same_identity_finds_the_same_subject_however_it_was_typed_and_after_a_restart()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var created = await people.FindOrCreateAsync(Alice, "cn-pipl", Actor, Ct);
        Assert.True(created.Created);
        var again = await people.FindOrCreateAsync(Parse(IdentityType.Email, "  alice.liu@EXAMPLE.COM "), null, Actor, Ct);
        Assert.Equal(new SubjectMatch(created.SubjectId, Created: false), again);

        await using var restarted = await StewardTestApp.StartAsync(app.Database);
        Assert.Equal(created.SubjectId, await restarted.Services<PeopleDirectory>().FindAsync(Alice, Ct));
        Assert.Null(await restarted.Services<PeopleDirectory>().FindAsync(Parse(IdentityType.Email, "bob@example.com"), Ct));
    }

    [Fact]
    public async Task The_blind_index_differs_per_type_for_the_same_text_and_is_keyed()
    {
        await using var app = await StewardTestApp.StartAsync();
        var index = app.Services<BlindIndex>();
        var asAccount = (await index.ComputeAsync(Parse(IdentityType.AccountId, "12345"), Ct))[0];
        var asCookie = (await index.ComputeAsync(Parse(IdentityType.CookieId, "12345"), Ct))[0];
        Assert.NotEqual(asAccount.Value, asCookie.Value);
        Assert.Equal(asAccount.Value, (await index.ComputeAsync(Parse(IdentityType.AccountId, " 12345 "), Ct))[0].Value);
        // Keyed: not the plain hash of what it indexes, so a copy of the database cannot test guesses.
        Assert.NotEqual(SHA256.HashData(Encoding.UTF8.GetBytes("account_id\n12345")), asAccount.Value);

        await using var other = await StewardTestApp.StartAsync();
        Assert.NotEqual(asAccount.Value, (await other.Services<BlindIndex>().ComputeAsync(Parse(IdentityType.AccountId, "12345"), Ct))[0].Value);
    }

    [Fact]
    public async Task After_the_blind_index_key_is_rotated_old_identities_are_still_found_and_new_ones_use_the_new_version()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var subject = (await people.FindOrCreateAsync(Alice, null, Actor, Ct)).SubjectId;
        await app.Services<Steward.Security.Keys.KeyRotation>().RotateAsync(BlindIndex.Purpose, Actor, Ct);

        Assert.Equal(new SubjectMatch(subject, false), await people.FindOrCreateAsync(Alice, null, Actor, Ct));
        Assert.Equal(AddIdentityResult.Added, await people.AddIdentityAsync(subject, AlicePhone, Actor, Ct));
        await using var db = await app.DbAsync();
        var versions = await db.Set<SubjectIdentity>().Where(i => i.SubjectId == subject).OrderBy(i => i.Type).Select(i => new { i.Type, i.BlindIndexVersion }).ToListAsync();
        Assert.Equal([new { Type = IdentityType.Email, BlindIndexVersion = 1 }, new { Type = IdentityType.Phone, BlindIndexVersion = 2 }], versions);
    }

    [Fact]
    public async Task Identity_values_are_encrypted_at_rest_and_only_staff_reveal_them_with_an_audit_entry()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var subject = (await people.FindOrCreateAsync(Alice, null, Actor, Ct)).SubjectId;
        await people.AddIdentityAsync(subject, AlicePhone, Actor, Ct);

        await using (var db = await app.DbAsync())
            foreach (var row in await db.Set<SubjectIdentity>().AsNoTracking().ToListAsync())
            {
                Assert.False(Contains(row.Ciphertext, Alice.Value), "an identity is stored in clear");
                Assert.False(Contains(row.Ciphertext, AlicePhone.Value), "an identity is stored in clear");
            }
        if (!TestDatabase.IsPostgres)
        {
            var file = await ReadDatabaseFilesAsync(app);
            Assert.False(Contains(file, Alice.Value), "the email is in the database file");
            Assert.False(Contains(file, "Alice.Liu@Example.com"), "the email as typed is in the database file");
            Assert.False(Contains(file, AlicePhone.Value), "the phone number is in the database file");
        }

        var revealed = await people.RevealAsync(subject, "staff:dpo", Ct);
        Assert.NotNull(revealed);
        Assert.Equal([(IdentityType.Email, Alice.Value), (IdentityType.Phone, AlicePhone.Value)], revealed.Identities.Select(i => (i.Type, i.Value)));
        await using var audit = await app.DbAsync();
        var entries = await audit.AuditEntries.AsNoTracking().Where(e => e.Target == $"subject:{subject}").OrderBy(e => e.Id).Select(e => new { e.Action, e.Actor, e.Details }).ToListAsync();
        Assert.Equal(["people.subject-created", "people.identity-added", "people.revealed"], entries.Select(e => e.Action));
        Assert.Equal("staff:dpo", entries[^1].Actor);
        Assert.All(entries, e => Assert.DoesNotContain("alice", e.Details, StringComparison.OrdinalIgnoreCase));
        Assert.All(entries, e => Assert.DoesNotContain("13800138000", e.Details, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("alice", StringComparison.OrdinalIgnoreCase) || l.Contains("13800138000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ciphertext_moved_to_another_subject_does_not_decrypt()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var alice = (await people.FindOrCreateAsync(Alice, null, Actor, Ct)).SubjectId;
        var bob = (await people.FindOrCreateAsync(Parse(IdentityType.Email, "bob@example.com"), null, Actor, Ct)).SubjectId;

        await using (var db = await app.DbAsync())
            await db.Set<SubjectIdentity>().Where(i => i.SubjectId == alice).ExecuteUpdateAsync(s => s.SetProperty(i => i.SubjectId, bob));

        await Assert.ThrowsAnyAsync<CryptographicException>(() => people.RevealAsync(bob, Actor, Ct));
    }

    [Fact]
    public async Task An_identity_another_subject_has_is_a_conflict_not_an_error()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var alice = (await people.FindOrCreateAsync(Alice, null, Actor, Ct)).SubjectId;
        var bob = (await people.FindOrCreateAsync(Parse(IdentityType.Email, "bob@example.com"), null, Actor, Ct)).SubjectId;

        Assert.Equal(AddIdentityResult.BoundToAnotherSubject, await people.AddIdentityAsync(bob, Alice, Actor, Ct));
        Assert.Equal(AddIdentityResult.AlreadyBound, await people.AddIdentityAsync(alice, Alice, Actor, Ct));
        Assert.Equal(AddIdentityResult.NoSuchSubject, await people.AddIdentityAsync(Guid.NewGuid(), AlicePhone, Actor, Ct));
        Assert.Equal(alice, await people.FindAsync(Alice, Ct));
    }

    [Fact]
    public async Task Signing_in_merges_the_cookie_visitor_into_the_account_keeping_every_identity_and_moving_history_in_one_audited_transaction()
    {
        var moves = new RecordedMerges();
        await using var app = await StewardTestApp.StartAsync(null, services: s => s.AddSingleton<ISubjectMergeStep>(moves));
        var people = app.Services<PeopleDirectory>();
        var cookie = Parse(IdentityType.CookieId, "ck-7f3a9");
        var account = Parse(IdentityType.AccountId, "acct-42");
        var visitor = (await people.FindOrCreateAsync(cookie, null, Actor, Ct)).SubjectId;
        await people.AddIdentityAsync(visitor, Alice, Actor, Ct);
        var member = (await people.FindOrCreateAsync(account, "cn-pipl", Actor, Ct)).SubjectId;
        await people.AddIdentityAsync(member, AlicePhone, Actor, Ct);

        var outcome = await people.LinkAsync(cookie, account, Actor, Ct);

        Assert.Equal(new LinkOutcome(LinkResult.Merged, member, visitor), outcome);
        Assert.Equal([(visitor, member)], moves.Calls.ToArray());
        foreach (var identity in new[] { cookie, account, Alice, AlicePhone }) Assert.Equal(member, await people.FindAsync(identity, Ct));
        var revealed = await people.RevealAsync(member, Actor, Ct);
        Assert.Equal(new[] { account.Value, cookie.Value, Alice.Value, AlicePhone.Value }.Order(), revealed!.Identities.Select(i => i.Value).Order());
        var merged = await people.RevealAsync(visitor, Actor, Ct);
        Assert.Equal(member, merged!.MergedIntoId);
        Assert.Empty(merged.Identities);
        await using var db = await app.DbAsync();
        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "people.subjects-merged");
        Assert.Equal($"subject:{member}", entry.Target);
        Assert.Contains(visitor.ToString(), entry.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("ck-7f3a9", entry.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("acct-42", entry.Details, StringComparison.Ordinal);

        Assert.Equal(LinkResult.AlreadyLinked, (await people.LinkAsync(cookie, account, Actor, Ct)).Result);
    }

    [Fact]
    public async Task A_failing_merge_step_leaves_both_subjects_as_they_were()
    {
        await using var app = await StewardTestApp.StartAsync(null, services: s => s.AddSingleton<ISubjectMergeStep>(new FailingMerge()));
        var people = app.Services<PeopleDirectory>();
        var cookie = Parse(IdentityType.CookieId, "ck-1");
        var account = Parse(IdentityType.AccountId, "acct-1");
        var visitor = (await people.FindOrCreateAsync(cookie, null, Actor, Ct)).SubjectId;
        var member = (await people.FindOrCreateAsync(account, null, Actor, Ct)).SubjectId;

        await Assert.ThrowsAsync<InvalidOperationException>(() => people.LinkAsync(cookie, account, Actor, Ct));

        Assert.Equal(visitor, await people.FindAsync(cookie, Ct));
        Assert.Equal([cookie.Value], (await people.RevealAsync(visitor, Actor, Ct))!.Identities.Select(i => i.Value));
        Assert.Null((await people.RevealAsync(visitor, Actor, Ct))!.MergedIntoId);
        Assert.Equal(member, await people.FindAsync(account, Ct));
    }

    [Fact]
    public async Task Linking_covers_new_cookies_new_accounts_and_refuses_to_merge_two_accounts()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var bothNew = await people.LinkAsync(Parse(IdentityType.CookieId, "ck-a"), Parse(IdentityType.AccountId, "acct-a"), Actor, Ct);
        Assert.Equal(LinkResult.Linked, bothNew.Result);
        Assert.Equal(bothNew.SubjectId, await people.FindAsync(Parse(IdentityType.CookieId, "ck-a"), Ct));

        var newCookie = await people.LinkAsync(Parse(IdentityType.CookieId, "ck-b"), Parse(IdentityType.AccountId, "acct-a"), Actor, Ct);
        Assert.Equal(new LinkOutcome(LinkResult.Linked, bothNew.SubjectId), newCookie);

        var visitor = (await people.FindOrCreateAsync(Parse(IdentityType.DeviceId, "dev-c"), null, Actor, Ct)).SubjectId;
        var newAccount = await people.LinkAsync(Parse(IdentityType.DeviceId, "dev-c"), Parse(IdentityType.AccountId, "acct-c"), Actor, Ct);
        Assert.Equal(new LinkOutcome(LinkResult.Linked, visitor), newAccount);

        // ck-a is acct-a's browser; acct-c signing in on it must not take acct-a's history.
        var shared = await people.LinkAsync(Parse(IdentityType.CookieId, "ck-a"), Parse(IdentityType.AccountId, "acct-c"), Actor, Ct);
        Assert.Equal(new LinkOutcome(LinkResult.CookieOfAnotherAccount, visitor), shared);
        Assert.Equal(bothNew.SubjectId, await people.FindAsync(Parse(IdentityType.AccountId, "acct-a"), Ct));
    }

    [Fact]
    public async Task Remembered_lookups_follow_a_merge_and_an_erasure_on_this_node_and_on_another()
    {
        await using var app = await StewardTestApp.StartAsync();
        // Another node on the same database: on PostgreSQL it hears NOTIFY; on SQLite it stands for the CLI and hears a resync.
        await using var other = await StewardTestApp.StartAsync(app.Database);
        var people = app.Services<PeopleDirectory>();
        var elsewhere = other.Services<PeopleDirectory>();
        var cookie = Parse(IdentityType.CookieId, "ck-remembered");
        var account = Parse(IdentityType.AccountId, "acct-remembered");
        var visitor = (await people.FindOrCreateAsync(cookie, null, Actor, Ct)).SubjectId;
        var member = (await people.FindOrCreateAsync(account, null, Actor, Ct)).SubjectId;
        // Both nodes remember the cookie's visitor...
        Assert.Equal(visitor, await people.FindAsync(cookie, Ct));
        Assert.Equal(visitor, await elsewhere.FindAsync(cookie, Ct));

        await people.LinkAsync(cookie, account, Actor, Ct);
        // ...and forget it when it is merged away: at once here, as soon as they hear it elsewhere.
        Assert.Equal(member, await people.FindAsync(cookie, Ct));
        await Jobs.JobTests.EventuallyAsync(() => elsewhere.FindAsync(cookie, Ct), found => found == member, "the merge on the other node");

        Assert.True(await people.EraseKeyAsync(member, Actor, Ct));
        Assert.Null(await people.FindAsync(account, Ct));
        await Jobs.JobTests.EventuallyAsync(() => elsewhere.FindAsync(cookie, Ct), found => found is null, "the erasure on the other node");
    }

    [Fact]
    public async Task Destroying_the_data_key_leaves_nothing_readable_in_the_database()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var subject = (await people.FindOrCreateAsync(Alice, null, Actor, Ct)).SubjectId;
        await people.AddIdentityAsync(subject, AlicePhone, Actor, Ct);
        byte[] wrappedKey;
        List<SubjectIdentity> rows;
        await using (var db = await app.DbAsync())
        {
            wrappedKey = (await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == subject)).WrappedDataKey!;
            rows = await db.Set<SubjectIdentity>().AsNoTracking().Where(i => i.SubjectId == subject).ToListAsync();
        }
        if (!TestDatabase.IsPostgres) Assert.True(Contains(await ReadDatabaseFilesAsync(app), wrappedKey), "the test reads the wrong file");

        Assert.True(await people.EraseKeyAsync(subject, Actor, Ct));
        Assert.False(await people.EraseKeyAsync(subject, Actor, Ct));

        await using (var db = await app.DbAsync())
        {
            var erased = await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == subject);
            Assert.Null(erased.WrappedDataKey);
            Assert.NotNull(erased.ErasedAt);
            Assert.Null(await app.Services<SubjectKeys>().OpenAsync(erased, Ct));
            Assert.False(await db.Set<SubjectIdentity>().AnyAsync(i => i.SubjectId == subject));
        }
        if (!TestDatabase.IsPostgres)
        {
            var file = await ReadDatabaseFilesAsync(app);
            Assert.False(Contains(file, wrappedKey), "the destroyed data key is still in the database files");
            Assert.False(Contains(file, Alice.Value), "the email is in the database file");
            foreach (var row in rows) Assert.False(Contains(file, row.Ciphertext), "an erased identity's ciphertext is still in the database files");
        }
        // Whoever kept a ciphertext has nothing to decrypt it with: the only copy of the key is gone.
        var revealed = await people.RevealAsync(subject, Actor, Ct);
        Assert.Empty(revealed!.Identities);
        Assert.Null(await people.FindAsync(Alice, Ct));
        Assert.NotEqual(subject, (await people.FindOrCreateAsync(Alice, null, Actor, Ct)).SubjectId);
        await using var audit = await app.DbAsync();
        Assert.True(await audit.AuditEntries.AnyAsync(e => e.Action == "people.key-destroyed" && e.Target == $"subject:{subject}"));
    }

    [Fact]
    public async Task Concurrent_creations_of_one_identity_end_with_one_subject()
    {
        await using var app = await StewardTestApp.StartAsync();
        var people = app.Services<PeopleDirectory>();
        var identity = Parse(IdentityType.Email, "race@example.com");
        await app.Services<BlindIndex>().ComputeAsync(identity, Ct); // keys exist, so every racer starts at the insert

        using var start = new ManualResetEventSlim();
        var racers = Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await people.FindOrCreateAsync(identity, null, Actor, Ct);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(racers);

        Assert.Single(results.Select(r => r.SubjectId).Distinct());
        Assert.Single(results, r => r.Created);
        await using var db = await app.DbAsync();
        Assert.Equal(1, await db.Set<DataSubject>().CountAsync());
        Assert.Equal(1, await db.Set<SubjectIdentity>().CountAsync());
    }

    private static Identity Parse(IdentityType type, string raw) =>
        IdentityNormalisation.Parse(type, raw).Identity ?? throw new ArgumentException("not an identity", nameof(raw));

    private static bool Contains(byte[] haystack, string needle) => Contains(haystack, Encoding.UTF8.GetBytes(needle));

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>The SQLite file and its write-ahead log as a copy of the data directory would hold them.</summary>
    private static async Task<byte[]> ReadDatabaseFilesAsync(StewardTestApp app)
    {
        using var buffer = new MemoryStream();
        foreach (var path in new[] { "steward.db", "steward.db-wal" }.Select(f => Path.Combine(app.Database.DataDirectory, f)).Where(File.Exists))
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await stream.CopyToAsync(buffer);
        }
        return buffer.ToArray();
    }

    private sealed class RecordedMerges : ISubjectMergeStep
    {
        public List<(Guid From, Guid Into)> Calls { get; } = [];

        public Task MoveAsync(StewardDbContext db, SubjectMerge merge, CancellationToken ct)
        {
            Assert.NotNull(db.Database.CurrentTransaction);
            Calls.Add((merge.From, merge.Into));
            return Task.CompletedTask;
        }
    }

    private sealed class FailingMerge : ISubjectMergeStep
    {
        public Task MoveAsync(StewardDbContext db, SubjectMerge merge, CancellationToken ct) =>
            throw new InvalidOperationException("the consent feature could not move its events");
    }
}
