using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Hosting;
using Steward.Jobs;
using Steward.Storage;

namespace Steward.Security.Keys;

/// <summary>What operators do to keys: rotate one purpose (audited, every node told) and re-wrap under a new key-encryption key.</summary>
internal sealed class KeyRotation(IDbContextFactory<StewardDbContext> contexts, KeyRing ring, AuditLog audit)
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
}

/// <summary>
/// <c>keys.rewrap</c>: moves every key to the current key-encryption key after an operator changed it. Idempotent:
/// a key already wrapped by the current key-encryption key is skipped, so a run cut short is simply run again.
/// </summary>
internal sealed class KeysRewrapJob(KeyRotation rotation) : IJobHandler
{
    public const string JobKind = "keys.rewrap";
    public string Kind => JobKind;

    public Task RunAsync(JobContext context, CancellationToken ct) => rotation.RewrapAsync("system", ct);
}

/// <summary>When <c>steward serve</c> starts with keys wrapped by an earlier key-encryption key, it queues <c>keys.rewrap</c> (once across nodes).</summary>
internal sealed class RewrapOnStart(KeyRing ring, BackgroundJobs jobs) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await ring.NeedsRewrapAsync(cancellationToken))
            await jobs.EnqueueAsync(KeysRewrapJob.JobKind, dedupKey: KeysRewrapJob.JobKind, ct: cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
