using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Jobs;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>
/// Signs a checkpoint of the audit log (<c>audit.checkpoint</c>): every <see cref="AuditOptions.CheckpointInterval"/>
/// as a recurring job, and sooner when the chainer has linked <see cref="AuditOptions.CheckpointEveryEntries"/> entries
/// since the newest one. Idempotent: a run signs only when a checkpoint is due, so a run that finds nothing new, or finds
/// that another run already signed for this interval or this burst, signs nothing.
/// A log that does not verify is never signed: the job fails with the reason, visible in <c>steward jobs list</c>.
/// </summary>
internal sealed class AuditCheckpointJob(AuditChainer chainer, AuditCheckpoints checkpoints, IDbContextFactory<StewardDbContext> contexts,
    IOptions<AuditOptions> options, TimeProvider time) : IJobHandler
{
    public const string JobKind = "audit.checkpoint";

    public string Kind => JobKind;

    public async Task RunAsync(JobContext context, CancellationToken ct)
    {
        // Audit:Background=false leaves chaining and checkpoints to the operator (steward audit checkpoint).
        if (!options.Value.Background) return;
        await chainer.ChainPendingAsync(wait: true, ct);
        if (await DueAsync(ct)) await checkpoints.CreateAsync(ct);
    }

    /// <summary>
    /// The first entries are unsigned, or this interval's occurrence has no checkpoint yet, or a burst of entries is.
    /// Asked when the job runs, not when it was enqueued: a burst seen just before the scheduled run signed it would
    /// otherwise be signed a second time.
    /// </summary>
    private async Task<bool> DueAsync(CancellationToken ct)
    {
        var o = options.Value;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var head = await db.AuditEntries.Where(e => e.Sequence != null).MaxAsync(e => e.Sequence, ct) ?? 0;
        var newest = await AuditCheckpoints.NewestAsync(db, ct);
        if (newest is null) return head > 0;
        // Fewer entries than the newest checkpoint covers: the newest were removed, which signing reports as the job's failure.
        return head < newest.TreeSize
            || head - newest.TreeSize >= o.CheckpointEveryEntries
            || (head > newest.TreeSize && newest.CreatedAt < RecurringJobs.OccurrenceAt(time.GetUtcNow(), o.CheckpointInterval));
    }
}
