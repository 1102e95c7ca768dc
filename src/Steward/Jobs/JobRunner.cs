using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Hosting;
using Steward.Hosting.Telemetry;
using Steward.Storage;

namespace Steward.Jobs;

/// <summary>
/// Claims one due job at a time and runs it under a lease. PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>, so nodes
/// never wait on each other. SQLite: a conditional UPDATE (the row is still claimable) inside SQLite's single
/// writer, so concurrent claims of one job succeed once. A running job's lease is renewed (heartbeat) every third
/// of its duration; a job whose lease lapsed is claimable again, which is how a dead node's job is taken over.
/// </summary>
internal sealed partial class JobRunner(IDbContextFactory<StewardDbContext> contexts, StorageConnection storage, IEnumerable<IJobHandler> handlers,
    IOptions<JobOptions> options, TimeProvider time, ILogger<JobRunner> logger)
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);

    /// <summary>This node's lease owner name: not personal, unique per process.</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Claims and runs one due job; false when none is due. <paramref name="stopping"/> is the host's shutdown.</summary>
    public async Task<bool> RunNextAsync(CancellationToken stopping)
    {
        if (_handlers.Count == 0) return false;
        var job = await ClaimAsync(stopping);
        if (job is null) return false;
        StewardMetrics.JobsClaimed.Add(1);
        if (job.Attempts > job.MaxAttempts)
        {
            // Its last attempt's node died (or it ran past its lease each time): do not start another.
            await FinishAsync(job, JobState.Dead, "The lease expired on the last attempt.", null, CancellationToken.None);
            LogDead(logger, job.Id, job.Kind, job.Attempts - 1);
            return true;
        }
        await RunClaimedAsync(job, stopping);
        return true;
    }

    /// <summary>Claims one due job whose kind this node can run, or null. Public for the claim benchmark and tests.</summary>
    public async Task<Job?> ClaimAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.LeaseDuration;
        var kinds = _handlers.Keys.ToArray();
        await using var db = await contexts.CreateDbContextAsync(ct);
        Guid? id;
        if (storage.Provider == StorageProviders.Postgres)
        {
            // Rows another node is claiming right now are skipped, not waited for.
            id = (await db.Database.SqlQuery<Guid>($"""
                UPDATE jobs SET "State" = 'running', "Attempts" = "Attempts" + 1, "LeaseOwner" = {Owner}, "LeaseExpiresAt" = {expires.UtcDateTime}
                WHERE "Id" = (
                    SELECT "Id" FROM jobs
                    WHERE "Kind" = ANY({kinds}) AND (("State" IN ('queued', 'failed') AND "RunAfter" <= {now.UtcDateTime})
                       OR ("State" = 'running' AND "LeaseExpiresAt" < {now.UtcDateTime}))
                    ORDER BY "RunAfter" LIMIT 1
                    FOR UPDATE SKIP LOCKED)
                RETURNING "Id" AS "Value"
                """).ToListAsync(ct)).Cast<Guid?>().FirstOrDefault();
        }
        else
        {
            id = null;
            for (var tries = 0; tries < 5 && id is null; tries++)
            {
                var candidate = await Claimable(db.Set<Job>(), kinds, now).OrderBy(j => j.RunAfter).Select(j => (Guid?)j.Id).FirstOrDefaultAsync(ct);
                if (candidate is null) return null;
                // Succeeds for exactly one claimer: the condition is re-checked under SQLite's write lock.
                var claimed = await Claimable(db.Set<Job>(), kinds, now).Where(j => j.Id == candidate)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(j => j.State, JobState.Running)
                        .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                        .SetProperty(j => j.LeaseOwner, Owner)
                        .SetProperty(j => j.LeaseExpiresAt, expires), ct);
                if (claimed == 1) id = candidate;
            }
        }
        return id is { } claimedId ? await db.Set<Job>().AsNoTracking().FirstAsync(j => j.Id == claimedId, ct) : null;
    }

    private static IQueryable<Job> Claimable(IQueryable<Job> jobs, string[] kinds, DateTimeOffset now) =>
        jobs.Where(j => kinds.Contains(j.Kind) && (((j.State == JobState.Queued || j.State == JobState.Failed) && j.RunAfter <= now)
                                                   || (j.State == JobState.Running && j.LeaseExpiresAt < now)));

    private async Task RunClaimedAsync(Job job, CancellationToken stopping)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var leaseLost = false;
        var heartbeat = HeartbeatAsync(job.Id, () => { leaseLost = true; run.Cancel(); }, run.Token);
        try
        {
            await _handlers[job.Kind].RunAsync(new JobContext(job.Id, job.Kind, job.Payload, job.Attempts, job.MaxAttempts), run.Token);
            await run.CancelAsync();
            await FinishAsync(job, JobState.Succeeded, null, null, CancellationToken.None);
            StewardMetrics.JobsSucceeded.Add(1);
        }
        catch (OperationCanceledException) when (leaseLost)
        {
            LogLeaseLost(logger, job.Id, job.Kind);
        }
        catch (Exception e) when (stopping.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException)
        {
            // Shutting down (also before the host started, when its services are disposed under the job) is not the
            // job's fault: give it back at once, without counting the attempt; if even that cannot be done, its lease expires.
            await ReleaseAsync(job.Id);
        }
        catch (Exception e)
        {
            await run.CancelAsync();
            StewardMetrics.JobsFailed.Add(1);
            var error = e is StewardException ? e.Message : $"{e.GetType().Name} (see the node's log)";
            // The exception's message may quote data the handler touched: only its type and stack reach the log.
            if (e is not StewardException) LogFailed(logger, job.Id, job.Kind, job.Attempts, e.GetType().FullName ?? "", e.StackTrace ?? "");
            if (job.Attempts >= job.MaxAttempts)
            {
                await FinishAsync(job, JobState.Dead, error, null, CancellationToken.None);
                LogDead(logger, job.Id, job.Kind, job.Attempts);
            }
            else
            {
                await FinishAsync(job, JobState.Failed, error, time.GetUtcNow() + RetryDelay(job.Attempts), CancellationToken.None);
            }
        }
        finally
        {
            // The heartbeat ends with the run (cancelled), or cancelled the run itself when it could not renew the lease in time.
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The back-off after failed attempt <paramref name="attempt"/>: RetryDelay doubled per attempt, capped, with "equal jitter" (half fixed, half random) so failing jobs of many nodes spread out.</summary>
    internal TimeSpan RetryDelay(int attempt)
    {
        var full = Math.Min(MaxRetryDelay.Ticks, options.Value.RetryDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromTicks((long)(full / 2 + Random.Shared.NextDouble() * full / 2));
    }

    private async Task HeartbeatAsync(Guid id, Action lost, CancellationToken ct)
    {
        var every = options.Value.LeaseDuration / 3;
        var heldUntil = time.GetUtcNow() + options.Value.LeaseDuration;
        while (true)
        {
            await Task.Delay(every, time, ct);
            var expires = time.GetUtcNow() + options.Value.LeaseDuration;
            int renewed;
            try
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                renewed = await db.Set<Job>().Where(j => j.Id == id && j.LeaseOwner == Owner && j.State == JobState.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, expires), ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // The database is unreachable for now: keep running while the lease still holds, but stop before it lapses,
                // or another node would take the job over while this one is still at work.
                LogHeartbeatFailed(logger, id, e.GetType().Name);
                if (time.GetUtcNow() + every >= heldUntil)
                {
                    lost();
                    return;
                }
                continue;
            }
            if (renewed == 0)
            {
                lost();
                return;
            }
            heldUntil = expires;
        }
    }

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Renewing the lease of job {JobId} failed ({Error}); the job stops before the lease lapses unless a renewal succeeds")]
    private static partial void LogHeartbeatFailed(ILogger logger, Guid jobId, string error);

    /// <summary>Records the outcome, only while this node still holds the lease (a node that lost it must not overwrite the new owner's run).</summary>
    private async Task FinishAsync(Job job, JobState state, string? error, DateTimeOffset? runAfter, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var finished = state is JobState.Succeeded or JobState.Dead ? now : (DateTimeOffset?)null;
        var message = error is { Length: > 500 } ? error[..500] : error;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<Job>().Where(j => j.Id == job.Id && j.LeaseOwner == Owner && j.State == JobState.Running)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(j => j.State, state)
                    .SetProperty(j => j.LeaseOwner, (string?)null)
                    .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(j => j.FinishedAt, finished);
                if (state != JobState.Succeeded) s.SetProperty(j => j.LastError, message);
                if (runAfter is { } next) s.SetProperty(j => j.RunAfter, next);
            }, ct);
    }

    private async Task ReleaseAsync(Guid id)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            await db.Set<Job>().Where(j => j.Id == id && j.LeaseOwner == Owner && j.State == JobState.Running)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.State, JobState.Queued)
                    .SetProperty(j => j.Attempts, j => j.Attempts - 1)
                    .SetProperty(j => j.LeaseOwner, (string?)null)
                    .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null));
        }
        catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException)
        {
            // The lease lapses on its own; another node takes the job over then.
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) is dead after {Attempts} attempts; 'steward jobs retry' runs it again")]
    private static partial void LogDead(ILogger logger, Guid jobId, string kind, int attempts);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) attempt {Attempt} failed: {ExceptionType} {StackTrace}")]
    private static partial void LogFailed(ILogger logger, Guid jobId, string kind, int attempt, string exceptionType, string stackTrace);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) lost its lease to another node; stopped")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId, string kind);
}
