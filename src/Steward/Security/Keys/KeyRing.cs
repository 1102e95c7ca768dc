using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Steward.Storage;

namespace Steward.Security.Keys;

/// <summary>A key's facts without its material: for listing.</summary>
internal sealed record KeyVersionInfo(string Purpose, int Version, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt, string WrappedBy);

/// <summary>A key in clear, in memory only.</summary>
internal sealed record ManagedKey(string Purpose, int Version, byte[] Material);

/// <summary>
/// Every key Steward keeps (cookie protection, the audit MAC and signing keys, the key that wraps per-subject data keys,
/// connection secrets), stored wrapped by the key-encryption key. Keys are created on first use, can be
/// rotated (old versions stay readable) and re-wrapped under a new key-encryption key.
/// </summary>
internal sealed class KeyRing(IDbContextFactory<StewardDbContext> contexts, KeyEncryptionKeys keks, ChangeNotifications notifications, TimeProvider time)
{
    /// <summary>Sent (payload: the purpose) when a key is rotated: every node stops writing with the old version.</summary>
    public const string RotatedChannel = "keys.rotated";
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly ConcurrentDictionary<(string, int), ManagedKey> _cache = new();
    private readonly ConcurrentDictionary<string, int> _current = ForgottenOnRotation(notifications);
    private readonly ConcurrentDictionary<string, long> _newestCheckedAt = new(StringComparer.Ordinal);

    // Wall-clock ticks: this paces database reads, it is not a business time.
    private bool NewestCheckDue(string purpose) =>
        !_newestCheckedAt.TryGetValue(purpose, out var at) || Environment.TickCount64 - at >= 1000;

    private static ConcurrentDictionary<string, int> ForgottenOnRotation(ChangeNotifications notifications)
    {
        var current = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        notifications.Subscribe(RotatedChannel, n =>
        {
            if (n.Resync) current.Clear();
            else current.TryRemove(n.Payload, out _);
        });
        return current;
    }

    /// <summary>Drops a removed version from memory.</summary>
    public void Forget(string purpose, int version) => _cache.TryRemove((purpose, version), out _);

    /// <summary>Drops the cached current version of <paramref name="purpose"/>: the next <see cref="CurrentAsync"/> reads it from the database.</summary>
    public void ForgetCurrent(string purpose) => _current.TryRemove(purpose, out _);

    /// <summary>The newest version of <paramref name="purpose"/>'s key, created on first use.</summary>
    public async Task<ManagedKey> CurrentAsync(string purpose, CancellationToken ct)
    {
        if (_current.TryGetValue(purpose, out var v) && _cache.TryGetValue((purpose, v), out var cached))
        {
            // Notifications reach only this process on SQLite: a rotation by another process (the CLI) is noticed by the
            // newest version number, one indexed read, at most once a second (an older version stays valid meanwhile).
            if (notifications.CrossProcess || !NewestCheckDue(purpose)) return cached;
            if (await NewestVersionAsync(purpose, ct) == v)
            {
                _newestCheckedAt[purpose] = Environment.TickCount64;
                return cached;
            }
            ForgetCurrent(purpose);
        }
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var row = await db.Set<WrappedKey>().AsNoTracking().Where(k => k.Purpose == purpose)
                .OrderByDescending(k => k.Version).FirstOrDefaultAsync(ct);
            if (row is not null) return Remember(row, current: true);
            try
            {
                return await AddVersionAsync(db, purpose, 1, ct);
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another node created it at the same moment; read theirs.
            }
        }
    }

    /// <summary>A given version, for reading what it protected.</summary>
    public async Task<ManagedKey?> FindAsync(string purpose, int version, CancellationToken ct)
    {
        if (_cache.TryGetValue((purpose, version), out var cached)) return cached;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<WrappedKey>().AsNoTracking().FirstOrDefaultAsync(k => k.Purpose == purpose && k.Version == version, ct);
        return row is null ? null : Remember(row, current: false);
    }

    /// <summary>Every version of <paramref name="purpose"/>, oldest first (e.g. to try each when verifying).</summary>
    public async Task<IReadOnlyList<ManagedKey>> AllVersionsAsync(string purpose, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Set<WrappedKey>().AsNoTracking().Where(k => k.Purpose == purpose).OrderBy(k => k.Version).ToListAsync(ct);
        return rows.Select(r => Remember(r, current: false)).ToList();
    }

    /// <summary>Makes a new version current; older versions are retired but stay readable.</summary>
    public async Task<ManagedKey> RotateAsync(string purpose, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var key = await RotateWithinAsync(db, purpose, ct);
            await tx.CommitAsync(ct);
            return key;
        }
        finally
        {
            // Whether or not it committed, the next read takes the current version from the database.
            ForgetCurrent(purpose);
        }
    }

    /// <summary>Rotates inside the caller's transaction and tells every node when it commits. Call <see cref="ForgetCurrent"/> after the commit.</summary>
    public async Task<ManagedKey> RotateWithinAsync(StewardDbContext db, string purpose, CancellationToken ct)
    {
        var newest = await db.Set<WrappedKey>().Where(k => k.Purpose == purpose).MaxAsync(k => (int?)k.Version, ct) ?? 0;
        await db.Set<WrappedKey>().Where(k => k.Purpose == purpose && k.RetiredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RetiredAt, time.GetUtcNow()), ct);
        var key = await AddVersionAsync(db, purpose, newest + 1, ct);
        await notifications.PublishWithinAsync(db, RotatedChannel, purpose, ct);
        return key;
    }

    /// <summary>Every version of every key, without material, by purpose and version.</summary>
    public async Task<List<KeyVersionInfo>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Set<WrappedKey>().AsNoTracking().OrderBy(k => k.Purpose).ThenBy(k => k.Version)
            .Select(k => new { k.Purpose, k.Version, k.CreatedAt, k.RetiredAt, k.WrappedBy }).ToListAsync(ct);
        return rows.Select(k => new KeyVersionInfo(k.Purpose, k.Version, k.CreatedAt, k.RetiredAt, k.WrappedBy)).ToList();
    }

    /// <summary>True when some key is still wrapped by an earlier key-encryption key.</summary>
    public async Task<bool> NeedsRewrapAsync(CancellationToken ct)
    {
        var current = keks.Current.Id;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<WrappedKey>().AnyAsync(k => k.WrappedBy != current, ct);
    }

    /// <summary>The newest version of <paramref name="purpose"/>, 0 when there is none (never creates one).</summary>
    public async Task<int> NewestVersionAsync(string purpose, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<WrappedKey>().Where(k => k.Purpose == purpose).MaxAsync(k => (int?)k.Version, ct) ?? 0;
    }

    /// <summary>Re-wraps every key still wrapped by an earlier key-encryption key; returns how many. Safe to repeat.</summary>
    public async Task<int> RewrapAsync(CancellationToken ct)
    {
        var current = keks.Current;
        var count = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var batch = await db.Set<WrappedKey>().Where(k => k.WrappedBy != current.Id).OrderBy(k => k.Id).Take(500).ToListAsync(ct);
            if (batch.Count == 0) return count;
            foreach (var row in batch)
            {
                var material = Unwrap(row);
                row.Material = Wrap(current, row.Purpose, row.Version, material);
                row.WrappedBy = current.Id;
            }
            await db.SaveChangesAsync(ct);
            count += batch.Count;
        }
    }

    /// <summary>Destroys every version of <paramref name="purpose"/>'s key: what it protected can no longer be read (crypto-shredding).</summary>
    public async Task DestroyAsync(string purpose, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<WrappedKey>().Where(k => k.Purpose == purpose).ExecuteDeleteAsync(ct);
        foreach (var k in _cache.Keys.Where(k => k.Item1 == purpose).ToList()) _cache.TryRemove(k, out _);
        _current.TryRemove(purpose, out _);
    }

    private async Task<ManagedKey> AddVersionAsync(StewardDbContext db, string purpose, int version, CancellationToken ct)
    {
        var material = RandomNumberGenerator.GetBytes(KeySize);
        var kek = keks.Current;
        db.Set<WrappedKey>().Add(new WrappedKey
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Purpose = purpose,
            Version = version,
            WrappedBy = kek.Id,
            Material = Wrap(kek, purpose, version, material),
            CreatedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        var key = new ManagedKey(purpose, version, material);
        _cache[(purpose, version)] = key;
        _current[purpose] = version;
        return key;
    }

    private ManagedKey Remember(WrappedKey row, bool current)
    {
        var key = _cache.GetOrAdd((row.Purpose, row.Version), _ => new ManagedKey(row.Purpose, row.Version, Unwrap(row)));
        if (current) _current[row.Purpose] = row.Version;
        return key;
    }

    private byte[] Unwrap(WrappedKey row)
    {
        var kek = keks.Find(row.WrappedBy) ?? throw new Hosting.StewardException(
            $"Key '{row.Purpose}' v{row.Version} is wrapped by key-encryption key {row.WrappedBy}, which is not configured (Keys:KeyEncryptionKey or Keys:PreviousKeyEncryptionKeys; on the embedded default, keys/{KeyEncryptionKey.PreviousFilePrefix}{row.WrappedBy} in the data directory).");
        var plain = new byte[row.Material.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(kek.Material, TagSize);
            aes.Decrypt(row.Material.AsSpan(0, NonceSize), row.Material.AsSpan(NonceSize + TagSize), row.Material.AsSpan(NonceSize, TagSize),
                plain, Associated(row.Purpose, row.Version));
        }
        catch (AuthenticationTagMismatchException)
        {
            // Altered in the database, or moved to another purpose: never use it.
            throw new Hosting.StewardException($"Key '{row.Purpose}' v{row.Version} does not unwrap: it was altered or belongs elsewhere.");
        }
        return plain;
    }

    private static byte[] Wrap(KeyEncryptionKey kek, string purpose, int version, byte[] material)
    {
        var output = new byte[NonceSize + TagSize + material.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(kek.Material, TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), material, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Associated(purpose, version));
        return output;
    }

    // Binds the wrapped bytes to their purpose and version: a row copied onto another purpose fails to unwrap.
    private static byte[] Associated(string purpose, int version) => Encoding.UTF8.GetBytes($"steward-key\n{purpose}\n{version}");
}
