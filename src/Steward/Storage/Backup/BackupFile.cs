using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Steward.Hosting;

namespace Steward.Storage.Backup;

/// <summary>What a backup says about itself: checked before anything is replaced.</summary>
internal sealed record BackupManifest(int Format, string Steward, string Migration, DateTimeOffset CreatedAt, long Length, string Sha256);

/// <summary>
/// A backup file: a first line naming the format, a one-line JSON manifest (schema migration, Steward version, length and
/// SHA-256 of the database), then the SQLite database itself. A foreign, truncated or altered file is recognised before use.
/// </summary>
internal static class BackupFile
{
    public const string Magic = "STEWARD-BACKUP";
    public const int Format = 1;
    private const int MaxHeader = 4096;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string StewardVersion => typeof(BackupFile).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>Writes the header and <paramref name="database"/> to <paramref name="output"/>.</summary>
    public static async Task WriteAsync(Stream output, string database, string migration, DateTimeOffset now, CancellationToken ct)
    {
        string sha;
        await using (var read = File.OpenRead(database))
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, ct));
        var manifest = new BackupManifest(Format, StewardVersion, migration, now, new FileInfo(database).Length, sha);
        await output.WriteAsync(Encoding.UTF8.GetBytes($"{Magic} {Format}\n{JsonSerializer.Serialize(manifest, Json)}\n"), ct);
        await using (var read = File.OpenRead(database))
            await read.CopyToAsync(output, ct);
    }

    /// <summary>
    /// Checks <paramref name="file"/> and copies its database to <paramref name="database"/> (a new owner-only file); a one-line
    /// error when it is not a Steward backup, is damaged, or comes from a newer Steward.
    /// </summary>
    public static async Task<BackupManifest> ExtractAsync(string file, string database, CancellationToken ct)
    {
        FileStream input;
        try { input = File.OpenRead(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new StewardException($"{file}: cannot read ({e.Message}).");
        }
        await using (input)
        {
            var magic = ReadLine(input);
            if (magic is null || !magic.StartsWith(Magic + " ", StringComparison.Ordinal))
                throw new StewardException($"{file}:1:1: not a Steward backup.");
            if (!int.TryParse(magic.AsSpan(Magic.Length + 1), out var format) || format > Format)
                throw new StewardException($"{file}:1:1: a backup of format '{magic[(Magic.Length + 1)..]}', made by a newer Steward; upgrade Steward to restore it.");
            BackupManifest manifest;
            try
            {
                manifest = JsonSerializer.Deserialize<BackupManifest>(ReadLine(input) ?? "", Json) ?? throw new JsonException();
            }
            catch (JsonException)
            {
                throw new StewardException($"{file}:2:1: the backup's manifest is damaged.");
            }
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = DataDirectory.OwnerReadWrite;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            await using (var output = new FileStream(database, create))
            {
                var buffer = new byte[1 << 16];
                for (int n; (n = await input.ReadAsync(buffer, ct)) > 0;)
                {
                    hash.AppendData(buffer, 0, n);
                    await output.WriteAsync(buffer.AsMemory(0, n), ct);
                    length += n;
                }
                output.Flush(flushToDisk: true);
            }
            if (length != manifest.Length || Convert.ToHexStringLower(hash.GetHashAndReset()) != manifest.Sha256)
                throw new StewardException($"{file}: the backup is damaged or incomplete (its SHA-256 does not match its manifest).");
            return manifest;
        }
    }

    // The header is read byte by byte so the stream stays at the database's first byte.
    private static string? ReadLine(Stream input)
    {
        var bytes = new List<byte>();
        for (int b; (b = input.ReadByte()) != -1;)
        {
            if (b == '\n') return Encoding.UTF8.GetString(bytes.ToArray());
            if (bytes.Count == MaxHeader) return null;
            bytes.Add((byte)b);
        }
        return null;
    }
}
