using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.Security.Keys;

/// <summary>A key-encryption key: 32 bytes that wrap every other key. Its id is a digest, safe to store beside what it wrapped.</summary>
internal sealed class KeyEncryptionKey
{
    public const int Size = 32;
    public const string GeneratedFileName = "key-encryption-key";

    private KeyEncryptionKey(byte[] material)
    {
        Material = material;
        Id = Convert.ToHexStringLower(SHA256.HashData(material))[..16];
    }

    public byte[] Material { get; }
    public string Id { get; }

    public static bool TryParse(string base64, out KeyEncryptionKey? key)
    {
        key = null;
        var buffer = new byte[Size + 1];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out var written) || written != Size) return false;
        key = new KeyEncryptionKey(buffer[..Size]);
        return true;
    }

    public static KeyEncryptionKey Generate() => new(RandomNumberGenerator.GetBytes(Size));

    public string ToBase64() => Convert.ToBase64String(Material);
}

/// <summary>
/// The current key-encryption key and the earlier ones still accepted for unwrapping. Read from
/// configuration; on the embedded default (SQLite) generated once into the data directory, owner-only.
/// </summary>
internal sealed class KeyEncryptionKeys(IOptions<KeyOptions> options, StorageConnection storage)
{
    private readonly Lazy<(KeyEncryptionKey Current, KeyEncryptionKey[] All)> _keys = new(() => Load(options.Value, storage));

    public KeyEncryptionKey Current => _keys.Value.Current;

    public KeyEncryptionKey? Find(string id) => Array.Find(_keys.Value.All, k => k.Id == id);

    private static (KeyEncryptionKey, KeyEncryptionKey[]) Load(KeyOptions o, StorageConnection storage)
    {
        var current = o.KeyEncryptionKey is { Length: > 0 } inline ? Parse(inline, "Keys:KeyEncryptionKey")
            : o.KeyEncryptionKeyFile is { Length: > 0 } file ? Parse(ReadFile(file, "Keys:KeyEncryptionKeyFile"), "Keys:KeyEncryptionKeyFile")
            : storage.Provider == StorageProviders.Sqlite ? LoadOrGenerate(Path.Combine(storage.DataDirectory, "keys", KeyEncryptionKey.GeneratedFileName))
            : throw new StewardException("Keys:KeyEncryptionKey (or Keys:KeyEncryptionKeyFile) is required with PostgreSQL: every node needs the same key, and it must not live in the database (make one with: openssl rand -base64 32).");
        var previous = o.PreviousKeyEncryptionKeys.Select((k, i) => Parse(k, $"Keys:PreviousKeyEncryptionKeys:{i}"));
        return (current, [current, .. previous]);
    }

    private static KeyEncryptionKey Parse(string base64, string setting) =>
        TryParse(base64) ?? throw new StewardException($"{setting} is not 32 bytes in base64 (make one with: openssl rand -base64 32).");

    private static KeyEncryptionKey? TryParse(string base64) => KeyEncryptionKey.TryParse(base64, out var key) ? key : null;

    private static string ReadFile(string path, string setting)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StewardException($"{setting}: cannot read '{path}' ({e.Message}).");
        }
    }

    /// <summary>The embedded default's key: created once, owner-only, never overwritten (another process may have won the race).</summary>
    private static KeyEncryptionKey LoadOrGenerate(string path)
    {
        if (File.Exists(path)) return Parse(ReadFile(path, "the generated key-encryption key"), $"The key-encryption key in '{path}'");
        var dir = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, DataDirectory.OwnerOnly);
        var key = KeyEncryptionKey.Generate();
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, create))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key.ToBase64());
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        try
        {
            File.Move(temporary, path, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return Parse(ReadFile(path, "the generated key-encryption key"), $"The key-encryption key in '{path}'");
        }
    }
}
