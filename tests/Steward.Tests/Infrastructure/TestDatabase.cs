using Npgsql;
using Steward.Hosting;

namespace Steward.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database for one test app: a SQLite file in a temporary folder, or a new PostgreSQL
/// database on the server named by STEWARD_TEST_POSTGRES (CI runs the suite once each way).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public static readonly string? PostgresServer = Environment.GetEnvironmentVariable("STEWARD_TEST_POSTGRES") is { Length: > 0 } s ? s : null;
    public static bool IsPostgres => PostgresServer is not null;

    public string DataDirectory { get; }
    public string Provider { get; }
    public string? ConnectionString { get; }
    private readonly string? _databaseName;

    private TestDatabase(string dataDirectory, string provider, string? connectionString, string? databaseName)
    {
        DataDirectory = dataDirectory;
        Provider = provider;
        ConnectionString = connectionString;
        _databaseName = databaseName;
    }

    public static async Task<TestDatabase> CreateAsync()
    {
        var dir = Directory.CreateTempSubdirectory("steward-test-").FullName;
        if (PostgresServer is null) return new TestDatabase(dir, StorageProviders.Sqlite, null, null);

        var name = "steward_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(PostgresServer))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ToString();
        return new TestDatabase(dir, StorageProviders.Postgres, cs, name);
    }

    /// <summary>Configuration keys that point Steward at this database.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = Provider,
        ["Storage:DataDirectory"] = DataDirectory,
        ["Storage:ConnectionString"] = ConnectionString,
        // PostgreSQL needs the key-encryption key from configuration (nodes share it); SQLite generates one into the data directory.
        ["Keys:KeyEncryptionKey"] = Provider == StorageProviders.Postgres ? KeyEncryptionKey : null,
    };

    /// <summary>This database's key-encryption key when it comes from configuration.</summary>
    public string KeyEncryptionKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The same as environment variables, for the CLI run as a process.</summary>
    public Dictionary<string, string?> EnvironmentVariables() => Settings()
        .ToDictionary(kv => StewardConfiguration.EnvironmentPrefix + kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value);

    public async ValueTask DisposeAsync()
    {
        if (_databaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresServer);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { /* a process may still hold the folder; the temp folder is cleaned by the OS */ }
    }
}
