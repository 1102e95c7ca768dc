using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Hosting;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Storage;

namespace Steward.Connectors;

/// <summary>What an import did: the datasets stored (none when a problem is an error) and every problem found.</summary>
internal sealed record DatasetImport(IReadOnlyList<string> FidesKeys, IReadOnlyList<DatasetProblem> Problems)
{
    public bool Stored => FidesKeys.Count > 0;
    public IEnumerable<DatasetProblem> Errors => Problems.Where(p => !p.Warning);
}

/// <summary>A stored dataset as the planner uses it: parsed, with the foreign keys of its database added as references.</summary>
internal sealed record LoadedDataset(DatasetDefinition Definition, string ConnectionName, DateTimeOffset ImportedAt);

/// <summary>A table or column of a connected database that points at a person's rows but that no dataset covers.</summary>
internal sealed record DatasetGap(string Connection, string Table, string Column, string ParentTable, string ParentColumn);

/// <summary>Datasets: import (checked against the file, the live database and the published notice), list, remove, gaps.</summary>
internal sealed class DatasetStore(IDbContextFactory<StewardDbContext> contexts, ConnectionDirectory connections, PolicyStore policies, AuditLog audit,
    ConnectorChanges changes, TimeProvider time)
{
    /// <summary>Checks and stores the datasets of <paramref name="yaml"/> for <paramref name="connectionName"/>; nothing is stored when an error is found.</summary>
    public async Task<DatasetImport> ImportAsync(string yaml, string connectionName, string actor, CancellationToken ct)
    {
        var policy = (await policies.CurrentAsync(ct))?.Document;
        var taxonomy = policy is null ? Taxonomy.Bundled : Taxonomy.Bundled.ExtendedBy(policy);
        var reader = new DatasetReader(taxonomy);
        var parsed = reader.Read(yaml);
        var problems = reader.Problems.ToList();
        var connection = await connections.GetAsync(connectionName, ct);
        if (!ConnectionTypes.IsDatabase(connection.Type))
            throw new StewardException($"Connection '{connectionName}' is a {connection.Type} connection; datasets describe databases.");
        if (problems.Count > 0 || parsed.Count == 0) return new DatasetImport([], problems);

        var schema = await ReadSchemaAsync(connection, ct);
        var withKeys = parsed.Select(d => CheckAgainstSchema(d, schema, problems)).ToList();
        var others = (await LoadAsync(ct)).Where(o => withKeys.All(d => d.FidesKey != o.Definition.FidesKey)).Select(o => o.Definition).ToList();
        CheckCrossReferences(withKeys, others, problems);
        CheckOrder(withKeys.Concat(others).ToList(), problems);
        if (policy is not null) CheckNotice(withKeys, policy, taxonomy, problems);
        if (problems.Any(p => !p.Warning)) return new DatasetImport([], problems);

        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var d in withKeys)
        {
            await db.Set<Dataset>().Where(x => x.FidesKey == d.FidesKey).ExecuteDeleteAsync(ct);
            var row = new Dataset
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()),
                FidesKey = d.FidesKey,
                ConnectionName = connectionName,
                // A file with several datasets is stored whole under each key; each reads its own.
                Yaml = yaml,
                ImportedAt = time.GetUtcNow(),
                ImportedBy = actor,
            };
            db.Add(row);
            await audit.AppendWithinAsync(db, new AuditEvent(actor, "connectors.dataset.imported", DatasetAuditedRecords.Target(d.FidesKey),
                new { connection = connectionName, collections = d.Collections.Count, digest = DatasetAuditedRecords.Digest(row) }), ct);
        }
        await changes.PublishWithinAsync(db, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        changes.Bump();
        return new DatasetImport(withKeys.Select(d => d.FidesKey).ToList(), problems);
    }

    public async Task<List<Dataset>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<Dataset>().AsNoTracking().OrderBy(d => d.FidesKey).ToListAsync(ct);
    }

    public async Task<Dataset?> FindAsync(string fidesKey, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<Dataset>().AsNoTracking().FirstOrDefaultAsync(d => d.FidesKey == fidesKey, ct);
    }

    public async Task<bool> RemoveAsync(string fidesKey, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Set<Dataset>().Where(d => d.FidesKey == fidesKey).ExecuteDeleteAsync(ct) == 0) return false;
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "connectors.dataset.removed", DatasetAuditedRecords.Target(fidesKey),
            new { digest = AuditedRecordDigest.Absent }), ct);
        await changes.PublishWithinAsync(db, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        changes.Bump();
        return true;
    }

    /// <summary>
    /// Every stored dataset, parsed; <paramref name="withForeignKeys"/> adds the foreign keys of its live database as references
    /// where the dataset gives none. Those are kept in memory per imported row (a re-import is a new row), so planning a request
    /// reads the list of datasets, not their YAML or the live schema.
    /// </summary>
    public async Task<List<LoadedDataset>> LoadAsync(CancellationToken ct, bool withForeignKeys = false)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Set<Dataset>().AsNoTracking().OrderBy(d => d.FidesKey).Select(d => new { d.Id, d.FidesKey, d.ConnectionName, d.ImportedAt }).ToListAsync(ct);
        var loaded = new List<LoadedDataset>();
        foreach (var group in rows.GroupBy(r => r.ConnectionName))
        {
            LiveSchema? schema = null;
            foreach (var row in group)
            {
                if (withForeignKeys && _resolved.TryGetValue(row.Id, out var known)) { loaded.Add(known); continue; }
                var yaml = await db.Set<Dataset>().Where(d => d.Id == row.Id).Select(d => d.Yaml).FirstAsync(ct);
                var definition = new DatasetReader(Taxonomy.Bundled).Read(yaml).First(d => d.FidesKey == row.FidesKey);
                if (withForeignKeys)
                {
                    schema ??= await ReadSchemaAsync(await connections.GetAsync(group.Key, ct), ct);
                    definition = CheckAgainstSchema(definition, schema, []);
                }
                var dataset = new LoadedDataset(definition, row.ConnectionName, row.ImportedAt);
                if (withForeignKeys) _resolved[row.Id] = dataset;
                loaded.Add(dataset);
            }
        }
        foreach (var gone in _resolved.Keys.Where(id => rows.All(r => r.Id != id)).ToList()) _resolved.TryRemove(gone, out _);
        return loaded;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, LoadedDataset> _resolved = new();

    /// <summary>Foreign keys pointing at a table that holds an identity field, from tables or columns no dataset covers.</summary>
    public async Task<List<DatasetGap>> GapsAsync(string? connectionName, CancellationToken ct)
    {
        var datasets = await LoadAsync(ct);
        var gaps = new List<DatasetGap>();
        foreach (var group in datasets.GroupBy(d => d.ConnectionName).Where(g => connectionName is null || g.Key == connectionName))
        {
            var schema = await ReadSchemaAsync(await connections.GetAsync(group.Key, ct), ct);
            var collections = group.SelectMany(d => d.Definition.Collections).ToList();
            var identityTables = collections.Where(c => c.Fields.Any(f => f.Identity is not null)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var fk in schema.ForeignKeys.Where(k => identityTables.Contains(k.ParentTable)))
                if (!collections.Any(c => c.Name == fk.Table && c.Field(fk.Column) is not null))
                    gaps.Add(new DatasetGap(group.Key, fk.Table, fk.Column, fk.ParentTable, fk.ParentColumn));
        }
        return gaps;
    }

    /// <summary>The live schema of a database connection; a one-line error (never the connection string) when it cannot be read.</summary>
    public static async Task<LiveSchema> ReadSchemaAsync(OpenedConnection connection, CancellationToken ct)
    {
        try
        {
            return await connection.Database.ReadSchemaAsync(ct);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            throw new StewardException($"Cannot read the schema of connection '{connection.Name}': {ConnectionDirectory.Reason(e)}.");
        }
    }

    /// <summary>Every collection and field must exist in the live database; its foreign keys become references where the dataset gives none.</summary>
    private static DatasetDefinition CheckAgainstSchema(DatasetDefinition d, LiveSchema schema, List<DatasetProblem> problems)
    {
        var collections = new List<DatasetCollection>();
        foreach (var c in d.Collections)
        {
            if (!schema.Has(c.Name)) problems.Add(new DatasetProblem($"table '{c.Name}' does not exist in the connected database", c.At));
            var fields = new List<DatasetField>();
            foreach (var f in c.Fields)
            {
                if (schema.Has(c.Name) && !schema.Has(c.Name, f.Name)) problems.Add(new DatasetProblem($"column '{c.Name}.{f.Name}' does not exist in the connected database", f.At));
                var keys = schema.ForeignKeys.Where(k => k.Table == c.Name && k.Column == f.Name && k.ParentTable != c.Name
                    && d.Collection(k.ParentTable)?.Field(k.ParentColumn) is not null).ToList();
                if (keys.Count == 0) { fields.Add(f); continue; }
                if (f.References.Count == 0)
                {
                    fields.Add(f with { References = keys.Select(k => new FieldReference(d.FidesKey, k.ParentTable, k.ParentColumn, ReferenceDirection.From, f.At, FromForeignKey: true)).ToList() });
                    continue;
                }
                foreach (var k in keys.Where(k => !f.References.Any(r => r.Dataset == d.FidesKey && r.Collection == k.ParentTable && r.Field == k.ParentColumn)))
                    problems.Add(new DatasetProblem($"the reference of '{c.Name}.{f.Name}' differs from its foreign key to '{k.ParentTable}.{k.ParentColumn}'", f.At, Warning: true));
                fields.Add(f);
            }
            if (c.RetentionClock is { } clock && schema.Has(c.Name, clock) && !schema.IsDateTime(c.Name, clock))
                problems.Add(new DatasetProblem($"retention clock '{c.Name}.{clock}' is a {schema.TypeOf(c.Name, clock) ?? "untyped"} column, not a date or time", c.RetentionClockAt));
            collections.Add(c with { Fields = fields });
            if (c.PrimaryKey is null && c.Fields.Any(f => f.Erasable && f.Masking is MaskingStrategy.Hash or MaskingStrategy.Hmac or MaskingStrategy.RandomStringRewrite))
                problems.Add(new DatasetProblem($"collection '{c.Name}' needs a primary_key field: hash, hmac and random_string_rewrite write one value per row", c.At));
        }
        return d with { Collections = collections };
    }

    private static void CheckCrossReferences(List<DatasetDefinition> datasets, List<DatasetDefinition> stored, List<DatasetProblem> problems)
    {
        foreach (var r in datasets.SelectMany(d => d.Collections).SelectMany(c => c.Fields).SelectMany(f => f.References))
        {
            if (datasets.Any(d => d.FidesKey == r.Dataset)) continue; // checked by the reader
            var target = stored.FirstOrDefault(d => d.FidesKey == r.Dataset);
            if (target is null) problems.Add(new DatasetProblem($"reference to unknown dataset '{r.Dataset}'", r.At));
            else if (target.Collection(r.Collection)?.Field(r.Field) is null) problems.Add(new DatasetProblem($"reference to unknown field '{r.Dataset}.{r.Collection}.{r.Field}'", r.At));
        }
    }

    /// <summary>References must leave an order: a cycle (a → b → a) has no first collection to read.</summary>
    private static void CheckOrder(List<DatasetDefinition> datasets, List<DatasetProblem> problems)
    {
        var edges = DataFlow.Edges(datasets).ToList();
        if (DataFlow.FindCycle(edges) is { } cycle)
            problems.Add(new DatasetProblem($"references form a cycle ({string.Join(" → ", cycle.Select(e => e.From.ToString()).Append(cycle[0].From.ToString()))}): no order to read or erase them exists", cycle[0].Reference.At));
    }

    /// <summary>A field holding a category of personal data that no purpose of the published policy declares is collected without notice.</summary>
    private static void CheckNotice(List<DatasetDefinition> datasets, Policy.Model.PolicyDocument policy, Taxonomy taxonomy, List<DatasetProblem> problems)
    {
        var declared = policy.Purposes.Values.SelectMany(p => p.DataCategories).ToHashSet(StringComparer.Ordinal);
        bool Covered(string category)
        {
            for (string? c = category; c is not null; c = taxonomy.DataCategories.GetValueOrDefault(c)?.Parent)
                if (declared.Contains(c)) return true;
            return false;
        }
        foreach (var d in datasets)
            foreach (var c in d.Collections)
                foreach (var f in c.Fields)
                    foreach (var category in f.DataCategories.Where(x => x.StartsWith("user.", StringComparison.Ordinal) && !Covered(x)))
                        problems.Add(new DatasetProblem($"'{c.Name}.{f.Name}' holds {category}, which no purpose of the published policy declares: collected but not in the notice", f.At, Warning: true));
    }
}

/// <summary>Datasets as audited records: key, connection and the YAML's digest.</summary>
internal sealed class DatasetAuditedRecords : IAuditedRecords
{
    public string TargetPrefix => "dataset:";

    public static string Target(string fidesKey) => $"dataset:{fidesKey}";

    public static string Digest(Dataset d) => AuditedRecordDigest.Of(d.FidesKey, d.ConnectionName, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(d.Yaml))));

    public async IAsyncEnumerable<AuditedRecord> CurrentAsync(StewardDbContext db, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var d in db.Set<Dataset>().AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
            yield return new AuditedRecord(Target(d.FidesKey), Digest(d));
    }
}
