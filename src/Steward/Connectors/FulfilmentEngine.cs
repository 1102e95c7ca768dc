using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Steward.People;
using Steward.Security.Keys;

namespace Steward.Connectors;

/// <summary>A field kept by an erasure, and why (the person is told).</summary>
internal sealed record RetainedField(string Field, string Reason);

/// <summary>What erasure did to one collection.</summary>
internal sealed record CollectionErasure(string Collection, int Rows, bool Deleted, IReadOnlyList<string> MaskedFields, IReadOnlyList<RetainedField> Retained);

/// <summary>A query on a connected database failed. The message names the collection and the server's code, never a value.</summary>
internal sealed class ConnectorException(string message) : Exception(message);

/// <summary>
/// Runs plan steps on the connected databases with generated, parameterised SQL: set-based reads in chunks of keys,
/// erasure as set-based UPDATE or DELETE by primary key, one transaction per collection.
/// </summary>
internal sealed class FulfilmentEngine(ConnectionDirectory connections, KeyRing keys)
{
    /// <summary>Key purpose of the <c>hmac</c> masking strategy.</summary>
    public const string MaskingKeyPurpose = "connectors.masking";

    /// <summary>Reads one step's rows from the inputs of earlier steps' outputs (by collection address).</summary>
    public async Task<StepOutput> CollectAsync(FulfilmentPlan plan, int stepIndex, IReadOnlyDictionary<string, StepOutput> earlier, CollectFor purpose, CancellationToken ct, EngineSession? session = null)
    {
        var step = plan.Steps[stepIndex];
        var database = await DatabaseAsync(plan, step, ct);
        var collection = step.Collection;
        var columns = collection.Fields.Select(f => f.Name).ToList();
        var pk = collection.PrimaryKey?.Name;
        var inputs = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        foreach (var input in step.Inputs)
        {
            var values = input.Identity is { } type
                ? plan.Identities.Where(i => IdentityTypes.Name(i.Type) == type).Select(i => (object)i.Value)
                : earlier.TryGetValue(input.FromCollection!.Value.ToString(), out var from) ? from.Keys.GetValueOrDefault(input.FromField!) ?? [] : [];
            var list = inputs.TryGetValue(input.Field, out var existing) ? existing : inputs[input.Field] = [];
            list.AddRange(values);
        }
        foreach (var k in inputs.Keys) inputs[k] = inputs[k].Distinct().ToList();
        // A collection no later step reads from, masked with constants or deleted, is erased by the values that find its rows:
        // reading them first would only cost a round trip, as a hand-written erasure would not.
        if (purpose == CollectFor.Erasure && step.Outputs.Count == 0 && !collection.Fields.Any(NeedsRowValue))
            return new StepOutput(step.Address.ToString(), [], null, inputs, null, null);

        var rows = new List<object?[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using (var lease = await LeaseAsync(database, step, session, ct))
        {
            foreach (var (field, values) in inputs)
                foreach (var chunk in values.Chunk(database.ChunkSize))
                {
                    await using var command = lease.Connection.CreateCommand();
                    command.Transaction = lease.Shared;
                    var condition = database.KeysCondition(command, field, chunk, "k");
                    command.CommandText = $"SELECT {string.Join(", ", columns.Select(ConnectedDatabase.Quote))} FROM {ConnectedDatabase.Quote(collection.Name)} WHERE {condition}";
                    await using var reader = await Guarded(step, () => command.ExecuteReaderAsync(ct));
                    while (await reader.ReadAsync(ct))
                    {
                        var row = new object?[columns.Count];
                        for (var i = 0; i < columns.Count; i++) row[i] = reader.IsDBNull(i) ? null : Scalar(reader.GetValue(i));
                        // Several inputs (or an identity and a reference) may find the same row; it counts once.
                        var identity = pk is null ? string.Join('\u001f', row.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) : Convert.ToString(row[columns.IndexOf(pk)], CultureInfo.InvariantCulture)!;
                        if (seen.Add(identity)) rows.Add(row);
                    }
                }
        }

        var outputs = step.Outputs.Append(pk).OfType<string>().Distinct(StringComparer.Ordinal)
            .ToDictionary(f => f, f => rows.Select(r => r[columns.IndexOf(f)]).OfType<object>().Distinct().ToList(), StringComparer.Ordinal);
        var rowKeys = pk is null ? null : rows.Select(r => r[columns.IndexOf(pk)]!).ToList();
        var access = purpose.HasFlag(CollectFor.Access)
            ? rows.Select(r => columns.Select((c, i) => (c, r[i])).ToDictionary(x => x.c, x => x.Item2, StringComparer.Ordinal)).ToList()
            : null;
        var masks = purpose.HasFlag(CollectFor.Erasure) && pk is not null && !collection.EraseByDelete ? await MasksAsync(collection, columns, rows, pk, ct) : null;
        return new StepOutput(step.Address.ToString(), outputs, rowKeys, inputs, access, masks);
    }

    /// <summary>Erases one collection's rows found by <paramref name="collected"/> in one transaction; repeating it changes nothing more.</summary>
    public async Task<CollectionErasure> EraseAsync(FulfilmentPlan plan, int stepIndex, StepOutput collected, CancellationToken ct, EngineSession? session = null)
    {
        var step = plan.Steps[stepIndex];
        var collection = step.Collection;
        var retained = Retained(plan, step);
        var keep = retained.Select(r => r.Field).ToHashSet(StringComparer.Ordinal);
        var constant = collection.Fields.Where(f => !keep.Contains(f.Name) && f.Erasable && f.Masking is MaskingStrategy.NullRewrite or MaskingStrategy.StringRewrite).ToList();
        var computed = collection.Fields.Where(f => !keep.Contains(f.Name) && f.Erasable && f.Masking is not (MaskingStrategy.NullRewrite or MaskingStrategy.StringRewrite)).ToList();
        var masked = constant.Concat(computed).Select(f => f.Name).ToList();
        if (!collection.EraseByDelete && masked.Count == 0) return new CollectionErasure(collected.Collection, 0, false, [], retained);

        var database = await DatabaseAsync(plan, step, ct);
        var table = ConnectedDatabase.Quote(collection.Name);
        var pk = collection.PrimaryKey?.Name;
        // Rows are found by primary key when they were read, else by the values that found them.
        var selectors = pk is not null && collected.RowKeys is not null ? [(pk, collected.RowKeys)] : collected.Inputs.Select(kv => (kv.Key, kv.Value)).ToList();
        // Each statement, and whether its changed rows are the collection's rows (computed masks rewrite rows already counted).
        var statements = new List<(Action<DbCommand> Build, bool Counts)>();
        var count = 0;
        foreach (var (column, values) in selectors)
            foreach (var chunk in values.Chunk(database.ChunkSize))
            {
                if (collection.EraseByDelete)
                    statements.Add((command => command.CommandText = $"DELETE FROM {table} WHERE {database.KeysCondition(command, column, chunk, "k")}", true));
                else if (constant.Count > 0)
                    statements.Add((command =>
                    {
                        var sets = constant.Select((f, i) => f.Masking == MaskingStrategy.NullRewrite ? $"{ConnectedDatabase.Quote(f.Name)} = NULL"
                            : $"{ConnectedDatabase.Quote(f.Name)} = {ConnectedDatabase.AddParameter(command, $"@m{i}", f.RewriteValue).ParameterName}");
                        command.CommandText = $"UPDATE {table} SET {string.Join(", ", sets)} WHERE {database.KeysCondition(command, column, chunk, "k")}";
                    }, true));
                else
                    count += chunk.Length;
            }
        if (!collection.EraseByDelete && pk is not null)
            foreach (var field in computed)
                foreach (var chunk in (collected.Masks?.GetValueOrDefault(field.Name) ?? []).Chunk(database.ChunkSize / 2))
                    statements.Add((command => command.CommandText = ComputedUpdate(database, command, table, pk, field.Name, chunk), false));

        if (statements.Count == 0) return new CollectionErasure(collected.Collection, count, collection.EraseByDelete, collection.EraseByDelete ? [] : masked, retained);
        await using var lease = await LeaseAsync(database, step, session, ct);
        // A single statement is its own transaction; several share one, so the collection commits whole or not at all.
        await using var tx = lease.Shared is null && statements.Count > 1 ? await lease.Connection.BeginTransactionAsync(ct) : null;
        foreach (var (build, counts) in statements)
        {
            await using var command = lease.Connection.CreateCommand();
            command.Transaction = lease.Shared ?? tx;
            build(command);
            var changed = await Guarded(step, () => command.ExecuteNonQueryAsync(ct));
            if (counts) count += changed;
        }
        if (tx is not null) await tx.CommitAsync(ct);
        return new CollectionErasure(collected.Collection, count, collection.EraseByDelete, collection.EraseByDelete ? [] : masked, retained);
    }

    /// <summary>Sets corrected values on the person's rows of one collection, in one transaction; returns the rows changed.</summary>
    public async Task<int> RectifyAsync(FulfilmentPlan plan, int stepIndex, StepOutput collected, IReadOnlyDictionary<string, string?> values, CancellationToken ct, EngineSession? session = null)
    {
        var step = plan.Steps[stepIndex];
        var pk = step.Collection.PrimaryKey?.Name ?? throw new ConnectorException($"Collection {step.Address} has no primary_key: rectification changes rows by key.");
        var database = await DatabaseAsync(plan, step, ct);
        var count = 0;
        await using var lease = await LeaseAsync(database, step, session, ct);
        await using var tx = lease.Shared is null ? await lease.Connection.BeginTransactionAsync(ct) : null;
        foreach (var chunk in (collected.RowKeys ?? []).Chunk(database.ChunkSize - values.Count))
        {
            await using var command = lease.Connection.CreateCommand();
            command.Transaction = lease.Shared ?? tx;
            var sets = values.Select((kv, i) => $"{ConnectedDatabase.Quote(kv.Key)} = {ConnectedDatabase.AddParameter(command, $"@v{i}", kv.Value).ParameterName}").ToList();
            command.CommandText = $"UPDATE {ConnectedDatabase.Quote(step.Collection.Name)} SET {string.Join(", ", sets)} WHERE {database.KeysCondition(command, pk, chunk, "k")}";
            count += await Guarded(step, () => command.ExecuteNonQueryAsync(ct));
        }
        if (tx is not null) await tx.CommitAsync(ct);
        return count;
    }

    private async Task<ConnectedDatabase> DatabaseAsync(FulfilmentPlan plan, PlanStep step, CancellationToken ct)
    {
        if (!plan.Connections.TryGetValue(step.Connection, out var connection))
            plan.Connections[step.Connection] = connection = await connections.GetAsync(step.Connection, ct);
        return connection.Database;
    }

    /// <summary>Fields erasure keeps: under a legal duty, read-only, or keys the plan's references use (they identify rows, not the person).</summary>
    public static List<RetainedField> Retained(FulfilmentPlan plan, PlanStep step)
    {
        var linking = plan.Steps.SelectMany(s => s.Inputs.Where(i => i.FromCollection == step.Address).Select(i => i.FromField!))
            .Concat(step.Inputs.Where(i => i.Identity is null).Select(i => i.Field)).ToHashSet(StringComparer.Ordinal);
        var retained = new List<RetainedField>();
        foreach (var f in step.Collection.Fields.Where(f => f.DataCategories.Any(c => c.StartsWith("user", StringComparison.Ordinal))))
        {
            if (f.RetainReason is { } reason) retained.Add(new RetainedField(f.Name, reason));
            else if (f.ReadOnly) retained.Add(new RetainedField(f.Name, "read-only in the company's database"));
            else if (f.PrimaryKey || linking.Contains(f.Name) || f.References.Count > 0) retained.Add(new RetainedField(f.Name, "key linking records; identifies no one once the other fields are erased"));
        }
        return retained;
    }

    private async Task<Dictionary<string, List<MaskedValue>>> MasksAsync(DatasetCollection collection, List<string> columns, List<object?[]> rows, string pk, CancellationToken ct)
    {
        var masks = new Dictionary<string, List<MaskedValue>>(StringComparer.Ordinal);
        byte[]? hmacKey = null;
        foreach (var f in collection.Fields.Where(NeedsRowValue))
        {
            if (f.Masking == MaskingStrategy.Hmac) hmacKey ??= (await keys.CurrentAsync(MaskingKeyPurpose, ct)).Material;
            var i = columns.IndexOf(f.Name);
            masks[f.Name] = rows.Where(r => r[i] is not null).Select(r => new MaskedValue(r[columns.IndexOf(pk)]!, Fit(f, f.Masking switch
            {
                MaskingStrategy.Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text(r[i])))),
                MaskingStrategy.Hmac => Convert.ToHexStringLower(HMACSHA256.HashData(hmacKey!, Encoding.UTF8.GetBytes(Text(r[i])))),
                _ => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            }))).ToList();
        }
        return masks;
    }

    /// <summary>Masks written per row (from the row's value, or random once): they need the rows read first.</summary>
    private static bool NeedsRowValue(DatasetField f) =>
        f.Erasable && !f.PrimaryKey && f.References.Count == 0 && f.Masking is MaskingStrategy.Hash or MaskingStrategy.Hmac or MaskingStrategy.RandomStringRewrite;

    private static string Fit(DatasetField f, string value) => f.Length is { } max && value.Length > max ? value[..max] : value;

    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    /// <summary>One set-based UPDATE writing a different value per row, joined on the primary key.</summary>
    private static string ComputedUpdate(ConnectedDatabase database, DbCommand command, string table, string pk, string field, MaskedValue[] chunk)
    {
        var column = ConnectedDatabase.Quote(field);
        var key = ConnectedDatabase.Quote(pk);
        if (database is PostgresDatabase)
        {
            database.KeysCondition(command, pk, chunk.Select(m => m.Key).ToList(), "k");
            ConnectedDatabase.AddParameter(command, "v", chunk.Select(m => m.Value).ToArray());
            return $"UPDATE {table} SET {column} = m.v FROM unnest(@k, @v) AS m(k, v) WHERE {table}.{key} = m.k";
        }
        ConnectedDatabase.AddParameter(command, "@rows", System.Text.Json.JsonSerializer.Serialize(chunk.Select(m => new object[] { m.Key, m.Value }), StepOutput.Json));
        return $"UPDATE {table} SET {column} = m.v FROM (SELECT json_extract(value, '$[0]') AS k, json_extract(value, '$[1]') AS v FROM json_each(@rows)) AS m WHERE {table}.{key} = m.k";
    }

    /// <summary>Values as keys travel: whole numbers as long, the rest as they are (text, dates for reading).</summary>
    private static object Scalar(object value) => value switch
    {
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        Guid g => g.ToString("D"),
        _ => value,
    };

    /// <summary>A connection for one step: the session's (with its transaction) when there is one, else a new one the step closes.</summary>
    private sealed class Lease(DbConnection connection, DbTransaction? shared, bool owned) : IAsyncDisposable
    {
        public DbConnection Connection => connection;
        public DbTransaction? Shared => shared;
        public ValueTask DisposeAsync() => owned ? connection.DisposeAsync() : ValueTask.CompletedTask;
    }

    private static async Task<Lease> LeaseAsync(ConnectedDatabase database, PlanStep step, EngineSession? session, CancellationToken ct)
    {
        if (session is null) return new Lease(await OpenAsync(database, step, ct), null, owned: true);
        var (connection, tx) = await session.GetAsync(step.Connection, () => OpenAsync(database, step, ct), ct);
        return new Lease(connection, tx, owned: false);
    }

    private static async Task<DbConnection> OpenAsync(ConnectedDatabase database, PlanStep step, CancellationToken ct)
    {
        try
        {
            return await database.OpenAsync(ct);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            throw new ConnectorException($"Cannot open connection '{step.Connection}' for {step.Address}: {ConnectionDirectory.Reason(e)}.");
        }
    }

    /// <summary>Runs a statement; a failure becomes a message with the collection and error code only (a database's message may quote the person's values).</summary>
    private static async Task<T> Guarded<T>(PlanStep step, Func<Task<T>> run)
    {
        try
        {
            return await run();
        }
        catch (DbException e)
        {
            var code = e is Npgsql.PostgresException pg ? pg.SqlState : e is Microsoft.Data.Sqlite.SqliteException s ? $"SQLite {s.SqliteErrorCode}" : e.GetType().Name;
            throw new ConnectorException($"A statement on {step.Address} (connection '{step.Connection}') failed with {code}.");
        }
    }
}

/// <summary>
/// The connections one run of a plan shares between its steps, and with <see cref="OneTransaction"/> one transaction per
/// connection, committed by <see cref="CommitAsync"/>: a whole erasure then commits at once on each database, or not at all.
/// </summary>
internal sealed class EngineSession(bool oneTransaction) : IAsyncDisposable
{
    private readonly Dictionary<string, (DbConnection Connection, DbTransaction? Transaction)> _open = new(StringComparer.Ordinal);

    public bool OneTransaction => oneTransaction;

    internal async Task<(DbConnection, DbTransaction?)> GetAsync(string connection, Func<Task<DbConnection>> open, CancellationToken ct)
    {
        if (_open.TryGetValue(connection, out var known)) return known;
        var opened = await open();
        var tx = oneTransaction ? await opened.BeginTransactionAsync(ct) : null;
        _open[connection] = (opened, tx);
        return (opened, tx);
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        foreach (var (_, tx) in _open.Values)
            if (tx is not null) await tx.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (connection, tx) in _open.Values)
        {
            if (tx is not null) await tx.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
