using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Steward.Connectors;

/// <summary>A foreign key of a connected database: <c>Table.Column → ParentTable.ParentColumn</c>.</summary>
internal sealed record ForeignKey(string Table, string Column, string ParentTable, string ParentColumn);

/// <summary>Tables, columns (with their declared types) and foreign keys of a connected database, read when a dataset is imported or checked.</summary>
internal sealed record LiveSchema(IReadOnlyDictionary<string, IReadOnlySet<string>> Columns, IReadOnlyList<ForeignKey> ForeignKeys)
{
    /// <summary>Declared type per <c>table.column</c>, lower case (PostgreSQL's data_type, SQLite's declared type).</summary>
    public IReadOnlyDictionary<string, string> Types { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public bool Has(string table, string? column = null) =>
        Columns.TryGetValue(table, out var cols) && (column is null || cols.Contains(column));

    public string? TypeOf(string table, string column) => Types.GetValueOrDefault($"{table}.{column}");

    /// <summary>Whether a column holds dates or times: PostgreSQL date and timestamp types, SQLite columns declared DATE, DATETIME or TIMESTAMP.</summary>
    public bool IsDateTime(string table, string column) => TypeOf(table, column) is { } type
        && (type is "date" || type.StartsWith("timestamp", StringComparison.Ordinal) || type.Contains("date", StringComparison.Ordinal) || type.Contains("time", StringComparison.Ordinal));
}

/// <summary>
/// One company database reached with plain ADO.NET: the dialect differences Steward's generated SQL needs
/// (identifier quoting, how a set of keys is passed, how many parameters a statement may carry).
/// </summary>
internal abstract class ConnectedDatabase(string connectionString)
{
    protected string ConnectionString { get; } = connectionString;

    /// <summary>Keys per statement: PostgreSQL takes one array parameter, SQLite one parameter per key (at most 999 per statement).</summary>
    public abstract int ChunkSize { get; }

    public abstract DbConnection CreateConnection();

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>An identifier in double quotes, inner quotes doubled: safe for any name the dataset gives.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Appends <c>column = ANY(...)</c> (or IN) for <paramref name="keys"/> to <paramref name="command"/>; returns the SQL condition.</summary>
    public abstract string KeysCondition(DbCommand command, string column, IReadOnlyList<object> keys, string prefix);

    public abstract Task<LiveSchema> ReadSchemaAsync(CancellationToken ct);

    public static DbParameter AddParameter(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
        return p;
    }

    public static ConnectedDatabase For(string type, string connectionString) => type switch
    {
        ConnectionTypes.Postgres => new PostgresDatabase(connectionString),
        ConnectionTypes.Sqlite => new SqliteDatabase(connectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a database connection"),
    };

    protected static async Task<List<string[]>> ReadAllAsync(DbConnection connection, string sql, int width, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<string[]>();
        while (await reader.ReadAsync(ct))
            rows.Add(Enumerable.Range(0, width).Select(i => reader.IsDBNull(i) ? "" : reader.GetString(i)).ToArray());
        return rows;
    }

    protected static LiveSchema Schema(List<string[]> columns, IEnumerable<ForeignKey> keys) => new(
        columns.GroupBy(c => c[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(c => c[1]).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal),
        keys.ToList())
    {
        Types = columns.GroupBy(c => $"{c[0]}.{c[1]}", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First()[2].ToLowerInvariant(), StringComparer.Ordinal),
    };
}

internal sealed class PostgresDatabase(string connectionString) : ConnectedDatabase(connectionString)
{
    public override int ChunkSize => 1000;

    public override DbConnection CreateConnection() => new NpgsqlConnection(ConnectionString);

    public override string KeysCondition(DbCommand command, string column, IReadOnlyList<object> keys, string prefix)
    {
        // One typed array parameter: the plan's keys are whole numbers or text (see FulfilmentKeys).
        object array = keys.All(k => k is long) ? keys.Cast<long>().ToArray() : keys.Select(k => Convert.ToString(k, System.Globalization.CultureInfo.InvariantCulture)!).ToArray();
        AddParameter(command, prefix, array);
        return $"{Quote(column)} = ANY(@{prefix})";
    }

    public override async Task<LiveSchema> ReadSchemaAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var columns = await ReadAllAsync(connection,
            "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = current_schema()", 3, ct);
        var keys = await ReadAllAsync(connection, """
            SELECT child.relname::text, ca.attname::text, parent.relname::text, pa.attname::text
            FROM pg_constraint c
            JOIN pg_class child ON child.oid = c.conrelid
            JOIN pg_class parent ON parent.oid = c.confrelid
            JOIN pg_namespace n ON n.oid = child.relnamespace
            CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(child_col, parent_col)
            JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = k.child_col
            JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.parent_col
            WHERE c.contype = 'f' AND n.nspname = current_schema()
            """, 4, ct);
        return Schema(columns, keys.Select(k => new ForeignKey(k[0], k[1], k[2], k[3])));
    }
}

internal sealed class SqliteDatabase(string connectionString) : ConnectedDatabase(connectionString)
{
    // SQLite allows 999 variables in older builds; a chunk leaves room for the statement's other parameters.
    public override int ChunkSize => 900;

    public override DbConnection CreateConnection() => new SqliteConnection(ConnectionString);

    public override string KeysCondition(DbCommand command, string column, IReadOnlyList<object> keys, string prefix)
    {
        var names = new string[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            names[i] = $"@{prefix}_{i}";
            AddParameter(command, names[i], keys[i]);
        }
        return $"{Quote(column)} IN ({string.Join(',', names)})";
    }

    public override async Task<LiveSchema> ReadSchemaAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var columns = await ReadAllAsync(connection,
            "SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'", 3, ct);
        var keys = await ReadAllAsync(connection,
            "SELECT m.name, f.\"from\", f.\"table\", coalesce(f.\"to\", '') FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'", 4, ct);
        // A foreign key without a parent column points at the parent's primary key.
        var pks = (await ReadAllAsync(connection,
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.pk = 1", 2, ct))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        return Schema(columns, keys.Select(k => new ForeignKey(k[0], k[1], k[2], k[3].Length > 0 ? k[3] : pks.GetValueOrDefault(k[2], ""))));
    }
}
