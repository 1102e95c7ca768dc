using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Hosting;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.Connectors;

/// <summary>A connection without its secret: for listing.</summary>
internal sealed record ConnectionInfo(string Name, string Type, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>A connection with its secret in clear, in memory only. <see cref="ToString"/> never shows the secret.</summary>
internal sealed record OpenedConnection(string Name, string Type, string Secret)
{
    public override string ToString() => $"{Type} connection '{Name}'";

    public ConnectedDatabase Database => ConnectionTypes.IsDatabase(Type)
        ? ConnectedDatabase.For(Type, Secret)
        : throw new StewardException($"Connection '{Name}' is a {Type} connection, not a database.");
}

/// <summary>Connections to company systems: added, listed, tested and removed with audit entries; secrets encrypted at rest.</summary>
internal sealed class ConnectionDirectory(IDbContextFactory<StewardDbContext> contexts, KeyRing keys, AuditLog audit, ConnectorChanges changes, TimeProvider time)
{
    /// <summary>Key purpose of connection secrets (wrapped by the key-encryption key like every key).</summary>
    public const string SecretsKeyPurpose = "connectors.secrets";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public async Task AddAsync(string name, string type, string secret, string actor, CancellationToken ct)
    {
        if (!ValidName(name)) throw new StewardException($"Connection name '{name}' must be 1-100 letters, digits, '-' or '_'.", Cli.ExitCodes.Usage);
        if (!ConnectionTypes.All.Contains(type)) throw new StewardException($"Connection type '{type}' is not one of {string.Join(", ", ConnectionTypes.All)}.", Cli.ExitCodes.Usage);
        CheckSecretForm(type, secret);
        var key = await keys.CurrentAsync(SecretsKeyPurpose, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Set<Connection>().AnyAsync(c => c.Name == name, ct)) throw new StewardException($"A connection named '{name}' exists already; remove it first.");
        var row = new Connection
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Name = name,
            Type = type,
            KeyVersion = key.Version,
            Secret = Encrypt(key, name, secret),
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor,
        };
        db.Add(row);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "connectors.connection.added", ConnectionAuditedRecords.Target(name),
            new { type, digest = ConnectionAuditedRecords.Digest(row) }), ct);
        await changes.PublishWithinAsync(db, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        changes.Bump();
    }

    public async Task<List<ConnectionInfo>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Set<Connection>().AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        return rows.Select(c => new ConnectionInfo(c.Name, c.Type, c.CreatedAt, c.CreatedBy)).ToList();
    }

    /// <summary>Removes a connection; refused while a dataset still describes it.</summary>
    public async Task<bool> RemoveAsync(string name, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.Set<Connection>().FirstOrDefaultAsync(c => c.Name == name, ct);
        if (row is null) return false;
        var datasets = await db.Set<Dataset>().Where(d => d.ConnectionName == name).Select(d => d.FidesKey).ToListAsync(ct);
        if (datasets.Count > 0) throw new StewardException($"Connection '{name}' is described by dataset(s) {string.Join(", ", datasets)}; remove them first.");
        db.Remove(row);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "connectors.connection.removed", ConnectionAuditedRecords.Target(name),
            new { digest = AuditedRecordDigest.Absent }), ct);
        await changes.PublishWithinAsync(db, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        changes.Bump();
        return true;
    }

    /// <summary>The connection with its secret decrypted, or null when there is none by that name.</summary>
    public async Task<OpenedConnection?> FindAsync(string name, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<Connection>().AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, ct);
        if (row is null) return null;
        var key = await keys.FindAsync(SecretsKeyPurpose, row.KeyVersion, ct)
            ?? throw new StewardException($"The key that encrypted connection '{name}' is gone; add the connection again.");
        return new OpenedConnection(row.Name, row.Type, Decrypt(key, row));
    }

    public async Task<OpenedConnection> GetAsync(string name, CancellationToken ct) =>
        await FindAsync(name, ct) ?? throw new StewardException($"There is no connection named '{name}' (see 'steward connection list').");

    /// <summary>Opens a database connection and runs <c>SELECT 1</c>; null when it works, else a one-line reason without the secret.</summary>
    public static async Task<string?> TestAsync(OpenedConnection connection, CancellationToken ct)
    {
        if (!ConnectionTypes.IsDatabase(connection.Type)) return null;
        try
        {
            await using var db = await connection.Database.OpenAsync(ct);
            await using var command = db.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(ct);
            return null;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ArgumentException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return Reason(e);
        }
    }

    /// <summary>What went wrong, in words that cannot carry the connection string (only the exception kind and the server's error code).</summary>
    public static string Reason(Exception e) => e switch
    {
        Npgsql.PostgresException pg => $"the server refused ({pg.SqlState}: {pg.MessageText.ReplaceLineEndings(" ")})",
        Npgsql.NpgsqlException { InnerException: System.Net.Sockets.SocketException s } => $"cannot reach the server ({s.SocketErrorCode})",
        Npgsql.NpgsqlException { InnerException: TimeoutException } => "the server did not answer in time",
        Microsoft.Data.Sqlite.SqliteException s => $"SQLite error {s.SqliteErrorCode} (extended {s.SqliteExtendedErrorCode})",
        ArgumentException => "the connection string is not valid for this type",
        _ => $"it failed ({e.GetType().Name})",
    };

    private static void CheckSecretForm(string type, string secret)
    {
        try
        {
            _ = type switch
            {
                ConnectionTypes.Postgres => new Npgsql.NpgsqlConnectionStringBuilder(secret).Host ?? throw new ArgumentException("no host"),
                ConnectionTypes.Sqlite => new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(secret).DataSource,
                ConnectionTypes.Webhook => WebhookTarget.Parse(secret).Url.ToString(),
                _ => "",
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The parser's message may quote the string; say only what form is expected.
            throw new StewardException(type == ConnectionTypes.Webhook
                ? "A webhook connection string must be 'url=https://...;secret=...' (the secret signs each request)."
                : $"The connection string is not a valid {type} connection string.", Cli.ExitCodes.Usage);
        }
    }

    private static bool ValidName(string name) => name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static byte[] Encrypt(ManagedKey key, string name, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var output = new byte[NonceSize + TagSize + plain.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(key.Material, TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Associated(name));
        return output;
    }

    private static string Decrypt(ManagedKey key, Connection row)
    {
        var plain = new byte[row.Secret.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key.Material, TagSize);
            aes.Decrypt(row.Secret.AsSpan(0, NonceSize), row.Secret.AsSpan(NonceSize + TagSize), row.Secret.AsSpan(NonceSize, TagSize), plain, Associated(row.Name));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new StewardException($"The secret of connection '{row.Name}' does not decrypt: it was altered or copied from another connection.");
        }
        return Encoding.UTF8.GetString(plain);
    }

    // Binds a secret to its connection: a ciphertext copied onto another row fails to decrypt.
    private static byte[] Associated(string name) => Encoding.UTF8.GetBytes($"steward-connection\n{name}");
}

/// <summary>Connections as audited records: name, type and the encrypted secret's digest.</summary>
internal sealed class ConnectionAuditedRecords : IAuditedRecords
{
    public string TargetPrefix => "connection:";

    public static string Target(string name) => $"connection:{name}";

    public static string Digest(Connection c) => AuditedRecordDigest.Of(c.Name, c.Type, Convert.ToHexStringLower(SHA256.HashData(c.Secret)));

    public async IAsyncEnumerable<AuditedRecord> CurrentAsync(StewardDbContext db, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var c in db.Set<Connection>().AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
            yield return new AuditedRecord(Target(c.Name), Digest(c));
    }
}
