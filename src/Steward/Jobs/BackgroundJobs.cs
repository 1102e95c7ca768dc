using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Audit;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.Jobs;

/// <summary>What an enqueue did: a new job, or nothing because an open job with the same dedup key exists (its id).</summary>
internal sealed record EnqueueOutcome(Guid JobId, bool Created);

/// <summary>A job as operators see it.</summary>
public sealed record JobInfo(Guid Id, string Kind, JobState State, int Attempts, int MaxAttempts, DateTimeOffset RunAfter,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string? LastError);

/// <summary>Puts jobs in the queue, lists them and retries dead ones.</summary>
internal sealed class BackgroundJobs(IDbContextFactory<StewardDbContext> contexts, ChangeNotifications notifications, IOptions<JobOptions> options,
    AuditLog audit, TimeProvider time)
{
    /// <summary>Told when a job was enqueued, so idle workers wake without waiting for their poll.</summary>
    public const string EnqueuedChannel = "jobs.enqueued";
    internal static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);
    private const int MaxPayloadLength = 16_000;

    /// <summary>Enqueues a job of <paramref name="kind"/>. With a <paramref name="dedupKey"/>, nothing is added while an open job holds that key.</summary>
    public async Task<EnqueueOutcome> EnqueueAsync(string kind, object? payload = null, string? dedupKey = null,
        DateTimeOffset? runAfter = null, int? maxAttempts = null, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (dedupKey is not null && await OpenWithKeyAsync(db, dedupKey, ct) is { } existing) return new(existing, false);
        var job = NewJob(kind, payload, dedupKey, runAfter, maxAttempts);
        db.Add(job);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (dedupKey is not null)
        {
            // Another node enqueued the same key at the same moment: the unique index kept one.
            await using var again = await contexts.CreateDbContextAsync(ct);
            if (await OpenWithKeyAsync(again, dedupKey, ct) is { } winner) return new(winner, false);
            throw;
        }
        await notifications.PublishWithinAsync(db, EnqueuedChannel, "", ct);
        return new(job.Id, true);
    }

    /// <summary>
    /// Enqueues inside the caller's transaction, so the job exists exactly when the caller's change commits
    /// (call SaveChanges and commit yourself). A dedup key already held by an open job adds nothing.
    /// </summary>
    public async Task<EnqueueOutcome> EnqueueWithinAsync(StewardDbContext db, string kind, object? payload = null, string? dedupKey = null,
        DateTimeOffset? runAfter = null, int? maxAttempts = null, CancellationToken ct = default)
    {
        if (dedupKey is not null && await OpenWithKeyAsync(db, dedupKey, ct) is { } existing) return new(existing, false);
        var job = NewJob(kind, payload, dedupKey, runAfter, maxAttempts);
        db.Add(job);
        await notifications.PublishWithinAsync(db, EnqueuedChannel, "", ct);
        return new(job.Id, true);
    }

    /// <summary>The newest jobs first, optionally in one state.</summary>
    public async Task<List<JobInfo>> ListAsync(JobState? state, int limit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Set<Job>().AsNoTracking();
        if (state is { } s) query = query.Where(j => j.State == s);
        // Ids are version 7 GUIDs: their order is creation order on both databases.
        var rows = await query.OrderByDescending(j => j.Id).Take(limit).ToListAsync(ct);
        return rows.Select(ToInfo).ToList();
    }

    public async Task<JobInfo?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct) is { } job ? ToInfo(job) : null;
    }

    /// <summary>Queues a dead job again with fresh attempts; audited. Other states are refused.</summary>
    public async Task RetryAsync(Guid id, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var job = await db.Set<Job>().FirstOrDefaultAsync(j => j.Id == id, ct)
            ?? throw new StewardException($"There is no job {id}; 'steward jobs list' shows them.");
        if (job.State != JobState.Dead)
            throw new StewardException($"Job {id} is {Job.Name(job.State)}; only a dead job can be retried.");
        if (job.DedupKey is { } key && await OpenWithKeyAsync(db, key, ct) is { } open)
            throw new StewardException($"Job {open} of the same kind and key is already open; job {id} was not retried.");
        job.State = JobState.Queued;
        job.Attempts = 0;
        job.RunAfter = time.GetUtcNow();
        job.FinishedAt = null;
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "job.retried", $"job:{id}", new { kind = job.Kind }), ct);
        await db.SaveChangesAsync(ct);
        await notifications.PublishWithinAsync(db, EnqueuedChannel, "", ct);
        await tx.CommitAsync(ct);
    }

    private Job NewJob(string kind, object? payload, string? dedupKey, DateTimeOffset? runAfter, int? maxAttempts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        var json = payload is null ? "{}" : payload as string ?? JsonSerializer.Serialize(payload, PayloadJson);
        if (json.Length > MaxPayloadLength) throw new ArgumentException("A job payload carries ids, not documents.", nameof(payload));
        var now = time.GetUtcNow();
        return new Job
        {
            Id = Guid.CreateVersion7(now),
            Kind = kind,
            Payload = json,
            State = JobState.Queued,
            MaxAttempts = maxAttempts ?? options.Value.MaxAttempts,
            RunAfter = runAfter ?? now,
            DedupKey = dedupKey,
            CreatedAt = now,
        };
    }

    private static async Task<Guid?> OpenWithKeyAsync(StewardDbContext db, string key, CancellationToken ct) =>
        await db.Set<Job>().AsNoTracking().Where(j => j.DedupKey == key && Job.Open.Contains(j.State)).Select(j => (Guid?)j.Id).FirstOrDefaultAsync(ct);

    internal static JobInfo ToInfo(Job j) => new(j.Id, j.Kind, j.State, j.Attempts, j.MaxAttempts, j.RunAfter, j.CreatedAt, j.FinishedAt, j.LastError);
}
