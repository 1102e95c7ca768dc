using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>An event to append: who did what to which thing, with facts (no secrets) as details.</summary>
public sealed record AuditEvent(string Actor, string Action, string Target, object? Details = null);

/// <summary>
/// Appends events to the hash-chained audit log. Concurrent callers are group-committed: whoever
/// holds the writer turn writes every queued event in one transaction, so the lock is held for one
/// round of I/O per batch, not per request.
/// </summary>
public sealed class AuditLog(IDbContextFactory<StewardDbContext> contexts, TimeProvider time) : IDisposable
{
    /// <summary>Hash that the first entry points back to.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _turn = new(1, 1);

    public void Dispose() => _turn.Dispose();

    private sealed record Pending(AuditEvent Event, TaskCompletionSource<AuditEntry> Done);

    public async Task<AuditEntry> AppendAsync(AuditEvent auditEvent, CancellationToken ct = default)
    {
        var pending = new Pending(auditEvent, new TaskCompletionSource<AuditEntry>(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Enqueue(pending);
        // Not cancellable once queued: another caller may already be writing this event.
        await _turn.WaitAsync(CancellationToken.None);
        try
        {
            if (!pending.Done.Task.IsCompleted) await WriteQueuedAsync();
        }
        finally
        {
            _turn.Release();
        }
        return await pending.Done.Task.WaitAsync(ct);
    }

    private async Task WriteQueuedAsync()
    {
        var batch = new List<Pending>();
        while (_queue.TryDequeue(out var p)) batch.Add(p);
        if (batch.Count == 0) return;
        try
        {
            var entries = await WriteBatchAsync(batch.Select(b => b.Event).ToList());
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(entries[i]);
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Done.TrySetException(e);
        }
    }

    /// <summary>
    /// Appends within the caller's open transaction, so a change and its audit entry commit together
    /// or not at all. The caller saves and commits.
    /// </summary>
    public async Task<AuditEntry> AppendWithinAsync(StewardDbContext db, AuditEvent auditEvent, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("AppendWithinAsync needs the caller's transaction.");
        return (await AddEntriesAsync(db, [auditEvent], ct))[0];
    }

    private async Task<List<AuditEntry>> WriteBatchAsync(List<AuditEvent> events)
    {
        await using var db = await contexts.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var entries = await AddEntriesAsync(db, events, CancellationToken.None);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return entries;
    }

    /// <summary>Links the events to the newest entry and adds them to the context; the transaction orders writers.</summary>
    private async Task<List<AuditEntry>> AddEntriesAsync(StewardDbContext db, List<AuditEvent> events, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            // Orders writers of several nodes sharing one PostgreSQL; SQLite's write transaction already does.
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7305150019)", ct);
        }
        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        var sequence = last?.Sequence ?? 0;
        var previous = last?.Hash ?? GenesisHash;
        var now = TruncateToMicroseconds(time.GetUtcNow());
        var entries = new List<AuditEntry>(events.Count);
        foreach (var ev in events)
        {
            var entry = new AuditEntry
            {
                Sequence = ++sequence,
                Timestamp = now,
                Actor = ev.Actor,
                Action = ev.Action,
                Target = ev.Target,
                Details = ev.Details is null ? "{}" : JsonSerializer.Serialize(ev.Details, DetailsJson),
                PreviousHash = previous,
                Hash = "",
            };
            entry.Hash = ComputeHash(entry);
            previous = entry.Hash;
            entries.Add(entry);
        }
        db.AuditEntries.AddRange(entries);
        Hosting.Telemetry.StewardMetrics.AuditAppends.Add(entries.Count);
        return entries;
    }

    /// <summary>PostgreSQL keeps microseconds; hashing must see what the database gives back.</summary>
    internal static DateTimeOffset TruncateToMicroseconds(DateTimeOffset t) =>
        new DateTimeOffset(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    /// <summary>SHA-256 over every field but the hash itself, each length-prefixed so fields cannot bleed into each other.</summary>
    public static string ComputeHash(AuditEntry e)
    {
        var sb = new StringBuilder();
        void Field(string value) => sb.Append(value.Length).Append(':').Append(value).Append('\n');
        Field(e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(e.Timestamp.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(e.Actor);
        Field(e.Action);
        Field(e.Target);
        Field(e.Details);
        Field(e.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
