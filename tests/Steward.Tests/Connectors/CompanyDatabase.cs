using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Steward.Connectors;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Connectors;

/// <summary>
/// A company's own database for connector tests: a SQLite file, or a throwaway PostgreSQL database on the server of
/// STEWARD_TEST_POSTGRES (skipped when unset). Made with the example shop schema and two customers.
/// </summary>
internal sealed class CompanyDatabase : IAsyncDisposable
{
    public const string AliceEmail = "alice.private@example.com";
    public const string BobEmail = "bob.private@example.com";
    public const string AlicePhone = "+8613800000001";

    public const string ShopSchema = """
        CREATE TABLE country (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT, name TEXT, country_id INTEGER REFERENCES country(id));
        CREATE TABLE address (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer(id), street TEXT);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer(id), note TEXT, invoice_amount INTEGER);
        CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id), gift_message TEXT);
        CREATE TABLE logins (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer(id), ip TEXT);
        CREATE TABLE newsletter (email TEXT, topic TEXT);
        CREATE TABLE phone_book (id TEXT PRIMARY KEY, phone TEXT, nickname TEXT);
        INSERT INTO country VALUES (1, 'China');
        INSERT INTO customer VALUES (1, 'alice.private@example.com', 'Alice', 1), (2, 'bob.private@example.com', 'Bob', 1);
        INSERT INTO address VALUES (10, 1, 'Alice Road 1'), (20, 2, 'Bob Road 2');
        INSERT INTO orders VALUES (100, 1, 'ring the bell', 4200), (200, 2, 'leave at door', 1900);
        INSERT INTO order_items VALUES (1000, 100, 'happy birthday'), (2000, 200, 'for mum');
        INSERT INTO logins VALUES (7, 1, '10.0.0.1'), (8, 2, '10.0.0.2');
        INSERT INTO newsletter VALUES ('alice.private@example.com', 'deals'), ('bob.private@example.com', 'deals');
        INSERT INTO phone_book VALUES ('pa', '+8613800000001', 'Ali'), ('pb', '+8613800000002', 'Bobby');
        """;

    public string Type { get; }
    public string ConnectionString { get; }
    private readonly string? _postgresName;
    private readonly string? _folder;

    private CompanyDatabase(string type, string connectionString, string? postgresName, string? folder)
    {
        Type = type;
        ConnectionString = connectionString;
        _postgresName = postgresName;
        _folder = folder;
    }

    /// <summary>A new empty database of <paramref name="type"/>; skips the test for postgres without a server.</summary>
    public static async Task<CompanyDatabase> CreateAsync(string type, string schema = ShopSchema)
    {
        CompanyDatabase db;
        if (type == ConnectionTypes.Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("steward-company-").FullName;
            db = new CompanyDatabase(type, new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "shop.db"), Pooling = false, ForeignKeys = true }.ToString(), null, folder);
        }
        else
        {
            if (TestDatabase.PostgresServer is not { } server) { Assert.Skip("STEWARD_TEST_POSTGRES is not set"); throw new InvalidOperationException(); }
            var name = "steward_company_" + Guid.NewGuid().ToString("N")[..12];
            await using (var admin = new NpgsqlConnection(server))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                await create.ExecuteNonQueryAsync();
            }
            db = new CompanyDatabase(type, new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ToString(), name, null);
        }
        await db.ExecuteAsync(schema);
        return db;
    }

    public DbConnection Open() => Type == ConnectionTypes.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    /// <summary>Every row of every table as text, to compare a person's rows before and after.</summary>
    public async Task<string> DumpAsync(string table, string where)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table} WHERE {where} ORDER BY 1";
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
            lines.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return string.Join("\n", lines);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresName is not null)
        {
            await using var admin = new NpgsqlConnection(TestDatabase.PostgresServer);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        if (_folder is not null)
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { /* cleaned by the OS */ }
        }
    }
}
