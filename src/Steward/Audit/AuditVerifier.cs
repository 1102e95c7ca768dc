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
    /// <summary><see cref="MerkleTree.Frontier"/> of the chained entries that held, kept with the checkpoint signed over them.</summary>
    internal string Frontier { get; init; } = "";
    /// <summary>Chain MAC of the last chained entry that held.</summary>
    internal string LastHash { get; init; } = AuditEntryEncoding.GenesisHash;
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
        var macKeys = new MacKeys(keys);

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
            if (await SignatureProblemAsync(c, where, ct) is { } problem) return Broken(0, null, where, problem);
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
            // The MAC binds the entry's random id, not its row: a copy of a real entry is caught here, not only by the unique index.
            if (LinkProblem(e, sequence, previous, repeated: !entryIds.Add(e.EntryId), await macKeys.FindAsync(e.KeyVersion, ct)) is { } problem)
                return Broken(intact, sequence, where, problem);
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
        // What is wrong beside the chain: it still holds, so a checkpoint may be signed over it.
        AuditVerification BesideTheChain(string where, string problem) => Broken(entries, null, where, problem, chain: false)
            with { Unchained = unchained, RootHash = tree.RootHex(), Frontier = tree.Frontier, LastHash = previous };
        await foreach (var e in db.AuditEntries.AsNoTracking().Where(e => e.Sequence == null).OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            var where = $"unchained entry (insertion id {e.Id})";
            if (!entryIds.Add(e.EntryId))
                return BesideTheChain(where, $"{where} repeats an earlier entry (a replayed copy)");
            var key = await macKeys.FindAsync(e.KeyVersion, ct);
            if (e.PreviousHash is not null || e.Hash is not null || key is null || !IsJsonObject(e.Details)
                || !string.Equals(AuditEntryEncoding.EntryMac(e, key), e.EntryMac, StringComparison.Ordinal))
                return BesideTheChain(where, $"{where} was altered or not written by Steward (its MAC does not match)");
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
                    return BesideTheChain(record.Target, $"{record.Target} has no audit entry recording its state (it was added outside Steward)");
                if (!string.Equals(audited.Digest, record.Digest, StringComparison.Ordinal))
                    return BesideTheChain(record.Target, $"{record.Target} does not match what its newest audit entry ({audited.Where}) recorded (it was changed outside Steward)");
            }
            foreach (var (target, audited) in digests)
                if (target.StartsWith(feature.TargetPrefix, StringComparison.Ordinal) && !seen.Contains(target) && audited.Digest != AuditedRecordDigest.Absent)
                    return BesideTheChain(target, $"{target} is recorded by {audited.Where} but is missing from the database (it was removed outside Steward)");
        }

        if (checkpoints.Count == 0 && against is null)
            warnings.Add(entries + unchained == 0
                ? "empty log, no checkpoint to compare against"
                : "no checkpoint yet: removing the newest entries would go unnoticed (run 'steward audit checkpoint')");
        return new AuditVerification(entries, null, null)
        {
            Unchained = unchained, Checkpoints = checkpoints.Count, NewestCheckpoint = summary, Warnings = warnings,
            RootHash = tree.RootHex(), Frontier = tree.Frontier, LastHash = previous,
        };
    }

    /// <summary>
    /// Verifies only the chained entries after checkpoint <paramref name="from"/>, extending the Merkle tree from its stored
    /// frontier: what signing the next checkpoint needs, at the cost of the entries since. The frontier and last hash are not
    /// signed, so they count only once the checkpoint verifies with Steward's key and the frontier reproduces its signed root
    /// (another frontier with that root would take a SHA-256 collision); an altered last hash is caught by the next entry's
    /// chain MAC, which only Steward can compute. Entries before <paramref name="from"/> are left to the full verification:
    /// a checkpoint built on the signed root never vouches for a change to them.
    /// </summary>
    public async Task<AuditVerification> VerifySinceAsync(AuditCheckpoint from, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var macKeys = new MacKeys(keys);
        var checkpoint = $"checkpoint {from.Id}";
        static AuditVerification Broken(long intact, long? at, string where, string problem) => new(intact, at, problem) { Where = where, ChainBroken = true };

        if (await SignatureProblemAsync(from, checkpoint, ct) is { } signature) return Broken(0, null, checkpoint, signature);
        if (from.Frontier is null || from.LastHash is null || MerkleTree.Resume(from.TreeSize, from.Frontier) is not { } tree
            || !string.Equals(tree.RootHex(), from.RootHash, StringComparison.Ordinal))
            return Broken(0, null, checkpoint, $"{checkpoint}: its stored Merkle frontier does not give its signed root (it was altered)");
        var sequence = from.TreeSize;
        var previous = from.LastHash;
        var last = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence == sequence).Select(e => e.Hash).FirstOrDefaultAsync(ct);
        if (last is null)
            return Broken(0, sequence, checkpoint, $"{checkpoint} covers {sequence} entries, but entry {sequence} is missing: the newest entries were removed");
        if (!string.Equals(last, previous, StringComparison.Ordinal))
            return Broken(0, sequence, $"entry {sequence}", $"entry {sequence} is not the one {checkpoint} covers (its chain MAC differs from the one kept with the checkpoint)");

        var since = db.AuditEntries.AsNoTracking().Where(e => e.Sequence > from.TreeSize).OrderBy(e => e.Sequence)
            .Select(e => new { Entry = e, Repeated = db.AuditEntries.Any(o => o.EntryId == e.EntryId && o.Sequence < e.Sequence) });
        await foreach (var row in since.AsAsyncEnumerable().WithCancellation(ct))
        {
            var e = row.Entry;
            sequence++;
            if (LinkProblem(e, sequence, previous, row.Repeated, await macKeys.FindAsync(e.KeyVersion, ct)) is { } problem)
                return Broken(sequence - 1, sequence, $"entry {sequence}", problem);
            tree.Add(AuditEntryEncoding.LeafHash(e));
            previous = e.Hash!;
        }
        return new AuditVerification(sequence, null, null) { RootHash = tree.RootHex(), Frontier = tree.Frontier, LastHash = previous };
    }

    /// <summary>Why a stored checkpoint cannot be trusted: its key is gone or not Steward's, or its signature fails; null when it holds.</summary>
    private async Task<string?> SignatureProblemAsync(AuditCheckpoint c, string where, CancellationToken ct)
    {
        var held = await keys.FindAsync(AuditCheckpoints.SigningKeyPurpose, c.KeyVersion, ct);
        if (held is null) return $"{where}: its signing key {AuditCheckpoints.KeyId(c.KeyVersion)} is gone, so it cannot be trusted";
        if (!string.Equals(AuditCheckpoints.PublicKeyOf(held.Material), c.PublicKey, StringComparison.Ordinal))
            return $"{where} was not signed by Steward's key (its public key differs)";
        if (!AuditCheckpoints.SignatureHolds(c.PublicKey, c.Signature, AuditCheckpoints.SignedText(c)))
            return $"{where} was altered (its signature does not verify)";
        return null;
    }

    /// <summary>Why chained entry <paramref name="e"/> is not the one expected at <paramref name="sequence"/> after <paramref name="previous"/>; null when it is.</summary>
    private static string? LinkProblem(AuditEntry e, long sequence, string previous, bool repeated, byte[]? key)
    {
        if (e.Sequence != sequence)
            return e.Sequence > sequence ? $"entries {sequence}..{e.Sequence - 1} are missing" : $"entry {e.Sequence} appears out of order";
        if (!string.Equals(e.PreviousHash, previous, StringComparison.Ordinal))
            return $"entry {sequence} does not link to entry {sequence - 1} (previous hash differs)";
        if (repeated) return $"entry {sequence} repeats an earlier entry (a replayed copy)";
        if (key is null) return $"entry {sequence}: its MAC key {AuditLog.MacKeyPurpose} v{e.KeyVersion} is gone, so it cannot be checked";
        if (!string.Equals(AuditEntryEncoding.EntryMac(e, key), e.EntryMac, StringComparison.Ordinal))
            return $"entry {sequence} was altered (its content does not match its MAC)";
        if (!string.Equals(AuditEntryEncoding.ChainMac(sequence, e.EntryMac, previous, key), e.Hash, StringComparison.Ordinal))
            return $"entry {sequence} was altered or moved (its chain MAC does not match)";
        return null;
    }

    /// <summary>The <c>audit.mac</c> keys of one verification, each read once (null when that version is gone).</summary>
    private sealed class MacKeys(KeyRing keys)
    {
        private readonly Dictionary<int, byte[]?> _read = [];

        public async Task<byte[]?> FindAsync(int version, CancellationToken ct)
        {
            if (!_read.TryGetValue(version, out var k))
                _read[version] = k = (await keys.FindAsync(AuditLog.MacKeyPurpose, version, ct))?.Material;
            return k;
        }
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
