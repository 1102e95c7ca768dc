using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>An event to append: who did what to which thing, with facts (no secrets) as details.</summary>
internal sealed record AuditEvent(string Actor, string Action, string Target, object? Details = null);

/// <summary>
/// Appends events to the audit log. An entry is inserted unchained, with its own MAC, in the writer's
/// transaction: writers take no lock and never read the tail, so audited writes do not wait for each
/// other. <see cref="AuditChainer"/> later links entries into the chain. Concurrent
/// <see cref="AppendAsync"/> callers are group-committed (one transaction per batch of waiting events).
/// </summary>
internal sealed class AuditLog : IDisposable
{
    /// <summary>Key purpose of the MACs (entry and chain).</summary>
    public const string MacKeyPurpose = "audit.mac";

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);
    private readonly IDbContextFactory<StewardDbContext> _contexts;
    private readonly KeyRing _keys;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Channel<bool> _appended = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly ILogger _logger;

    internal AuditLog(IDbContextFactory<StewardDbContext> contexts, KeyRing keys, TimeProvider time, ILogger<AuditLog> logger)
    {
        _contexts = contexts;
        _keys = keys;
        _time = time;
        _logger = logger;
    }

    public void Dispose() => _turn.Dispose();

    /// <summary>Completes when something was appended since the last read; wakes the chainer of this process.</summary>
    internal ChannelReader<bool> Appended => _appended.Reader;

    private sealed record Pending(AuditEvent Event, TaskCompletionSource<AuditEntry> Done);

    /// <summary>
    /// Creates the MAC key before any writer needs it: a writer asks for it inside its open transaction,
    /// where creating it (another write, on another connection) would wait for that very transaction on SQLite.
    /// Then seals entries written before the log was authenticated (<see cref="AuditLegacySeal"/>).
    /// </summary>
    public async Task PrepareAsync(CancellationToken ct)
    {
        var key = await _keys.CurrentAsync(MacKeyPurpose, ct);
        if (await AuditLegacySeal.SealAsync(_contexts, key, _time, _logger, ct) > 0) _appended.Writer.TryWrite(true);
    }

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
            await using var db = await _contexts.CreateDbContextAsync();
            var entries = new List<AuditEntry>(batch.Count);
            foreach (var p in batch) entries.Add(await AddEntryAsync(db, p.Event, CancellationToken.None));
            await db.SaveChangesAsync();
            _appended.Writer.TryWrite(true);
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(entries[i]);
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Done.TrySetException(e);
        }
    }

    /// <summary>
    /// Appends within the caller's open transaction, so a change and its audit entry commit together
    /// or not at all. The caller saves and commits. Takes no lock: the entry is chained later.
    /// </summary>
    public async Task<AuditEntry> AppendWithinAsync(StewardDbContext db, AuditEvent auditEvent, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("AppendWithinAsync needs the caller's transaction.");
        var entry = await AddEntryAsync(db, auditEvent, ct);
        // Before the commit, so the chainer may find nothing yet; it polls as well.
        _appended.Writer.TryWrite(true);
        return entry;
    }

    private async Task<AuditEntry> AddEntryAsync(StewardDbContext db, AuditEvent ev, CancellationToken ct)
    {
        var key = await _keys.CurrentAsync(MacKeyPurpose, ct);
        var now = _time.GetUtcNow();
        var entry = new AuditEntry
        {
            EntryId = Guid.CreateVersion7(now),
            Timestamp = AuditEntryEncoding.TruncateToMicroseconds(now),
            Actor = ev.Actor,
            Action = ev.Action,
            Target = ev.Target,
            Details = ev.Details is null ? "{}" : JsonSerializer.Serialize(ev.Details, DetailsJson),
            KeyVersion = key.Version,
            EntryMac = "",
        };
        entry.EntryMac = AuditEntryEncoding.EntryMac(entry, key.Material);
        db.AuditEntries.Add(entry);
        // Counted when added, so a transaction that rolls back afterwards is counted too.
        Hosting.Telemetry.StewardMetrics.AuditAppends.Add(1);
        return entry;
    }
}
