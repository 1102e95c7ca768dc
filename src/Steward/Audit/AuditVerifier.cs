using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>The newest checkpoint, as the verification reports it.</summary>
public sealed record AuditCheckpointSummary(long Id, long TreeSize, string RootHash, DateTimeOffset CreatedAt, string KeyId, string PublicKey);

/// <summary>
/// The outcome of verifying the log: how many chained entries held, how many are not chained yet,
/// and the first thing that disagrees (<see cref="Where"/> names the entry, checkpoint or record).
/// </summary>
public sealed record AuditVerification(long Entries, long? BrokenAt, string? Problem)
{
    public bool Ok => Problem is null;
    /// <summary>Entries written but not yet linked into the chain (each checked on its own).</summary>
    public long Unchained { get; init; }
    public long Checkpoints { get; init; }
    /// <summary>What disagrees: <c>entry 3</c>, <c>checkpoint 2</c>, <c>policy:1</c>, ...</summary>
    public string? Where { get; init; }
    /// <summary>What could not be checked, e.g. an empty log with no checkpoint to compare against.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public AuditCheckpointSummary? NewestCheckpoint { get; init; }
    /// <summary>Merkle tree hash of the chained entries that held.</summary>
    public string RootHash { get; init; } = "";
    /// <summary>True when there was nothing at all to check: no entry and no checkpoint.</summary>
    public bool NothingToVerify => Ok && Entries == 0 && Unchained == 0 && Checkpoints == 0;
    /// <summary>
    /// The problem is in the chained entries or the checkpoints, so no checkpoint may be signed; not when it is in an
    /// entry waiting to be chained (the chainer refuses it, a checkpoint never covers it) or in a record they describe.
    /// </summary>
    internal bool ChainBroken { get; init; }
}

/// <summary>
/// Verifies the audit log: the chained prefix (positions, links, both MACs), every stored checkpoint
/// (signature, key, Merkle root at its size), an exported checkpoint if given, the unchained tail
/// (each entry's own MAC), and every audited record against the digest in its newest entry.
/// </summary>
internal sealed class AuditVerifier(IDbContextFactory<StewardDbContext> contexts, KeyRing keys, IEnumerable<IAuditedRecords> records)
{
    public Task<AuditVerification> VerifyAsync(CancellationToken ct) => VerifyAsync(null, ct);

    public async Task<AuditVerification> VerifyAsync(AuditCheckpointExport? against, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var warnings = new List<string>();
        var macKeys = new Dictionary<int, byte[]?>();
        async Task<byte[]?> MacKeyAsync(int version)
        {
            if (!macKeys.TryGetValue(version, out var k))
                macKeys[version] = k = (await keys.FindAsync(AuditLog.MacKeyPurpose, version, ct))?.Material;
            return k;
        }

        // Checkpoints first: their signatures and keys, then the roots they expect at their sizes.
        var checkpoints = await db.Set<AuditCheckpoint>().AsNoTracking().OrderBy(c => c.TreeSize).ThenBy(c => c.Id).ToListAsync(ct);
        var newest = checkpoints.Count == 0 ? null : checkpoints.MaxBy(c => (c.TreeSize, c.Id))!;
        var summary = newest is null ? null : new AuditCheckpointSummary(newest.Id, newest.TreeSize, newest.RootHash, newest.CreatedAt,
            AuditCheckpoints.KeyId(newest.KeyVersion), newest.PublicKey);
        AuditVerification Broken(long intact, long? at, string where, string problem, bool chain = true) =>
            new(intact, at, problem) { Where = where, ChainBroken = chain, Checkpoints = checkpoints.Count, NewestCheckpoint = summary, Warnings = warnings };

        var expected = new List<(string Where, long Size, string Root)>();
        foreach (var c in checkpoints)
        {
            var where = $"checkpoint {c.Id}";
            var held = await keys.FindAsync(AuditCheckpoints.SigningKeyPurpose, c.KeyVersion, ct);
            if (held is null)
                return Broken(0, null, where, $"{where}: its signing key {AuditCheckpoints.KeyId(c.KeyVersion)} is gone, so it cannot be trusted");
            if (!string.Equals(AuditCheckpoints.PublicKeyOf(held.Material), c.PublicKey, StringComparison.Ordinal))
                return Broken(0, null, where, $"{where} was not signed by Steward's key (its public key differs)");
            if (!AuditCheckpoints.SignatureHolds(c.PublicKey, c.Signature, AuditCheckpoints.SignedText(c)))
                return Broken(0, null, where, $"{where} was altered (its signature does not verify)");
            expected.Add((where, c.TreeSize, c.RootHash));
        }
        if (against is not null)
        {
            const string where = "the exported checkpoint";
            var text = AuditCheckpoints.SignedText(against.TreeSize, against.RootHash, against.Timestamp, against.KeyId);
            if (!AuditCheckpoints.SignatureHolds(against.PublicKey, against.Signature, text))
                return Broken(0, null, where, $"{where} was altered (its signature does not verify with the public key in the file)");
            var heldKey = AuditCheckpoints.KeyVersionOf(against.KeyId) is { } kv && await keys.FindAsync(AuditCheckpoints.SigningKeyPurpose, kv, ct) is { } k
                ? AuditCheckpoints.PublicKeyOf(k.Material) : null;
            if (!string.Equals(heldKey, against.PublicKey, StringComparison.Ordinal))
                warnings.Add($"{where} is signed by a key Steward does not hold as {against.KeyId}; check its public key with the one you recorded");
            expected.Add((where, against.TreeSize, against.RootHash));
        }
        expected.Sort((a, b) => a.Size.CompareTo(b.Size));

        var digests = new Dictionary<string, (string Digest, string Where)>(StringComparer.Ordinal);
        var prefixes = records.Select(r => r.TargetPrefix).ToArray();
        void Remember(AuditEntry e, string where)
        {
            if (!prefixes.Any(p => e.Target.StartsWith(p, StringComparison.Ordinal))) return;
            if (DigestOf(e.Details) is { } d) digests[e.Target] = (d, where);
        }

        // The chained prefix.
        var entryIds = new HashSet<Guid>();
        var tree = new MerkleTree();
        var next = 0;
        long sequence = 1;
        var previous = AuditEntryEncoding.GenesisHash;
        await foreach (var e in db.AuditEntries.AsNoTracking().Where(e => e.Sequence != null).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            var intact = sequence - 1;
            var where = $"entry {sequence}";
            if (e.Sequence != sequence)
                return Broken(intact, sequence, where, e.Sequence > sequence
                    ? $"entries {sequence}..{e.Sequence - 1} are missing"
                    : $"entry {e.Sequence} appears out of order");
            if (!string.Equals(e.PreviousHash, previous, StringComparison.Ordinal))
                return Broken(intact, sequence, where, $"entry {sequence} does not link to entry {sequence - 1} (previous hash differs)");
            // The MAC binds the entry's random id, not its row: a copy of a real entry is caught here, not only by the unique index.
            if (!entryIds.Add(e.EntryId))
                return Broken(intact, sequence, where, $"entry {sequence} repeats an earlier entry (a replayed copy)");
            var key = await MacKeyAsync(e.KeyVersion);
            if (key is null)
                return Broken(intact, sequence, where, $"entry {sequence}: its MAC key {AuditLog.MacKeyPurpose} v{e.KeyVersion} is gone, so it cannot be checked");
            if (!string.Equals(AuditEntryEncoding.EntryMac(e, key), e.EntryMac, StringComparison.Ordinal))
                return Broken(intact, sequence, where, $"entry {sequence} was altered (its content does not match its MAC)");
            if (!string.Equals(AuditEntryEncoding.ChainMac(sequence, e.EntryMac, previous, key), e.Hash, StringComparison.Ordinal))
                return Broken(intact, sequence, where, $"entry {sequence} was altered or moved (its chain MAC does not match)");
            tree.Add(AuditEntryEncoding.LeafHash(e));
            while (next < expected.Count && expected[next].Size == tree.Size)
            {
                var (cw, size, root) = expected[next++];
                if (!string.Equals(tree.RootHex(), root, StringComparison.Ordinal))
                    return Broken(intact + 1, null, cw,
                        $"{cw}: the first {size} entries do not match its root (entries were altered, removed or replaced, and the chain recomputed)");
            }
            Remember(e, where);
            previous = e.Hash!;
            sequence++;
        }
        var entries = sequence - 1;
        if (next < expected.Count)
        {
            var (cw, size, _) = expected[^1];
            return Broken(entries, entries + 1, cw, entries == 0
                ? $"the log is empty, but {cw} covers {size} entries: entries were removed"
                : $"{cw} covers {size} entries, but the log has only {entries}: the newest entries were removed");
        }

        // The unchained tail: not yet in the chain, but each must carry a MAC Steward made.
        long unchained = 0;
        await foreach (var e in db.AuditEntries.AsNoTracking().Where(e => e.Sequence == null).OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            var where = $"unchained entry (insertion id {e.Id})";
            if (!entryIds.Add(e.EntryId))
                return Broken(entries, null, where, $"{where} repeats an earlier entry (a replayed copy)", chain: false)
                    with { Unchained = unchained, RootHash = tree.RootHex() };
            var key = await MacKeyAsync(e.KeyVersion);
            if (e.PreviousHash is not null || e.Hash is not null || key is null || !IsJsonObject(e.Details)
                || !string.Equals(AuditEntryEncoding.EntryMac(e, key), e.EntryMac, StringComparison.Ordinal))
                return Broken(entries, null, where, $"{where} was altered or not written by Steward (its MAC does not match)", chain: false)
                    with { Unchained = unchained, RootHash = tree.RootHex() };
            Remember(e, where);
            unchained++;
        }

        // Each audited record as stored now against the digest of its newest entry.
        foreach (var feature in records)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var record in feature.CurrentAsync(db, ct))
            {
                seen.Add(record.Target);
                if (!digests.TryGetValue(record.Target, out var audited))
                    return Broken(entries, null, record.Target, $"{record.Target} has no audit entry recording its state (it was added outside Steward)", chain: false)
                        with { Unchained = unchained, RootHash = tree.RootHex() };
                if (!string.Equals(audited.Digest, record.Digest, StringComparison.Ordinal))
                    return Broken(entries, null, record.Target, $"{record.Target} does not match what its newest audit entry ({audited.Where}) recorded (it was changed outside Steward)", chain: false)
                        with { Unchained = unchained, RootHash = tree.RootHex() };
            }
            foreach (var (target, audited) in digests)
                if (target.StartsWith(feature.TargetPrefix, StringComparison.Ordinal) && !seen.Contains(target) && audited.Digest != AuditedRecordDigest.Absent)
                    return Broken(entries, null, target, $"{target} is recorded by {audited.Where} but is missing from the database (it was removed outside Steward)", chain: false)
                        with { Unchained = unchained, RootHash = tree.RootHex() };
        }

        if (checkpoints.Count == 0 && against is null)
            warnings.Add(entries + unchained == 0
                ? "empty log, no checkpoint to compare against"
                : "no checkpoint yet: removing the newest entries would go unnoticed (run 'steward audit checkpoint')");
        return new AuditVerification(entries, null, null)
        {
            Unchained = unchained, Checkpoints = checkpoints.Count, NewestCheckpoint = summary, Warnings = warnings, RootHash = tree.RootHex(),
        };
    }

    private static string? DigestOf(string details)
    {
        try
        {
            using var doc = JsonDocument.Parse(details);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && doc.RootElement.TryGetProperty(AuditedRecordDigest.DetailName, out var d) && d.ValueKind == JsonValueKind.String
                ? d.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsJsonObject(string details)
    {
        try
        {
            using var doc = JsonDocument.Parse(details);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
