using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.People;

/// <summary>
/// Subject data keys wrapped by an older <see cref="SubjectKeys.WrappingPurpose"/> version, re-wrapped under the newest a batch
/// at a time (one read, one transaction). On PostgreSQL the batch's rows are locked, so an erasure at the same moment waits
/// and then still destroys the key: a re-wrap never writes back a key that was just destroyed.
/// </summary>
internal sealed class SubjectKeysOnOldVersions(IDbContextFactory<StewardDbContext> contexts, SubjectKeys keys) : IKeyVersionUser
{
    /// <summary>Rows per transaction: large enough that the round trips do not dominate, small enough to keep locks short.</summary>
    public int BatchSize { get; set; } = 1000;
    public string Purpose => SubjectKeys.WrappingPurpose;
    public string What => "subject data key(s)";
    public bool Movable => true;

    public async Task<int> CountOnAsync(int version, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<DataSubject>().CountAsync(s => s.WrappedDataKey != null && s.WrappingKeyVersion == version, ct);
    }

    public async Task<int> CountBelowAsync(int version, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<DataSubject>().CountAsync(s => s.WrappedDataKey != null && s.WrappingKeyVersion < version, ct);
    }

    public async Task<KeyMoveBatch> MoveBatchAsync(ManagedKey current, Guid after, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            var locked = await db.Set<DataSubject>().FromSql($"""
                SELECT * FROM data_subjects WHERE "Id" > {after} AND "WrappedDataKey" IS NOT NULL AND "WrappingKeyVersion" < {current.Version}
                ORDER BY "Id" LIMIT {BatchSize} FOR UPDATE
                """).AsNoTracking().ToListAsync(ct);
            foreach (var subject in locked) await keys.RewrapAsync(subject, current, ct);
            // One statement for the batch instead of one per row.
            var ids = locked.Select(s => s.Id).ToArray();
            var wrapped = locked.Select(s => s.WrappedDataKey!).ToArray();
            await db.Database.ExecuteSqlAsync($"""
                UPDATE data_subjects d SET "WrappedDataKey" = v.k, "WrappingKeyVersion" = {current.Version}
                FROM unnest({ids}, {wrapped}) AS v(id, k) WHERE d."Id" = v.id
                """, ct);
            await tx.CommitAsync(ct);
            return locked.Count == 0 ? KeyMoveBatch.None : new KeyMoveBatch(locked.Count, locked[^1].Id);
        }
        // SQLite: the transaction holds the only write lock; one prepared statement reused for the batch.
        var rows = await db.Set<DataSubject>().AsNoTracking()
            .Where(s => s.Id > after && s.WrappedDataKey != null && s.WrappingKeyVersion < current.Version)
            .OrderBy(s => s.Id).Take(BatchSize).ToListAsync(ct);
        await using (var update = db.Database.GetDbConnection().CreateCommand())
        {
            update.Transaction = tx.GetDbTransaction();
            update.CommandText = """UPDATE data_subjects SET "WrappedDataKey" = $key, "WrappingKeyVersion" = $version WHERE "Id" = $id""";
            var (id, key, version) = (update.CreateParameter(), update.CreateParameter(), update.CreateParameter());
            (id.ParameterName, key.ParameterName, version.ParameterName, version.Value) = ("$id", "$key", "$version", current.Version);
            update.Parameters.AddRange(new[] { id, key, version });
            foreach (var subject in rows)
            {
                await keys.RewrapAsync(subject, current, ct);
                // The text form EF Core stores a Guid in on SQLite.
                (id.Value, key.Value) = (subject.Id.ToString().ToUpperInvariant(), subject.WrappedDataKey);
                if (await update.ExecuteNonQueryAsync(ct) != 1) throw new InvalidOperationException($"Subject {subject.Id} was not re-wrapped.");
            }
        }
        await tx.CommitAsync(ct);
        return rows.Count == 0 ? KeyMoveBatch.None : new KeyMoveBatch(rows.Count, rows[^1].Id);
    }
}

/// <summary>
/// Identities indexed under an older <see cref="BlindIndex.Purpose"/> version, re-indexed under the newest (each decrypted
/// with its subject's data key). Lookups try every version meanwhile, so people are found throughout.
/// </summary>
internal sealed class IdentitiesOnOldVersions(IDbContextFactory<StewardDbContext> contexts, SubjectKeys keys) : IKeyVersionUser
{
    /// <summary>Rows per transaction: large enough that the round trips do not dominate, small enough to keep locks short.</summary>
    public int BatchSize { get; set; } = 1000;
    public string Purpose => BlindIndex.Purpose;
    public string What => "identity index(es)";
    public bool Movable => true;

    public async Task<int> CountOnAsync(int version, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<SubjectIdentity>().CountAsync(i => i.BlindIndexVersion == version, ct);
    }

    public async Task<int> CountBelowAsync(int version, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Readable(db).CountAsync(i => i.BlindIndexVersion < version, ct);
    }

    public async Task<KeyMoveBatch> MoveBatchAsync(ManagedKey current, Guid after, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rows = db.Database.IsNpgsql()
            ? await db.Set<SubjectIdentity>().FromSql($"""
                SELECT i.* FROM subject_identities i JOIN data_subjects s ON s."Id" = i."SubjectId"
                WHERE i."Id" > {after} AND s."WrappedDataKey" IS NOT NULL AND i."BlindIndexVersion" < {current.Version}
                ORDER BY i."Id" LIMIT {BatchSize} FOR UPDATE OF i
                """).ToListAsync(ct)
            : await Readable(db).Where(i => i.Id > after && i.BlindIndexVersion < current.Version).OrderBy(i => i.Id).Take(BatchSize).ToListAsync(ct);
        var ids = rows.Select(r => r.SubjectId).Distinct().ToList();
        var subjects = await db.Set<DataSubject>().AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var dataKeys = new Dictionary<Guid, byte[]>();
        foreach (var row in rows)
        {
            if (!dataKeys.TryGetValue(row.SubjectId, out var dataKey))
                dataKeys[row.SubjectId] = dataKey = await keys.OpenAsync(subjects[row.SubjectId], ct)
                    ?? throw new InvalidOperationException($"Subject {row.SubjectId} has identities but no data key.");
            var value = SubjectKeys.Decrypt(dataKey, row.SubjectId, row.Type, row.Ciphertext);
            var blind = BlindIndex.Of(current, new Identity(row.Type, value));
            row.BlindIndex = blind.Value;
            row.BlindIndexVersion = blind.Version;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        foreach (var k in dataKeys.Values) System.Security.Cryptography.CryptographicOperations.ZeroMemory(k);
        return rows.Count == 0 ? KeyMoveBatch.None : new KeyMoveBatch(rows.Count, rows[^1].Id);
    }

    // Identities whose subject still has a data key: the only ones that can be decrypted and so re-indexed.
    private static IQueryable<SubjectIdentity> Readable(StewardDbContext db) =>
        db.Set<SubjectIdentity>().Where(i => db.Set<DataSubject>().Any(s => s.Id == i.SubjectId && s.WrappedDataKey != null));
}
