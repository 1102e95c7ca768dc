using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Hosting;
using Steward.Jobs;
using Steward.Storage;

namespace Steward.Security.Keys;

/// <summary>
/// What operators do to keys: rotate one purpose (audited, every node told) and move what the old version protected,
/// rotate or change the key-encryption key and re-wrap under it, and remove versions nothing uses any more.
/// </summary>
internal sealed class KeyRotation(
    IDbContextFactory<StewardDbContext> contexts, KeyRing ring, KeyEncryptionKeys keks, IEnumerable<IKeyVersionUser> users, AuditLog audit)
{
    /// <summary>Makes a new version of <paramref name="purpose"/>'s key; the rotation and its audit entry commit together.</summary>
    public async Task<int> RotateAsync(string purpose, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            if (!await db.Set<WrappedKey>().AnyAsync(k => k.Purpose == purpose, ct))
                throw new StewardException($"There is no key for purpose '{purpose}'; 'steward keys list' shows them.");
            var key = await ring.RotateWithinAsync(db, purpose, ct);
            await audit.AppendWithinAsync(db, new AuditEvent(actor, "keys.rotated", $"key:{purpose}", new { version = key.Version }), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return key.Version;
        }
        finally
        {
            ring.ForgetCurrent(purpose);
        }
    }

    /// <summary>Re-wraps every key under the current key-encryption key; audited when anything moved.</summary>
    public async Task<int> RewrapAsync(string actor, CancellationToken ct)
    {
        var count = await ring.RewrapAsync(ct);
        if (count > 0) await audit.AppendAsync(new AuditEvent(actor, "keys.rewrapped", "keys", new { count }), ct);
        return count;
    }

    /// <summary>How many rows still use an older version than the newest of their purpose (what a rotation has left to move).</summary>
    public async Task<int> UnfinishedAsync(CancellationToken ct)
    {
        var left = 0;
        foreach (var user in users.Where(u => u.Movable))
            if (await ring.NewestVersionAsync(user.Purpose, ct) is > 1 and var newest)
                left += await user.CountBelowAsync(newest, ct);
        return left;
    }

    /// <summary>
    /// Finishes every rotation: re-wraps ring keys under the current key-encryption key, then moves every row on an older key
    /// version to the newest, a batch per transaction. Resumable: what is left is exactly what still uses an older version.
    /// </summary>
    public async Task<(int Rewrapped, int Moved)> CompleteAsync(string actor, ProgressBar? progress, CancellationToken ct)
    {
        var rewrapped = await RewrapAsync(actor, ct);
        var total = await UnfinishedAsync(ct);
        var done = 0;
        progress?.Total = total;
        foreach (var user in users.Where(u => u.Movable))
        {
            if (await ring.NewestVersionAsync(user.Purpose, ct) == 0) continue;
            var current = await ring.CurrentAsync(user.Purpose, ct);
            var moved = 0;
            for (var batch = await user.MoveBatchAsync(current, Guid.Empty, ct); batch.Moved > 0; batch = await user.MoveBatchAsync(current, batch.Last, ct))
            {
                moved += batch.Moved;
                done += batch.Moved;
                progress?.Report(done);
            }
            if (moved > 0)
                await audit.AppendAsync(new AuditEvent(actor, "keys.moved", $"key:{user.Purpose}", new { version = current.Version, rows = moved }), ct);
        }
        return (rewrapped, done);
    }

    /// <summary>
    /// Deletes version <paramref name="version"/> of <paramref name="purpose"/> when nothing uses it; otherwise a one-line
    /// refusal naming what still does and how to move it. Audited.
    /// </summary>
    public async Task RemoveVersionAsync(string purpose, int version, string actor, CancellationToken ct)
    {
        var newest = await ring.NewestVersionAsync(purpose, ct);
        if (newest == 0) throw new StewardException($"There is no key for purpose '{purpose}'; 'steward keys list' shows them.");
        if (await ring.FindAsync(purpose, version, ct) is null)
            throw new StewardException($"Key '{purpose}' has no version {version}; 'steward keys list' shows its versions.");
        if (version == newest)
            throw new StewardException($"Key '{purpose}' v{version} is the current version; rotate it first ('steward keys rotate {purpose}').");
        foreach (var user in users.Where(u => u.Purpose == purpose))
        {
            var using_ = await user.CountOnAsync(version, ct);
            if (using_ == 0) continue;
            throw new StewardException(user.Movable
                ? $"Key '{purpose}' v{version} still protects {using_} {user.What}; run 'steward keys rewrap' to move them to v{newest}, then remove it."
                : $"Key '{purpose}' v{version} is still used by {using_} {user.What}, which cannot be moved to a newer version; it stays while they are kept.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<WrappedKey>().Where(k => k.Purpose == purpose && k.Version == version).ExecuteDeleteAsync(ct);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "keys.removed", $"key:{purpose}", new { version }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        ring.Forget(purpose, version);
    }

    /// <summary>
    /// On the embedded default: a new key-encryption key in the data directory (the old one kept beside it as a previous
    /// key), then every ring key re-wrapped under it. With a configured key a one-line refusal says how to change it.
    /// </summary>
    public async Task<(string Old, string New)> RotateKeyEncryptionKeyAsync(string actor, CancellationToken ct)
    {
        var old = keks.Current.Id;
        var fresh = keks.RotateGenerated();
        await audit.AppendAsync(new AuditEvent(actor, "keys.kek-rotated", "keys", new { previous = old, current = fresh.Id }), ct);
        await RewrapAsync(actor, ct);
        return (old, fresh.Id);
    }

    /// <summary>Deletes an earlier generated key-encryption key once no ring key is wrapped by it. Audited.</summary>
    public async Task RemoveKeyEncryptionKeyAsync(string id, string actor, CancellationToken ct)
    {
        if (keks.Current.Id == id) throw new StewardException($"Key-encryption key {id} is the current one; rotate it first ('steward keys rotate --kek').");
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var wrapped = await db.Set<WrappedKey>().CountAsync(k => k.WrappedBy == id, ct);
            if (wrapped > 0)
                throw new StewardException($"Key-encryption key {id} still wraps {wrapped} key(s); run 'steward keys rewrap' first.");
        }
        keks.RemoveGeneratedPrevious(id);
        await audit.AppendAsync(new AuditEvent(actor, "keys.kek-removed", "keys", new { id }), ct);
    }
}

/// <summary>
/// <c>keys.rewrap</c>: finishes every rotation left unfinished (a new key-encryption key, a killed <c>steward keys rotate</c>, a
/// rotation by another node). Idempotent: what is already on the current key is skipped, so a run cut short is simply run again.
/// </summary>
internal sealed class KeysRewrapJob(KeyRotation rotation) : IJobHandler
{
    public const string JobKind = "keys.rewrap";
    public string Kind => JobKind;

    public Task RunAsync(JobContext context, CancellationToken ct) => rotation.CompleteAsync("system", progress: null, ct);
}

/// <summary>When <c>steward serve</c> starts with a rotation unfinished, it queues <c>keys.rewrap</c> (once across nodes).</summary>
internal sealed class RewrapOnStart(KeyRing ring, KeyRotation rotation, BackgroundJobs jobs) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await ring.NeedsRewrapAsync(cancellationToken) || await rotation.UnfinishedAsync(cancellationToken) > 0)
            await jobs.EnqueueAsync(KeysRewrapJob.JobKind, dedupKey: KeysRewrapJob.JobKind, ct: cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
