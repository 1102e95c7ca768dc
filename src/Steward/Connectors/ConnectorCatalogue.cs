using Microsoft.EntityFrameworkCore;
using Steward.Storage;

namespace Steward.Connectors;

/// <summary>Tells every node that connections or datasets changed: plans are then built from a fresh catalogue.</summary>
internal sealed class ConnectorChanges
{
    public const string Channel = "connectors.changed";
    private readonly ChangeNotifications _notifications;
    private long _version;

    public ConnectorChanges(ChangeNotifications notifications)
    {
        _notifications = notifications;
        notifications.Subscribe(Channel, _ => Bump());
    }

    public long Version => Interlocked.Read(ref _version);

    /// <summary>Forgets in this process at once (the notification reaches other nodes when the transaction commits).</summary>
    public void Bump() => Interlocked.Increment(ref _version);

    public Task PublishWithinAsync(StewardDbContext db, CancellationToken ct) => _notifications.PublishWithinAsync(db, Channel, "", ct);
}

/// <summary>The datasets (with their databases' foreign keys) and connections plans are built from.</summary>
internal sealed record CatalogueSnapshot(IReadOnlyList<LoadedDataset> Datasets, IReadOnlyList<ExternalTarget> External, IReadOnlyDictionary<string, OpenedConnection> Connections);

/// <summary>
/// Keeps the catalogue in memory between requests, so planning one costs no reads: dropped when a change is notified
/// (PostgreSQL), or when the change generation moved (SQLite, where another process such as the CLI may have changed it).
/// </summary>
internal sealed class ConnectorCatalogue(IDbContextFactory<StewardDbContext> contexts, DatasetStore datasets, ConnectionDirectory connections,
    ConnectorChanges changes, ChangeNotifications notifications)
{
    private sealed record Cached(CatalogueSnapshot Snapshot, long Version, long Generation);

    // Replaced whole, never changed in place: readers on other threads see the old catalogue or the new one.
    private volatile Cached? _cached;

    public async Task<CatalogueSnapshot> CurrentAsync(CancellationToken ct)
    {
        var version = changes.Version;
        var generation = await GenerationAsync(ct);
        if (_cached is { } c && c.Version == version && c.Generation == generation) return c.Snapshot;
        var loaded = await datasets.LoadAsync(ct, withForeignKeys: true);
        var all = await connections.ListAsync(ct);
        var opened = new Dictionary<string, OpenedConnection>(StringComparer.Ordinal);
        foreach (var name in loaded.Select(d => d.ConnectionName).Concat(all.Where(x => !ConnectionTypes.IsDatabase(x.Type)).Select(x => x.Name)).Distinct(StringComparer.Ordinal))
            opened[name] = await connections.GetAsync(name, ct);
        var snapshot = new CatalogueSnapshot(loaded, all.Where(x => !ConnectionTypes.IsDatabase(x.Type)).Select(x => new ExternalTarget(x.Name, x.Type)).ToList(), opened);
        _cached = new Cached(snapshot, version, generation);
        return snapshot;
    }

    private async Task<long> GenerationAsync(CancellationToken ct)
    {
        if (notifications.CrossProcess) return 0;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ChangeNotifications.GenerationAsync(db, ConnectorChanges.Channel, ct);
    }
}
