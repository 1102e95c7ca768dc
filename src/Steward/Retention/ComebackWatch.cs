using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Hosting;
using Steward.Connectors;
using Steward.Jobs;
using Steward.People;
using Steward.People.Erasures;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.Retention;

/// <summary>
/// <c>erasures.watch</c>, daily inside <c>serve</c>: looks for erased people who came back in the company's databases. Every
/// declared identity field of every connected collection is read (distinct values, streamed), each value normalised as
/// its identity type and its blind index compared with the tombstones' — the same comparison as for a new subject in
/// Steward, so no identifier is ever held in clear beyond the row being read. A match is a finding for staff
/// (<c>steward erasures findings</c>), once per tombstone and place, audited with ids and the place only; nothing is
/// erased. Fields kept under a legal duty and collections under a legal hold keep the identity on purpose: not watched.
/// </summary>
internal sealed class ComebackWatch(IDbContextFactory<StewardDbContext> contexts, DatasetStore datasets, ConnectionDirectory connections, LegalHolds holds,
    KeyRing ring, AuditLog audit, TimeProvider time) : IJobHandler
{
    public const string JobKind = "erasures.watch";
    public const string Actor = "steward:erasures";

    public string Kind => JobKind;

    public Task RunAsync(JobContext context, CancellationToken ct) => WatchAsync(ct);

    /// <summary>Runs the watch; returns how many new findings it made.</summary>
    public async Task<int> WatchAsync(CancellationToken ct)
    {
        // Tombstone hashes by type, key version and hash (hex): the tombstone they belong to.
        Dictionary<(IdentityType, int), Dictionary<string, Guid>> tombstones;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            tombstones = (await db.Set<ErasureTombstoneHash>().AsNoTracking().Select(h => new { h.Type, h.Version, h.Hash, h.TombstoneId }).ToListAsync(ct))
                .GroupBy(h => (h.Type, h.Version))
                .ToDictionary(g => g.Key, g => g.GroupBy(h => Convert.ToHexString(h.Hash)).ToDictionary(x => x.Key, x => x.First().TombstoneId, StringComparer.Ordinal));
        if (tombstones.Count == 0) return 0;
        var keys = new Dictionary<int, ManagedKey>();
        foreach (var version in tombstones.Keys.Select(k => k.Item2).Distinct())
            if (await ring.FindAsync(BlindIndex.Purpose, version, ct) is { } key) keys[version] = key;
        var held = await holds.InForceAsync(ct);
        var found = new List<(Guid Tombstone, IdentityType Type, string Location)>();
        foreach (var dataset in await datasets.LoadAsync(ct))
        {
            var fields = dataset.Definition.Collections
                .Where(c => held.OnCollection(dataset.ConnectionName, c.Name) is null)
                .SelectMany(c => c.Fields.Where(f => f.RetainReason is null).Select(f => (Collection: c.Name, Field: f, Type: IdentityTypes.TryParse(f.Identity ?? "", out var t) ? t : (IdentityType?)null)))
                .Where(x => x.Type is not null)
                .ToList();
            if (fields.Count == 0) continue;
            try
            {
                await WatchDatasetAsync(dataset.ConnectionName, fields, tombstones, keys, found, ct);
            }
            catch (DbException e)
            {
                // Named without a value: the findings made so far are kept, the next watch tries again.
                await RecordAsync(found, ct);
                throw new StewardException($"Connection '{dataset.ConnectionName}' could not be read for erased people who came back: {ConnectionDirectory.Reason(e)}.");
            }
        }
        return await RecordAsync(found, ct);
    }

    /// <summary>One connection's declared identity fields, compared value by value with the tombstones; matches go to <paramref name="found"/>.</summary>
    private async Task WatchDatasetAsync(string connectionName, List<(string Collection, DatasetField Field, IdentityType? Type)> fields,
        Dictionary<(IdentityType, int), Dictionary<string, Guid>> tombstones, Dictionary<int, ManagedKey> keys, List<(Guid, IdentityType, string)> found, CancellationToken ct)
    {
        var database = (await connections.GetAsync(connectionName, ct)).Database;
        await using var connection = await database.OpenAsync(ct);
        foreach (var (collection, field, identityType) in fields)
        {
            var type = identityType!.Value;
            var versions = tombstones.Keys.Where(k => k.Item1 == type).Select(k => k.Item2).Where(keys.ContainsKey).ToList();
            if (versions.Count == 0) continue;
            var location = $"{connectionName}:{collection}.{field.Name}";
            await foreach (var raw in DistinctValuesAsync(connection, collection, field.Name, ct))
            {
                if (IdentityNormalisation.Parse(type, raw).Identity is not { } identity) continue;
                foreach (var version in versions)
                    if (tombstones[(type, version)].TryGetValue(Convert.ToHexString(BlindIndex.Of(keys[version], identity).Value), out var stone))
                        found.Add((stone, type, location));
            }
        }
    }

    private static async IAsyncEnumerable<string> DistinctValuesAsync(DbConnection connection, string table, string column, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        var (t, c) = (ConnectedDatabase.Quote(table), ConnectedDatabase.Quote(column));
        command.CommandText = $"SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) is { Length: > 0 } value) yield return value;
    }

    /// <summary>New findings only: a tombstone seen again at the same place was flagged before.</summary>
    private async Task<int> RecordAsync(List<(Guid Tombstone, IdentityType Type, string Location)> found, CancellationToken ct)
    {
        var made = 0;
        foreach (var (stone, type, location) in found.Distinct())
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            if (await db.Set<ComebackFinding>().AnyAsync(f => f.TombstoneId == stone && f.Location == location, ct)) continue;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = time.GetUtcNow();
            var finding = new ComebackFinding { Id = Guid.CreateVersion7(now), TombstoneId = stone, Location = location, Type = type, FoundAt = now };
            db.Add(finding);
            await audit.AppendWithinAsync(db, new AuditEvent(Actor, "people.erased-comeback", $"tombstone:{stone:D}",
                new { finding = finding.Id, place = location, type = IdentityTypes.Name(type) }), ct);
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                made++;
            }
            catch (DbUpdateException)
            {
                // Another watch (the CLI and the daily job) flagged the same place at the same moment: one finding is kept.
            }
        }
        return made;
    }
}
