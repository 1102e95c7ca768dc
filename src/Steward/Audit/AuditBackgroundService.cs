using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Jobs;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>
/// Inside <c>steward serve</c>: chains new entries (woken by appends in this process, polling for those
/// of other nodes and for late commits) and signs a checkpoint every <see cref="AuditOptions.CheckpointInterval"/>
/// or <see cref="AuditOptions.CheckpointEveryEntries"/> entries.
/// </summary>
internal sealed partial class AuditBackgroundService(
    AuditLog log, AuditChainer chainer, BackgroundJobs jobs, IDbContextFactory<StewardDbContext> contexts,
    IOptions<AuditOptions> options, ILogger<AuditBackgroundService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Background) return;
        Hosting.Telemetry.StewardMetrics.ObserveAuditChainLag(() => chainer.Unchained);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await chainer.ChainPendingAsync(wait: false, stoppingToken);
                // Signing is a job (one node, retried); the recurring one covers the interval, this covers a burst of entries.
                if (await CheckpointDueAsync(o, stoppingToken)) await jobs.EnqueueAsync(AuditCheckpointJob.JobKind, dedupKey: AuditCheckpointJob.JobKind, ct: stoppingToken);
                failures = 0;
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                // The host is going away (e.g. it failed to start): nothing to report, nothing left to do.
                return;
            }
            catch (Exception e)
            {
                // Keep serving: entries wait unchained (still authenticated on their own) until this recovers.
                failures++;
                LogFailed(logger, failures, e.GetType().Name);
            }
            var wait = failures == 0 ? o.ChainPollInterval : TimeSpan.FromTicks(Math.Min(o.ChainPollInterval.Ticks * (1L << Math.Min(failures, 6)), TimeSpan.FromMinutes(1).Ticks));
            try
            {
                // Wall-clock, not the TimeProvider: this spaces database work, it is not a business time.
                if (o.ChainDelay > TimeSpan.Zero) await Task.Delay(o.ChainDelay, stoppingToken);
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var appended = log.Appended.WaitToReadAsync(poll.Token).AsTask();
                // Wall-clock too: an entry written inside a transaction wakes the chainer before it commits, so the
                // poll is what finds it on PostgreSQL; it paces database work and is not a business time.
                var delay = Task.Delay(wait, poll.Token);
                await Task.WhenAny(appended, delay);
                await poll.CancelAsync();
                while (log.Appended.TryRead(out _)) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // Tree size of the newest checkpoint as last read (-1: not read yet). Read again only when a checkpoint may be due.
    private long _signedUpTo = -1;

    private async Task<bool> CheckpointDueAsync(AuditOptions o, CancellationToken ct)
    {
        var chained = chainer.Head;
        if (chained == 0 || (_signedUpTo > 0 && chained - _signedUpTo < o.CheckpointEveryEntries)) return false;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var newest = await AuditCheckpoints.NewestAsync(db, ct);
        _signedUpTo = newest?.TreeSize ?? 0;
        return newest is null || chained - newest.TreeSize >= o.CheckpointEveryEntries;
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Chaining or checkpointing the audit log failed ({Failures} in a row): {Error}")]
    private static partial void LogFailed(ILogger logger, int failures, string error);
}
