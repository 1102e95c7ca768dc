using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NSec.Cryptography;
using Steward.Hosting;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>A checkpoint as an auditor keeps it outside Steward: everything needed to check it, and the log against it.</summary>
internal sealed record AuditCheckpointExport(string Format, long TreeSize, string RootHash, string Timestamp, string KeyId, string PublicKey, string Signature)
{
    public const string CurrentFormat = "steward-audit-checkpoint/v1";
}

/// <summary>What <see cref="AuditCheckpoints.CreateAsync"/> did.</summary>
internal sealed record CheckpointOutcome(AuditCheckpoint Checkpoint, bool Created);

/// <summary>
/// Signed checkpoints: an Ed25519 signature (key <c>audit.signing</c> from the key ring, a 32-byte seed)
/// over the RFC 6962 Merkle tree head of the first N chained entries.
/// </summary>
internal sealed class AuditCheckpoints(IDbContextFactory<StewardDbContext> contexts, KeyRing keys, AuditChainer chainer, AuditVerifier verifier, TimeProvider time)
{
    public const string SigningKeyPurpose = "audit.signing";
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string KeyId(int version) => $"{SigningKeyPurpose}/v{version.ToString(CultureInfo.InvariantCulture)}";

    public static int? KeyVersionOf(string keyId) =>
        keyId.StartsWith(SigningKeyPurpose + "/v", StringComparison.Ordinal)
        && int.TryParse(keyId.AsSpan(SigningKeyPurpose.Length + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    public static string FormatTimestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>The exact text that is signed; documented so an auditor can check a signature with any Ed25519 tool.</summary>
    public static string SignedText(long treeSize, string rootHash, string timestamp, string keyId) =>
        string.Create(CultureInfo.InvariantCulture, $"{AuditCheckpointExport.CurrentFormat}\ntree-size: {treeSize}\nroot: {rootHash}\ntimestamp: {timestamp}\nkey-id: {keyId}\n");

    public static string SignedText(AuditCheckpoint c) => SignedText(c.TreeSize, c.RootHash, FormatTimestamp(c.CreatedAt), KeyId(c.KeyVersion));

    public static string PublicKeyOf(byte[] seed)
    {
        using var key = Key.Import(Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        return Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public static bool SignatureHolds(string publicKey, string signature, string text)
    {
        var pk = new byte[64];
        var sig = new byte[128];
        if (!Convert.TryFromBase64String(publicKey, pk, out var pkLength) || !Convert.TryFromBase64String(signature, sig, out var sigLength)) return false;
        if (!PublicKey.TryImport(Ed25519, pk.AsSpan(0, pkLength), KeyBlobFormat.RawPublicKey, out var imported) || imported is null) return false;
        return Ed25519.Verify(imported, Encoding.UTF8.GetBytes(text), sig.AsSpan(0, sigLength));
    }

    /// <summary>The public key Steward holds for a signing key version, or null when that version is gone.</summary>
    public async Task<string?> PublicKeyAsync(int version, CancellationToken ct) =>
        await keys.FindAsync(SigningKeyPurpose, version, ct) is { } k ? PublicKeyOf(k.Material) : null;

    /// <summary>
    /// Chains what is pending, verifies the entries since the newest checkpoint, and signs the head, unless the newest
    /// checkpoint already covers every entry. Refuses to sign a chain that does not verify: a checkpoint must never vouch
    /// for entries that were tampered with. The tree is extended from the newest checkpoint's frontier, so a checkpoint
    /// costs the entries since the one before, not the whole log; a checkpoint signed before frontiers were kept costs
    /// one full verification.
    /// </summary>
    public async Task<CheckpointOutcome> CreateAsync(CancellationToken ct)
    {
        await chainer.ChainPendingAsync(wait: true, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var newest = await NewestAsync(db, ct);
        var v = newest is { Frontier: not null } ? await verifier.VerifySinceAsync(newest, ct) : await verifier.VerifyAsync(ct);
        if (v.ChainBroken)
            throw new StewardException($"The audit log does not verify ({v.Problem}); no checkpoint was made.");
        if (newest is not null && newest.TreeSize == v.Entries) return new CheckpointOutcome(newest, false);
        if (v.Entries == 0) throw new StewardException("The audit log has no chained entries yet; there is nothing to sign.");
        var key = await keys.CurrentAsync(SigningKeyPurpose, ct);
        var now = time.GetUtcNow();
        var createdAt = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var checkpoint = new AuditCheckpoint
        {
            TreeSize = v.Entries,
            RootHash = v.RootHash,
            CreatedAt = createdAt,
            KeyVersion = key.Version,
            PublicKey = PublicKeyOf(key.Material),
            Signature = "",
            Frontier = v.Frontier,
            LastHash = v.LastHash,
        };
        using (var signing = Key.Import(Ed25519, key.Material, KeyBlobFormat.RawPrivateKey))
            checkpoint.Signature = Convert.ToBase64String(Ed25519.Sign(signing, Encoding.UTF8.GetBytes(SignedText(checkpoint))));
        db.Set<AuditCheckpoint>().Add(checkpoint);
        await db.SaveChangesAsync(ct);
        return new CheckpointOutcome(checkpoint, true);
    }

    public static async Task<AuditCheckpoint?> NewestAsync(StewardDbContext db, CancellationToken ct) =>
        await db.Set<AuditCheckpoint>().AsNoTracking().OrderByDescending(c => c.TreeSize).ThenByDescending(c => c.Id).FirstOrDefaultAsync(ct);

    public static AuditCheckpointExport ToExport(AuditCheckpoint c) =>
        new(AuditCheckpointExport.CurrentFormat, c.TreeSize, c.RootHash, FormatTimestamp(c.CreatedAt), KeyId(c.KeyVersion), c.PublicKey, c.Signature);

    public static string ToJson(AuditCheckpointExport export) => JsonSerializer.Serialize(export, ExportJson);

    /// <summary>Reads an exported checkpoint; a file that is not one is a one-line error.</summary>
    public static AuditCheckpointExport ReadExport(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StewardException($"Cannot read the checkpoint file ({e.Message}).");
        }
        AuditCheckpointExport? export;
        try { export = JsonSerializer.Deserialize<AuditCheckpointExport>(text, ExportJson); }
        catch (JsonException) { export = null; }
        if (export is null || export.Format != AuditCheckpointExport.CurrentFormat || export.TreeSize < 1 || export.RootHash is not { Length: 64 }
            || export.Timestamp is null || export.KeyId is null || export.PublicKey is null || export.Signature is null)
            throw new StewardException($"The file is not an exported audit checkpoint ({AuditCheckpointExport.CurrentFormat} JSON with treeSize, rootHash, timestamp, keyId, publicKey, signature).");
        return export;
    }
}
