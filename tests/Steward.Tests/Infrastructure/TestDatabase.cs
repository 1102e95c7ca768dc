using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.Tests.Infrastructure;

/// <summary>
/// A database for one test app: a SQLite file in a temporary folder, or a new PostgreSQL database on
/// the server named by STEWARD_TEST_POSTGRES (CI runs the suite once each way). Migrating is the
/// slow part of starting, so each run migrates one template per provider and every test gets a
/// copy: a file copy for SQLite, <c>CREATE DATABASE ... TEMPLATE</c> for PostgreSQL.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
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

    /// <summary>A database with this build's schema (a copy of the run's migrated template).</summary>
    public static Task<TestDatabase> CreateAsync() => CreateAsync(migrated: true);

    /// <summary>An empty database, for tests of what migrating a new one does.</summary>
    public static Task<TestDatabase> CreateEmptyAsync() => CreateAsync(migrated: false);

    private static async Task<TestDatabase> CreateAsync(bool migrated)
    {
        var dir = Directory.CreateTempSubdirectory("steward-test-").FullName;
        if (PostgresServer is null)
        {
            if (migrated) File.Copy(await Template.SqliteFileAsync(), Path.Combine(dir, "steward.db"));
            return new TestDatabase(dir, StorageProviders.Sqlite, null, null);
        }

        var name = "steward_t_" + Guid.NewGuid().ToString("N")[..16];
        var template = migrated ? await Template.PostgresDatabaseAsync() : null;
        await Template.CreatePostgresDatabaseAsync(name, template);
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

    /// <summary>The run's migrated templates, made on first use and removed when the test process ends.</summary>
    private static class Template
    {
        private static readonly SemaphoreSlim Gate = new(1, 1);
        private static string? _sqliteFile;
        private static string? _postgresName;
        private const string PostgresPrefix = "steward_template_";

        public static async Task<string> SqliteFileAsync()
        {
            if (_sqliteFile is { } ready) return ready;
            await Gate.WaitAsync();
            try
            {
                if (_sqliteFile is not null) return _sqliteFile;
                var dir = Directory.CreateTempSubdirectory("steward-template-").FullName;
                var file = Path.Combine(dir, "steward.db");
                // No pooling and the default rollback journal: once the context is gone the file is complete and closed, so a copy is a whole database.
                var cs = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString();
                await using (var db = StorageSetup.CreateContext(StorageProviders.Sqlite, cs))
                    await db.Database.MigrateAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
                return _sqliteFile = file;
            }
            finally
            {
                Gate.Release();
            }
        }

        public static async Task<string> PostgresDatabaseAsync()
        {
            if (_postgresName is { } ready) return ready;
            await Gate.WaitAsync();
            try
            {
                if (_postgresName is not null) return _postgresName;
                await DropStaleTemplatesAsync();
                // Named by the time it was made, so a run that died without cleaning up is recognisable by later runs.
                var name = PostgresPrefix + TimeProvider.System.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..8];
                await CreatePostgresDatabaseAsync(name, null);
                // Without pooling no connection stays open: a template must have none while it is copied.
                var cs = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name, Pooling = false }.ToString();
                await using (var db = StorageSetup.CreateContext(StorageProviders.Postgres, cs))
                    await db.Database.MigrateAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => DropAsync(name).GetAwaiter().GetResult();
                return _postgresName = name;
            }
            finally
            {
                Gate.Release();
            }
        }

        public static async Task CreatePostgresDatabaseAsync(string name, string? template)
        {
            await using var admin = new NpgsqlConnection(PostgresServer);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand(template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}", admin);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await create.ExecuteNonQueryAsync();
                    return;
                }
                // 55006: the template is being accessed by other users, e.g. a parallel copy still closing; the next try finds it free.
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
                {
                    await Task.Delay(50 * attempt);
                }
            }
        }

        // Templates of runs that ended without dropping theirs (killed); an hour is far beyond any run.
        private static async Task DropStaleTemplatesAsync()
        {
            var cutoff = TimeProvider.System.GetUtcNow().AddHours(-1).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            var stale = new List<string>();
            await using (var admin = new NpgsqlConnection(PostgresServer))
            {
                await admin.OpenAsync();
                await using var list = new NpgsqlCommand($"SELECT datname FROM pg_database WHERE datname LIKE '{PostgresPrefix}%'", admin);
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    var n = reader.GetString(0);
                    if (n.Length >= PostgresPrefix.Length + 14 && string.CompareOrdinal(n.Substring(PostgresPrefix.Length, 14), cutoff) < 0) stale.Add(n);
                }
            }
            foreach (var n in stale) await DropAsync(n);
        }

        private static async Task DropAsync(string name)
        {
            await using var admin = new NpgsqlConnection(PostgresServer);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
