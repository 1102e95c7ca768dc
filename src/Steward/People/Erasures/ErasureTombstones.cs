using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Hosting;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.People.Erasures;

/// <summary>A tombstone as it is journalled and replayed: the subject id, when, and its identities' blind indexes.</summary>
internal sealed record TombstoneRecord(Guid SubjectId, DateTimeOffset ErasedAt, IReadOnlyList<TombstoneHash> Hashes);

/// <summary>One blind index: the identity type's stored name, the key version and the HMAC.</summary>
internal sealed record TombstoneHash(string Type, int Version, byte[] Hash);

/// <summary>
/// Writes a tombstone when a subject is erased (in the erasure's transaction) and, on the embedded default, appends it to an
/// append-only journal in the data directory, which survives a restore of an older database file. On PostgreSQL the
/// <c>erasure_tombstones</c> table is the record (kept by the database's own backups and point-in-time recovery).
/// Also flags a new subject whose identity matches a tombstone.
/// </summary>
internal sealed class ErasureTombstones(IDbContextFactory<StewardDbContext> contexts, StorageConnection storage, AuditLog audit, TimeProvider time)
{
    public const string JournalFileName = "erasures.journal";
    private static readonly Lock JournalGate = new();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The journal file, or null on PostgreSQL.</summary>
    public string? JournalPath => storage.Provider == StorageProviders.Sqlite ? Path.Combine(storage.DataDirectory, JournalFileName) : null;

    /// <summary>Records the tombstone of <paramref name="subjectId"/> from its identities, before they are deleted in the same transaction.</summary>
    public static async Task<TombstoneRecord> WriteWithinAsync(StewardDbContext db, Guid subjectId, DateTimeOffset erasedAt, CancellationToken ct)
    {
        var hashes = await db.Set<SubjectIdentity>().AsNoTracking().Where(i => i.SubjectId == subjectId)
            .Select(i => new { i.Type, i.BlindIndexVersion, i.BlindIndex }).ToListAsync(ct);
        var record = new TombstoneRecord(subjectId, erasedAt, hashes.Select(h => new TombstoneHash(IdentityTypes.Name(h.Type), h.BlindIndexVersion, h.BlindIndex)).ToList());
        Add(db, record);
        return record;
    }

    /// <summary>Adds <paramref name="record"/> to the context (a replay restoring a tombstone the database lacks).</summary>
    public static void Add(StewardDbContext db, TombstoneRecord record)
    {
        var id = Guid.CreateVersion7(record.ErasedAt);
        db.Set<ErasureTombstone>().Add(new ErasureTombstone { Id = id, SubjectId = record.SubjectId, ErasedAt = record.ErasedAt });
        foreach (var h in record.Hashes)
            db.Set<ErasureTombstoneHash>().Add(new ErasureTombstoneHash
            {
                Id = Guid.CreateVersion7(record.ErasedAt),
                TombstoneId = id,
                Type = IdentityTypes.TryParse(h.Type, out var type) ? type : throw new StewardException($"A tombstone of subject {record.SubjectId} has an unknown identity type."),
                Version = h.Version,
                Hash = h.Hash,
            });
    }

    /// <summary>Appends a committed tombstone to the journal (embedded default), flushed to disk; the file is owner-only.</summary>
    public void AppendToJournal(TombstoneRecord record)
    {
        if (JournalPath is not { } path) return;
        var line = ToLines([record]);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = DataDirectory.OwnerReadWrite;
        lock (JournalGate)
        {
            using var stream = new FileStream(path, options);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(line));
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Every tombstone in the journal, in order; a torn last line (a crash mid-append) is skipped.</summary>
    public IReadOnlyList<TombstoneRecord> ReadJournal() => JournalPath is { } path && File.Exists(path) ? Read(path) : [];

    /// <summary>Tombstones as JSON lines, the journal's format (also what <c>steward erasures export</c> writes).</summary>
    public static string ToLines(IEnumerable<TombstoneRecord> records) => string.Concat(records.Select(r => JsonSerializer.Serialize(r, Json) + "\n"));

    /// <summary>Tombstones from a file of JSON lines; a line that is not one is an error naming it.</summary>
    public static IReadOnlyList<TombstoneRecord> Read(string path)
    {
        var records = new List<TombstoneRecord>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            try
            {
                var record = JsonSerializer.Deserialize<TombstoneRecord>(line, Json);
                if (record is not { Hashes: not null } || record.SubjectId == Guid.Empty
                    || record.Hashes.Any(h => h is null || !IdentityTypes.TryParse(h.Type, out _) || h.Hash is null)) throw new JsonException();
                records.Add(record);
            }
            catch (JsonException) when (!line.EndsWith('}'))
            {
                // Torn by a crash while appending: the tombstone is in the database that committed it.
            }
            catch (JsonException)
            {
                throw new StewardException($"{path}:{lineNumber}:1: not a tombstone (a JSON line with subjectId, erasedAt and hashes).");
            }
        }
        return records;
    }

    /// <summary>Every tombstone in the database.</summary>
    public async Task<IReadOnlyList<TombstoneRecord>> ReadDatabaseAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var stones = await db.Set<ErasureTombstone>().AsNoTracking().OrderBy(t => t.Id).ToListAsync(ct);
        var hashes = (await db.Set<ErasureTombstoneHash>().AsNoTracking().ToListAsync(ct)).ToLookup(h => h.TombstoneId);
        return stones.Select(t => new TombstoneRecord(t.SubjectId, t.ErasedAt,
            hashes[t.Id].Select(h => new TombstoneHash(IdentityTypes.Name(h.Type), h.Version, h.Hash)).ToList())).ToList();
    }

    /// <summary>How many comeback findings were made within <paramref name="within"/> (the console's start page).</summary>
    public async Task<int> RecentComebacksAsync(TimeSpan within, CancellationToken ct)
    {
        var since = time.GetUtcNow() - within;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<ComebackFinding>().CountAsync(f => f.FoundAt >= since, ct);
    }

    /// <summary>
    /// Flags <paramref name="subjectId"/>, just given a <paramref name="type"/> identity of blind indexes <paramref name="indexes"/>, when
    /// a tombstone has one of them: a finding and an audit entry (ids only), in the caller's transaction, so the identity
    /// and its flag commit together (a flag made afterwards could be lost, and a retry finds the identity, not a newcomer).
    /// Returns whether it flagged.
    /// </summary>
    public async Task<bool> FlagComebackWithinAsync(StewardDbContext db, Guid subjectId, IdentityType type, IReadOnlyList<BlindIndexValue> indexes,
        string actor, CancellationToken ct)
    {
        Guid? tombstone = null;
        foreach (var blind in indexes)
        {
            var (version, value) = (blind.Version, blind.Value);
            tombstone = await db.Set<ErasureTombstoneHash>().AsNoTracking().Where(h => h.Type == type && h.Version == version && h.Hash == value)
                .Select(h => (Guid?)h.TombstoneId).FirstOrDefaultAsync(ct);
            if (tombstone is not null) break;
        }
        if (tombstone is not { } stone || db.Set<ComebackFinding>().Local.Any(f => f.SubjectId == subjectId && f.TombstoneId == stone)
            || await db.Set<ComebackFinding>().AnyAsync(f => f.SubjectId == subjectId && f.TombstoneId == stone, ct)) return false;
        var now = time.GetUtcNow();
        var finding = new ComebackFinding { Id = Guid.CreateVersion7(now), SubjectId = subjectId, TombstoneId = stone, Type = type, FoundAt = now };
        db.Set<ComebackFinding>().Add(finding);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "people.erased-comeback", $"subject:{subjectId:D}",
            new { finding = finding.Id, tombstone = stone, type = IdentityTypes.Name(type) }), ct);
        return true;
    }
}

/// <summary>Blind indexes in tombstones keep their key version alive: the values are gone, so they cannot be re-indexed.</summary>
internal sealed class TombstonesOnBlindIndexVersions(IDbContextFactory<StewardDbContext> contexts) : IKeyVersionUser
{
    public string Purpose => BlindIndex.Purpose;
    public string What => "erasure tombstone hash(es)";
    public bool Movable => false;

    public async Task<int> CountOnAsync(int version, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<ErasureTombstoneHash>().CountAsync(h => h.Version == version, ct);
    }

    public Task<int> CountBelowAsync(int version, CancellationToken ct) => Task.FromResult(0);

    public Task<KeyMoveBatch> MoveBatchAsync(ManagedKey current, Guid after, CancellationToken ct) => Task.FromResult(KeyMoveBatch.None);
}
