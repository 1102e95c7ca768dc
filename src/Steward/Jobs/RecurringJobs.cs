using Microsoft.EntityFrameworkCore;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.Jobs;

/// <summary>A job that runs every <paramref name="Interval"/>, registered with <c>services.AddRecurringJob&lt;THandler&gt;(interval)</c>.</summary>
internal sealed record RecurringJob(Type Handler, TimeSpan Interval);

/// <summary>
/// Enqueues each occurrence of the recurring jobs exactly once across nodes. Occurrences start at multiples of
/// the interval since the Unix epoch (a daily job at midnight UTC). Under a lock (an advisory lock on PostgreSQL,
/// the single writer on SQLite) a node enqueues the occurrence only when no job of that kind exists from this
/// occurrence on; the dedup key (the kind) also keeps a second one from being queued while one is still open,
/// so a slow or failing run is not piled on.
/// </summary>
internal sealed class RecurringJobs(IEnumerable<RecurringJob> schedules, IEnumerable<IJobHandler> handlers, BackgroundJobs jobs,
    IDbContextFactory<StewardDbContext> contexts, StorageConnection storage, TimeProvider time)
{
    private readonly (string Kind, TimeSpan Interval)[] _schedules = schedules
        .Select(s => (handlers.First(h => h.GetType() == s.Handler).Kind, s.Interval)).ToArray();
    // Ticks of one node may overlap (the worker's and a verb's), so the memo is concurrent.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _checkedUntil = new(StringComparer.Ordinal);

    public async Task EnqueueDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var (kind, interval) in _schedules)
        {
            // This node already saw this occurrence enqueued; no database work until the next one.
            if (_checkedUntil.TryGetValue(kind, out var until) && now < until) continue;
            var occurrence = OccurrenceAt(now, interval);
            await EnqueueOccurrenceAsync(kind, occurrence, ct);
            _checkedUntil[kind] = occurrence + interval;
        }
    }

    /// <summary>The start of the occurrence that <paramref name="now"/> falls in.</summary>
    public static DateTimeOffset OccurrenceAt(DateTimeOffset now, TimeSpan interval) =>
        new(now.UtcTicks - now.UtcTicks % interval.Ticks, TimeSpan.Zero);

    private async Task EnqueueOccurrenceAsync(string kind, DateTimeOffset occurrence, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (storage.Provider == StorageProviders.Postgres)
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({"steward.jobs.recurring:" + kind}))", ct);
        var done = await db.Set<Job>().AnyAsync(j => j.Kind == kind && (j.RunAfter >= occurrence || Job.Open.Contains(j.State)), ct);
        if (done) return;
        await jobs.EnqueueWithinAsync(db, kind, null, dedupKey: kind, ct: ct);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same kind was queued at this moment by another path (the audit log asks for a checkpoint on a burst):
            // the unique dedup key kept one, which is all this occurrence needs.
        }
    }
}
