using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Steward.Hosting;

namespace Steward.Storage;

/// <summary>
/// A change on <paramref name="Channel"/> (e.g. <c>policy.published</c>). <paramref name="Resync"/> means notifications may
/// have been missed (the listener reconnected): a subscriber must drop everything it cached from the database.
/// </summary>
internal sealed record ChangeNotification(string Channel, string Payload, bool Resync = false);

/// <summary>
/// Tells every node that something cached in memory changed. On PostgreSQL it is LISTEN/NOTIFY (one listening
/// connection per node, see <see cref="PostgresChangeListener"/>), so a notification sent inside a transaction is
/// delivered only when it commits. On SQLite it is in-process, and a notification sent inside a transaction is
/// delivered after the commit too (see <see cref="AfterCommitDelivery"/>); SQLite is one node, so there is nobody else to tell.
/// </summary>
internal sealed class ChangeNotifications(StorageConnection storage)
{
    /// <summary>The one PostgreSQL channel; the payload carries Steward's channel name and the message.</summary>
    internal const string PostgresChannel = "steward_changes";
    private const int MaxPayloadLength = 4000; // NOTIFY payloads must stay under 8000 bytes

    private readonly ConcurrentDictionary<string, ImmutableSubscribers> _subscribers = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<DbTransaction, List<ChangeNotification>> _pending = new();
    private readonly ConcurrentDictionary<string, long> _ownChanges = new(StringComparer.Ordinal);

    /// <summary>The channels someone in this process listens to.</summary>
    internal IReadOnlyCollection<string> SubscribedChannels => _subscribers.Where(s => s.Value.Handlers.Length > 0).Select(s => s.Key).ToList();

    /// <summary>How many changes this process published on <paramref name="channel"/> and committed (SQLite).</summary>
    internal long OwnChanges(string channel) => _ownChanges.GetValueOrDefault(channel);

    /// <summary>Tells the subscribers of one channel that changes were made that they did not hear of.</summary>
    internal void Resync(string channel)
    {
        if (_subscribers.TryGetValue(channel, out var subscribers)) Call(subscribers, new ChangeNotification(channel, "", Resync: true));
    }

    /// <summary>True when notifications reach other processes (PostgreSQL); false on SQLite, where readers must check the database themselves.</summary>
    public bool CrossProcess => storage.Provider == StorageProviders.Postgres;

    /// <summary>Calls <paramref name="handler"/> for each notification on <paramref name="channel"/>, and for every resync. Dispose to stop.</summary>
    public IDisposable Subscribe(string channel, Action<ChangeNotification> handler)
    {
        _subscribers.AddOrUpdate(channel, _ => new([handler]), (_, s) => new([.. s.Handlers, handler]));
        return new Subscription(this, channel, handler);
    }

    /// <summary>Sends now (outside any transaction).</summary>
    public async Task PublishAsync(IDbContextFactory<StewardDbContext> contexts, string channel, string payload, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await PublishWithinAsync(db, channel, payload, ct);
    }

    /// <summary>Sends with <paramref name="db"/>'s transaction: delivered when it commits, never if it rolls back (at once when there is none).</summary>
    public async Task PublishWithinAsync(StewardDbContext db, string channel, string payload, CancellationToken ct)
    {
        var message = channel + "\n" + payload;
        if (message.Length > MaxPayloadLength) throw new ArgumentException("A change notification carries ids, not documents.", nameof(payload));
        if (CrossProcess)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({PostgresChannel}, {message})", ct);
            return;
        }
        // Another process on the same SQLite file (the CLI) cannot hear this; the generation lets it be noticed by polling.
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO change_generations (channel, generation) VALUES ({channel}, 1) ON CONFLICT (channel) DO UPDATE SET generation = generation + 1", ct);
        if (db.Database.CurrentTransaction?.GetDbTransaction() is { } tx) _pending.GetOrCreateValue(tx).Add(new(channel, payload));
        else Deliver(new ChangeNotification(channel, payload));
    }

    /// <summary>
    /// How many changes were published on <paramref name="channel"/> (SQLite only; 0 before the first): a process that
    /// polls it sees changes other processes made to the same file.
    /// </summary>
    public static async Task<long> GenerationAsync(StewardDbContext db, string channel, CancellationToken ct) =>
        await db.Set<ChangeGeneration>().Where(g => g.Channel == channel).Select(g => (long?)g.Generation).FirstOrDefaultAsync(ct) ?? 0;

    /// <summary>Tells every subscriber that notifications may have been missed.</summary>
    internal void Resync()
    {
        foreach (var (channel, subscribers) in _subscribers)
            Call(subscribers, new ChangeNotification(channel, "", Resync: true));
    }

    /// <summary>A raw PostgreSQL payload: "channel\npayload".</summary>
    internal void DeliverRaw(string message)
    {
        var split = message.IndexOf('\n', StringComparison.Ordinal);
        if (split > 0) Deliver(new ChangeNotification(message[..split], message[(split + 1)..]));
    }

    internal void Deliver(ChangeNotification notification)
    {
        // On SQLite every local delivery is one of this process's own bumps of the channel's generation (see SqliteChangePoller).
        if (!CrossProcess) _ownChanges.AddOrUpdate(notification.Channel, 1, (_, n) => n + 1);
        if (_subscribers.TryGetValue(notification.Channel, out var subscribers)) Call(subscribers, notification);
    }

    internal void Committed(DbTransaction tx)
    {
        if (!_pending.TryGetValue(tx, out var list)) return;
        _pending.Remove(tx);
        foreach (var n in list) Deliver(n);
    }

    internal void RolledBack(DbTransaction tx) => _pending.Remove(tx);

    private static void Call(ImmutableSubscribers subscribers, ChangeNotification notification)
    {
        // A subscriber only drops a cache; one that throws must not keep the others from hearing.
        foreach (var handler in subscribers.Handlers)
        {
            try { handler(notification); }
            catch (Exception) { /* the subscriber's own defect; the next read reloads from the database */ }
        }
    }

    private sealed record ImmutableSubscribers(Action<ChangeNotification>[] Handlers);

    private sealed class Subscription(ChangeNotifications owner, string channel, Action<ChangeNotification> handler) : IDisposable
    {
        public void Dispose() => owner._subscribers.AddOrUpdate(channel, _ => new([]),
            (_, s) => new(s.Handlers.Where(h => h != handler).ToArray()));
    }
}

/// <summary>Delivers in-process notifications sent inside a transaction once it commits (SQLite; PostgreSQL's NOTIFY does this itself).</summary>
internal sealed class AfterCommitDelivery(ChangeNotifications notifications) : DbTransactionInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        notifications.Committed(transaction);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        notifications.Committed(transaction);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        notifications.RolledBack(transaction);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        notifications.RolledBack(transaction);
        return Task.CompletedTask;
    }
}

/// <summary>Payloads that name people: their ids (N format, comma-separated), or <c>*</c> for everyone when there are many.</summary>
internal static class SubjectIdsPayload
{
    /// <summary>Over this many, "everyone": NOTIFY payloads must stay under 8000 bytes.</summary>
    public const int MaxIds = 100;

    public static string Of(IReadOnlyCollection<Guid> ids) => ids.Count > MaxIds ? "*" : string.Join(',', ids.Select(i => i.ToString("N")));

    /// <summary>The ids a notification names, or null when it concerns everyone (many people, or a resync).</summary>
    public static IEnumerable<Guid>? Read(ChangeNotification n) => n.Resync || n.Payload == "*" ? null
        : n.Payload.Split(',').Select(p => Guid.TryParseExact(p, "N", out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty);
}

/// <summary>A count of the changes published on one channel, kept on SQLite so that other processes can poll it.</summary>
internal sealed class ChangeGeneration
{
    public required string Channel { get; init; }
    public long Generation { get; init; }
}

internal sealed class ChangeGenerationConfiguration : IEntityTypeConfiguration<ChangeGeneration>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<ChangeGeneration> e)
    {
        e.ToTable("change_generations");
        e.HasKey(x => x.Channel);
        e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(100);
        e.Property(x => x.Generation).HasColumnName("generation");
    }
}

/// <summary>
/// SQLite is one node, but the CLI can change the same file while <c>serve</c> runs, and it cannot notify the server.
/// Once a second this compares each subscribed channel's change generation with the changes this process made
/// itself; when someone else changed something, the channel's subscribers get a resync and drop what they cached.
/// </summary>
internal sealed partial class SqliteChangePoller(ChangeNotifications notifications, IDbContextFactory<StewardDbContext> contexts,
    ILogger<SqliteChangePoller> logger) : BackgroundService
{
    private readonly Dictionary<string, (long Generation, long Own)> _seen = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (notifications.CrossProcess) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                try
                {
                    await PollAsync(stoppingToken);
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
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A busy file: try again next second; meanwhile this process's own changes still notify.
                    PollFailed(logger, e.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, possibly before the host started (e.g. its port was taken): not a failure.
        }
    }

    /// <summary>One comparison of every subscribed channel (public for tests, which do not wait for the timer).</summary>
    public async Task PollAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        foreach (var channel in notifications.SubscribedChannels)
        {
            // Own changes counted before the read: one committed in between looks foreign, which costs a resync, never a miss.
            var own = notifications.OwnChanges(channel);
            var generation = await ChangeNotifications.GenerationAsync(db, channel, ct);
            // A channel seen for the first time gained its subscriber since the last poll, which may have cached something
            // changed meanwhile: it cannot be told apart, so it is resynced too.
            if (!_seen.TryGetValue(channel, out var seen) || generation - seen.Generation > own - seen.Own) notifications.Resync(channel);
            _seen[channel] = (generation, own);
        }
    }

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Could not compare the change generations ({Error}); trying again in a second")]
    private static partial void PollFailed(ILogger logger, string error);
}
