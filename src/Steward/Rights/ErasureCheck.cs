using System.Data.Common;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Audit;
using Steward.Connectors;
using Steward.People;
using Steward.Storage;

namespace Steward.Rights;

/// <summary>
/// A place where the person's identifier was found after their erasure: <c>connection:table.column</c>,
/// <c>steward:table.column</c> or <c>log:PATH</c>, how many rows (or log hits) hold it, and, when a legal duty keeps it,
/// why. Never the value.
/// </summary>
public sealed record ErasureCheckHit(string Location, long Count, string? Kept);

/// <summary>What an erasure check read: tables and columns of the company's databases (in full, or sampled), Steward's own columns, log files.</summary>
public sealed record ErasureCheckScope(int Tables, int FullColumns, int SampledColumns, int SampleRows, int StewardColumns, int LogFiles, long LogBytes);

/// <summary>
/// The result of looking for a person's identifiers after their erasure, kept on the request record. Names places and
/// counts only. <see cref="Unchecked"/> lists what could not be read (a database down, a log file missing), with a reason.
/// </summary>
public sealed record ErasureCheckResult(DateTimeOffset CheckedAt, int Forms, IReadOnlyList<ErasureCheckHit> Hits,
    IReadOnlyList<string> Unchecked, ErasureCheckScope Scope)
{
    public IReadOnlyList<ErasureCheckHit> Findings => Hits.Where(h => h.Kept is null).ToList();

    /// <summary>Findings and places not checked: what staff must look at.</summary>
    public int Problems => Findings.Count + Unchecked.Count;

    /// <summary>One line for the step, the audit and the CLI: counts only.</summary>
    public string Describe() =>
        (Problems == 0 ? "clean" : $"{Findings.Count} finding(s)")
        + (Unchecked.Count > 0 ? $", {Unchecked.Count} place(s) not checked" : "")
        + (Hits.Count - Findings.Count > 0 ? $", {Hits.Count - Findings.Count} kept under a legal duty" : "");
}

/// <summary>
/// After an erasure, looks for the person's identifiers (normalised and common raw forms, see <see cref="ErasureSearchForms"/>)
/// in every connected database, in Steward's own database and in the configured log files. In a company database the
/// declared identity fields and personal-data (<c>user.*</c>) text fields are searched in full, every other text column in the first
/// <see cref="ErasureCheckOptions.SampleRows"/> rows of its table and in the person's rows the erasure found. Each table is read once, by one statement whose filter
/// the database evaluates; the few rows it returns are checked again here for word boundaries. A hit in a field kept
/// under a legal duty is recorded as kept with its reason; any other hit is a finding for staff.
/// </summary>
internal sealed class ErasureCheck(IDbContextFactory<StewardDbContext> contexts, ConnectorCatalogue catalogue, IOptions<RightsOptions> options,
    Retention.LegalHolds holds, AuditLog audit, TimeProvider time)
{
    public const string StewardLocation = "steward";

    /// <summary>Scans for <paramref name="identities"/>, stores the result on the request and audits its counts.</summary>
    public async Task<ErasureCheckResult> RunAsync(Guid requestId, IReadOnlyList<Identity> identities, IReadOnlyList<PersonRows> personRows, string actor, CancellationToken ct)
    {
        Guid? subject;
        await using (var read = await contexts.CreateDbContextAsync(ct))
            subject = await read.Set<RightsRequest>().AsNoTracking().Where(r => r.Id == requestId).Select(r => (Guid?)r.SubjectId).FirstOrDefaultAsync(ct);
        var held = await holds.InForceAsync(ct);
        var result = await ScanAsync(identities, personRows, ct, (connection, table) => (subject is { } s ? held.OnPerson(s) : null) ?? held.OnCollection(connection, table));
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var json = JsonSerializer.Serialize(result, Json);
        await db.Set<RightsRequest>().Where(r => r.Id == requestId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.ErasureCheck, json).SetProperty(r => r.ErasureProblems, result.Problems).SetProperty(r => r.Version, r => r.Version + 1), ct);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "rights.erasure-checked", RightsRequests.Target(requestId),
            new { findings = result.Findings.Count, kept = result.Hits.Count - result.Findings.Count, @unchecked = result.Unchecked.Count }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>The stored result of a request's check, or null when none ran.</summary>
    public async Task<ErasureCheckResult?> ResultAsync(Guid requestId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var json = await db.Set<RightsRequest>().AsNoTracking().Where(r => r.Id == requestId).Select(r => r.ErasureCheck).FirstOrDefaultAsync(ct);
        return json is null ? null : JsonSerializer.Deserialize<ErasureCheckResult>(json, Json);
    }

    /// <summary>Searches for <paramref name="identities"/>; the text columns not declared as personal data are read in the first rows of each table and in <paramref name="personRows"/>, the person's rows the erasure found.</summary>
    /// <paramref name="heldFor"/> gives the reason a legal hold keeps a collection (connection, table), if one does: its hits are kept, not findings.
    public async Task<ErasureCheckResult> ScanAsync(IReadOnlyList<Identity> identities, IReadOnlyList<PersonRows> personRows, CancellationToken ct,
        Func<string, string, string?>? heldFor = null)
    {
        var settings = options.Value.ErasureCheck;
        var forms = ErasureSearchForms.For(identities);
        var matcher = new IdentifierMatcher(forms);
        var probe = new SqlProbe(ErasureSearchForms.LikePatterns(identities), matcher.Whole.Select(f => f.Key).ToList(), matcher);
        var hits = new List<ErasureCheckHit>();
        var notChecked = new List<string>();
        int tables = 0, full = 0, sampled = 0, steward = 0, logFiles = 0;
        long logBytes = 0;

        var snapshot = await catalogue.CurrentAsync(ct);
        foreach (var (name, connection) in snapshot.Connections.Where(c => ConnectionTypes.IsDatabase(c.Value.Type)).OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var declared = new Dictionary<string, DatasetCollection>(StringComparer.Ordinal);
            foreach (var c in snapshot.Datasets.Where(d => d.ConnectionName == name).SelectMany(d => d.Definition.Collections)) declared.TryAdd(c.Name, c);
            try
            {
                var postgres = connection.Type == ConnectionTypes.Postgres;
                Dictionary<string, List<TableColumn>> schema;
                await using (var db = await connection.Database.OpenAsync(ct)) schema = await ColumnsAsync(db, postgres, ct);
                var work = schema.Select(table =>
                {
                    var collection = declared.GetValueOrDefault(table.Key);
                    // A number or date column cannot hold an address or a formatted number: searched only when declared an identity.
                    bool Personal(TableColumn c) => collection?.Field(c.Name) is { } f
                        && (f.Identity is not null || (c.Kind != ColumnKind.Other && f.DataCategories.Any(x => x.StartsWith("user", StringComparison.Ordinal))));
                    return (Table: table.Key, Collection: collection, Whole: table.Value.Where(Personal).ToList(),
                        Sample: table.Value.Where(c => c.Kind != ColumnKind.Other && !Personal(c)).ToList(),
                        Person: personRows.FirstOrDefault(p => p.Connection == name && p.Table == table.Key && p.Keys.Count > 0));
                }).ToList();
                tables += work.Count;
                full += work.Sum(w => w.Whole.Count);
                sampled += work.Sum(w => w.Sample.Count);
                // Tables are read side by side on a few connections: each is one scan, and the database's cores serve them at once.
                await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 4), CancellationToken = ct }, async (w, token) =>
                {
                    await using var db = await connection.Database.OpenAsync(token);
                    var counts = await CountAsync(db, postgres, w.Table, w.Whole, null, probe, token);
                    var sample = new Sample(settings.SampleRows, w.Person, connection.Database);
                    foreach (var (column, n) in await CountAsync(db, postgres, w.Table, w.Sample, sample, probe, token)) counts[column] = n;
                    // Kept: a field the dataset keeps under a legal duty, or anything a legal hold on the person or the collection keeps.
                    var hold = heldFor?.Invoke(name, w.Table);
                    lock (hits) hits.AddRange(counts.Select(kv => new ErasureCheckHit($"{name}:{w.Table}.{kv.Key}", kv.Value, hold ?? w.Collection?.Field(kv.Key)?.RetainReason)));
                });
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                notChecked.Add($"{name}: {ConnectionDirectory.Reason(e)}");
            }
        }

        await using (var own = await contexts.CreateDbContextAsync(ct))
        {
            var db = own.Database.GetDbConnection();
            await own.Database.OpenConnectionAsync(ct);
            var postgres = db is Npgsql.NpgsqlConnection;
            foreach (var table in await ColumnsAsync(db, postgres, ct))
            {
                if (table.Key.StartsWith("__EF", StringComparison.Ordinal)) continue;
                var columns = table.Value.Where(c => c.Kind != ColumnKind.Other).ToList();
                steward += columns.Count;
                // Steward keeps identifiers only encrypted or as blind-index digests: any hit here is a defect to report.
                hits.AddRange((await CountAsync(db, postgres, table.Key, columns, null, probe, ct))
                    .Select(kv => new ErasureCheckHit($"{StewardLocation}:{table.Key}.{kv.Key}", kv.Value, null)));
            }
        }

        foreach (var entry in settings.LogFiles)
        {
            var files = LogFiles(entry);
            if (files.Count == 0) notChecked.Add($"log:{entry}: no such file");
            foreach (var file in files)
            {
                try
                {
                    var (found, bytes) = await LogFileScan.ScanAsync(file, matcher, ct);
                    logFiles++;
                    logBytes += bytes;
                    if (found > 0) hits.Add(new ErasureCheckHit($"log:{file}", found, null));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    notChecked.Add($"log:{file}: cannot be read ({e.GetType().Name})");
                }
            }
        }

        return new ErasureCheckResult(time.GetUtcNow(), forms.Count, hits.OrderBy(h => h.Location, StringComparer.Ordinal).ToList(), notChecked,
            new ErasureCheckScope(tables, full, sampled, settings.SampleRows, steward, logFiles, logBytes));
    }

    /// <summary>A configured path, or a folder and a file-name pattern (<c>/var/log/app/*.log</c>).</summary>
    private static List<string> LogFiles(string entry)
    {
        if (File.Exists(entry)) return [Path.GetFullPath(entry)];
        var folder = Path.GetDirectoryName(entry);
        var pattern = Path.GetFileName(entry);
        if (pattern.IndexOfAny(['*', '?']) < 0 || string.IsNullOrEmpty(folder) || !Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, pattern).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList();
    }

    private enum ColumnKind { Text, Blob, Other }

    private sealed record TableColumn(string Name, ColumnKind Kind);

    /// <summary>The tables of the database's current schema with their columns, by whether they hold text, bytes or other values.</summary>
    private static async Task<Dictionary<string, List<TableColumn>>> ColumnsAsync(DbConnection db, bool postgres, CancellationToken ct)
    {
        await using var command = db.CreateCommand();
        command.CommandText = postgres
            ? """
              SELECT c.table_name::text, c.column_name::text, c.data_type::text FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
              WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position
              """
            : "SELECT m.name, p.name, upper(p.type) FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid";
        var tables = new Dictionary<string, List<TableColumn>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var type = reader.GetString(2);
            var kind = postgres
                ? type switch { "text" or "character varying" or "character" or "json" or "jsonb" or "xml" => ColumnKind.Text, "bytea" => ColumnKind.Blob, _ => ColumnKind.Other }
                // SQLite's type affinity: a declared type naming CHAR, CLOB or TEXT (or none) holds text.
                : type.Length == 0 || type.Contains("CHAR", StringComparison.Ordinal) || type.Contains("CLOB", StringComparison.Ordinal) || type.Contains("TEXT", StringComparison.Ordinal) ? ColumnKind.Text
                : type.Contains("BLOB", StringComparison.Ordinal) ? ColumnKind.Blob : ColumnKind.Other;
            (tables.TryGetValue(reader.GetString(0), out var list) ? list : tables[reader.GetString(0)] = []).Add(new TableColumn(reader.GetString(1), kind));
        }
        return tables;
    }

    /// <summary>
    /// The rows read of columns not declared as personal data: the first <see cref="Rows"/> of the table (in the database's
    /// storage order) and the person's rows the erasure found (up to one statement's worth of keys: 900 on SQLite, 1000 on PostgreSQL).
    /// </summary>
    private sealed record Sample(int Rows, PersonRows? Person, ConnectedDatabase Database)
    {
        public string Source(DbCommand command, string table, IReadOnlyList<string> columns)
        {
            var t = ConnectedDatabase.Quote(table);
            var first = $"SELECT {string.Join(", ", columns)} FROM {t} LIMIT {Rows}";
            if (Person is null) return $"({first}) AS sampled";
            // One condition on the primary key for both halves: each row once, found through the key's index.
            var key = ConnectedDatabase.Quote(Person.PrimaryKey);
            var keys = Person.Keys.Take(Database.ChunkSize).ToList();
            return $"(SELECT {string.Join(", ", columns)} FROM {t} WHERE {key} IN (SELECT {key} FROM {t} LIMIT {Rows}) "
                + $"OR {Database.KeysCondition(command, Person.PrimaryKey, keys, "k")}) AS sampled";
        }
    }

    /// <summary>What a database is asked to filter by (<see cref="ErasureSearchForms.LikePatterns"/>, short forms as whole values) and what checks the rows it returns.</summary>
    private sealed record SqlProbe(IReadOnlyList<string> Patterns, IReadOnlyList<string> WholeValues, IdentifierMatcher Matcher);

    /// <summary>
    /// Rows per column holding a form, in one statement over the table (or its <paramref name="sample"/>):
    /// the database filters with case-insensitive <c>LIKE</c>, this checks the rows it returns.
    /// </summary>
    private static async Task<Dictionary<string, long>> CountAsync(DbConnection db, bool postgres, string table, IReadOnlyList<TableColumn> columns, Sample? sample,
        SqlProbe probe, CancellationToken ct)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        if (columns.Count == 0 || probe.Patterns.Count + probe.WholeValues.Count == 0) return counts;
        await using var command = db.CreateCommand();
        for (var i = 0; i < probe.Patterns.Count; i++) ConnectedDatabase.AddParameter(command, $"@p{i}", probe.Patterns[i]);
        for (var i = 0; i < probe.WholeValues.Count; i++) ConnectedDatabase.AddParameter(command, $"@w{i}", probe.WholeValues[i]);
        var like = postgres ? "ILIKE" : "LIKE";
        var conditions = columns.SelectMany(c =>
        {
            // SQLite's LIKE reads any value as text; PostgreSQL's needs text, and bytes as escaped text.
            var text = !postgres ? ConnectedDatabase.Quote(c.Name) : c.Kind == ColumnKind.Blob ? $"encode({ConnectedDatabase.Quote(c.Name)}, 'escape')" : $"{ConnectedDatabase.Quote(c.Name)}::text";
            return probe.Patterns.Select((_, i) => $"{text} {like} @p{i}").Concat(probe.WholeValues.Select((_, i) => $"trim({text}) {like} @w{i}"));
        });
        var selected = columns.Select(c => postgres && c.Kind != ColumnKind.Blob ? $"{ConnectedDatabase.Quote(c.Name)}::text" : ConnectedDatabase.Quote(c.Name));
        var source = sample is null ? ConnectedDatabase.Quote(table) : sample.Source(command, table, columns.Select(c => ConnectedDatabase.Quote(c.Name)).ToList());
        command.CommandText = $"SELECT {string.Join(", ", selected)} FROM {source} WHERE {string.Join(" OR ", conditions)}";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            for (var i = 0; i < columns.Count; i++)
            {
                if (reader.IsDBNull(i)) continue;
                var value = reader.GetValue(i) switch
                {
                    byte[] bytes => Encoding.UTF8.GetString(bytes),
                    var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                };
                if (probe.Matcher.Matches(value)) counts[columns[i].Name] = counts.GetValueOrDefault(columns[i].Name) + 1;
            }
        return counts;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>The rows of one table the erasure found for the person, by primary key: the check reads their other text columns too.</summary>
internal sealed record PersonRows(string Connection, string Table, string PrimaryKey, IReadOnlyList<object> Keys);

/// <summary>Settings of the check after an erasure (section <c>Rights:ErasureCheck</c>).</summary>
internal sealed class ErasureCheckOptions
{
    /// <summary>Log files searched for the person's identifiers: paths, or a folder with a file-name pattern (<c>/var/log/app/*.log</c>). None by default.</summary>
    public List<string> LogFiles { get; set; } = [];

    /// <summary>Rows read from the start of each table for text columns not declared as personal data.</summary>
    public int SampleRows { get; set; } = 10_000;
}
