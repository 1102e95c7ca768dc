using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Jobs;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>
/// Signs a checkpoint of the audit log (<c>audit.checkpoint</c>): every <see cref="AuditOptions.CheckpointInterval"/>
/// as a recurring job, and sooner when the chainer has linked <see cref="AuditOptions.CheckpointEveryEntries"/> entries
/// since the newest one. Idempotent: a run that finds nothing new since the newest checkpoint signs nothing.
/// A log that does not verify is never signed: the job fails with the reason, visible in <c>steward jobs list</c>.
/// </summary>
internal sealed class AuditCheckpointJob(AuditChainer chainer, AuditCheckpoints checkpoints, IDbContextFactory<StewardDbContext> contexts,
    IOptions<AuditOptions> options) : IJobHandler
{
    public const string JobKind = "audit.checkpoint";

    public string Kind => JobKind;

    public async Task RunAsync(JobContext context, CancellationToken ct)
    {
        // Audit:Background=false leaves chaining and checkpoints to the operator (steward audit checkpoint).
        if (!options.Value.Background) return;
        await chainer.ChainPendingAsync(wait: true, ct);
        await using (var db = await contexts.CreateDbContextAsync(ct))
            if (!await db.AuditEntries.AnyAsync(e => e.Sequence != null, ct)) return;
        await checkpoints.CreateAsync(ct);
    }
}
