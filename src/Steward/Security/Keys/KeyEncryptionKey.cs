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
    /// <summary>An earlier generated key, kept beside the current one (suffixed with its id) until <c>steward keys remove --kek</c>.</summary>
    public const string PreviousFilePrefix = "previous-key-encryption-key.";

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
    private readonly Lock _gate = new();
    private (KeyEncryptionKey Current, KeyEncryptionKey[] All)? _keys;

    private (KeyEncryptionKey Current, KeyEncryptionKey[] All) Keys
    {
        get
        {
            lock (_gate) return _keys ??= Load(options.Value, storage);
        }
    }

    public KeyEncryptionKey Current => Keys.Current;

    public KeyEncryptionKey? Find(string id) => Array.Find(Keys.All, k => k.Id == id);

    /// <summary>True when the key is generated into the data directory (the embedded default), not configured.</summary>
    public bool Generated => IsGenerated(options.Value, storage);

    private string KeysDirectory => Path.Combine(storage.DataDirectory, "keys");

    /// <summary>
    /// Replaces the generated key with a new one; the old one stays beside it as a previous key until nothing is wrapped by it.
    /// Each file is written whole then renamed, the previous key first, so a crash leaves both readable.
    /// </summary>
    public KeyEncryptionKey RotateGenerated()
    {
        if (!Generated)
            throw new StewardException("The key-encryption key comes from configuration: set the new one in Keys:KeyEncryptionKey (or its file), "
                + "move the old one to Keys:PreviousKeyEncryptionKeys, then run 'steward keys rewrap'.");
        lock (_gate)
        {
            var old = Keys.Current;
            var fresh = KeyEncryptionKey.Generate();
            WriteOwnerOnly(Path.Combine(KeysDirectory, KeyEncryptionKey.PreviousFilePrefix + old.Id), old, overwrite: true);
            WriteOwnerOnly(Path.Combine(KeysDirectory, KeyEncryptionKey.GeneratedFileName), fresh, overwrite: true);
            _keys = null;
            return fresh;
        }
    }

    /// <summary>Deletes an earlier generated key (the caller checked nothing is wrapped by it).</summary>
    public void RemoveGeneratedPrevious(string id)
    {
        var file = Path.Combine(KeysDirectory, KeyEncryptionKey.PreviousFilePrefix + id);
        if (!Generated || !File.Exists(file))
            throw new StewardException(Find(id) is null
                ? $"There is no earlier key-encryption key {id}; 'steward keys list' shows which ones wrap keys."
                : $"Key-encryption key {id} comes from configuration: remove it from Keys:PreviousKeyEncryptionKeys.");
        lock (_gate)
        {
            File.Delete(file);
            _keys = null;
        }
    }

    private static bool IsGenerated(KeyOptions o, StorageConnection storage) =>
        o.KeyEncryptionKey is not { Length: > 0 } && o.KeyEncryptionKeyFile is not { Length: > 0 } && storage.Provider == StorageProviders.Sqlite;

    private static (KeyEncryptionKey, KeyEncryptionKey[]) Load(KeyOptions o, StorageConnection storage)
    {
        var generated = Path.Combine(storage.DataDirectory, "keys", KeyEncryptionKey.GeneratedFileName);
        var current = o.KeyEncryptionKey is { Length: > 0 } inline ? Parse(inline, "Keys:KeyEncryptionKey")
            : o.KeyEncryptionKeyFile is { Length: > 0 } file ? Parse(ReadFile(file, "Keys:KeyEncryptionKeyFile"), "Keys:KeyEncryptionKeyFile")
            : storage.Provider == StorageProviders.Sqlite ? LoadOrGenerate(generated)
            : throw new StewardException("Keys:KeyEncryptionKey (or Keys:KeyEncryptionKeyFile) is required with PostgreSQL: every node needs the same key, and it must not live in the database (make one with: openssl rand -base64 32).");
        var previous = o.PreviousKeyEncryptionKeys.Select((k, i) => Parse(k, $"Keys:PreviousKeyEncryptionKeys:{i}"));
        if (IsGenerated(o, storage))
            previous = previous.Concat(Directory.EnumerateFiles(Path.GetDirectoryName(generated)!, KeyEncryptionKey.PreviousFilePrefix + "*")
                .Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(f => Parse(ReadFile(f, "an earlier key-encryption key"), $"The key-encryption key in '{f}'")));
        return (current, [current, .. previous.Where(p => p.Id != current.Id)]);
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
        var key = KeyEncryptionKey.Generate();
        try
        {
            WriteOwnerOnly(path, key, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Parse(ReadFile(path, "the generated key-encryption key"), $"The key-encryption key in '{path}'");
        }
    }

    /// <summary>Writes a key owner-only into a temporary file, flushed to disk, then renames it into place.</summary>
    private static void WriteOwnerOnly(string path, KeyEncryptionKey key, bool overwrite)
    {
        var dir = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, DataDirectory.OwnerOnly);
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
            File.Move(temporary, path, overwrite);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
