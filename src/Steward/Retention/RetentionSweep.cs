using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Audit;
using Steward.Connectors;
using Steward.Hosting;
using Steward.Policy;
using Steward.Storage;

namespace Steward.Retention;

/// <summary>What a sweep covers: every connection, one connection, or one collection (<c>collection</c> or <c>dataset.collection</c>).</summary>
internal sealed record SweepScope(string? Connection = null, string? Collection = null)
{
    public static readonly SweepScope Everything = new();

    /// <summary>Steward's own data is swept only by a run over everything.</summary>
    public bool IsEverything => Connection is null && Collection is null;

    public string Key => IsEverything ? "*" : $"{Connection ?? "*"}/{Collection ?? "*"}";
}

/// <summary>A collection's part in a sweep: what was (or, in a dry run, would be) done to how many rows.</summary>
internal sealed record SweptCollection(string Connection, string Collection, SweepAction Action, DateTimeOffset Cutoff, long Rows);

/// <summary>What a run did: per step, and for Steward's own data per kind of record.</summary>
internal sealed record SweepOutcome(Guid? RunId, bool Resumed, IReadOnlyList<SweptCollection> Collections, IReadOnlyDictionary<string, long> Own);

/// <summary>What a sweep leaves out: a collection as a whole (with the reason), or some rows of it by primary key.</summary>
internal sealed record SweepExclusions(string? SkipReason, IReadOnlyList<object> HeldKeys)
{
    public static readonly SweepExclusions None = new(null, []);
}

/// <summary>
/// The one place where a sweep asks what must stay whatever the period says: legal holds. Before each step, a hold on
/// the collection skips it; a hold on a person leaves out the primary keys of that person's rows in the collection,
/// found the way an access request finds them (the plan from their identities, keys only). A database that does not
/// answer while their rows are looked up stops the step rather than risk them.
/// </summary>
internal sealed class RetentionExclusions(LegalHolds holds, People.PeopleDirectory people, DataConnectors connectors)
{
    public const string Actor = "steward:retention";

    public async Task<SweepExclusions> ForAsync(SweepStep step, CancellationToken ct)
    {
        var held = await holds.InForceAsync(ct);
        if (held.OnCollection(step.Connection, step.Collection) is { } reason) return new SweepExclusions(reason, []);
        var keys = new List<object>();
        foreach (var subject in held.People.Keys)
        {
            var revealed = await people.RevealAsync(subject, Actor, ct);
            var identities = (revealed?.Identities ?? []).Select(i => new People.Identity(i.Type, i.Value)).ToList();
            if (identities.Count == 0) continue;
            var plan = await connectors.PlanAsync(identities, ct);
            var target = plan.Steps.FirstOrDefault(s => s.Connection == step.Connection && s.Address.Dataset == step.Dataset && s.Collection.Name == step.Collection);
            if (target is null) continue;
            // Keys flow from the person's own rows to their children: every step up to this one is read, keys only.
            var outputs = new Dictionary<string, StepOutput>(StringComparer.Ordinal);
            foreach (var s in plan.Steps.Where(s => s.Index <= target.Index))
                outputs[s.Address.ToString()] = await connectors.CollectStepAsync(plan, s.Index, outputs, CollectFor.Keys, ct);
            keys.AddRange(outputs[target.Address.ToString()].RowKeys ?? []);
        }
        return keys.Count == 0 ? SweepExclusions.None : new SweepExclusions(null, keys);
    }
}

/// <summary>
/// Applies the retention rules (<see cref="RetentionRules"/>) to the connected databases (S17.4): due rows deleted, or their
/// due fields masked, in chunks by primary-key order, each chunk one short transaction, so a writer to the same table waits
/// for one chunk at most. A run is persisted with its cutoffs fixed at the start and its progress after every chunk: a
/// killed run resumes where it stopped, with the same cutoffs; a chunk done before the kill is neither repeated (its rows
/// are gone or masked, and the cursor moves past them) nor skipped (it only moves past a committed chunk).
/// </summary>
internal sealed class RetentionSweep(DatasetStore datasets, ConnectionDirectory connections, PolicyStore policies, OwnDataRetention own,
    RetentionExclusions exclusions, IDbContextFactory<StewardDbContext> contexts, AuditLog audit, IOptions<RetentionOptions> options, TimeProvider time)
{
    public const string Actor = "steward:retention";

    /// <summary>The retention of every collection in <paramref name="scope"/>; unknown connections or collections are one-line errors.</summary>
    public async Task<List<CollectionRetention>> PlanAsync(SweepScope scope, CancellationToken ct)
    {
        var policy = (await policies.CurrentAsync(ct))?.Document
            ?? throw new StewardException("No policy is published: retention periods come from the published policy ('steward policy publish').");
        if (scope.Connection is { } named) await connections.GetAsync(named, ct);
        var loaded = (await datasets.LoadAsync(ct, withForeignKeys: true)).Where(d => scope.Connection is null || d.ConnectionName == scope.Connection).ToList();
        var now = time.GetUtcNow();
        var plans = new List<CollectionRetention>();
        foreach (var group in loaded.GroupBy(d => d.ConnectionName))
        {
            var collections = group.SelectMany(d => d.Definition.Collections.Select(c => (d.Definition.FidesKey, Collection: c)))
                .Where(x => scope.Collection is null || x.Collection.Name == scope.Collection || $"{x.FidesKey}.{x.Collection.Name}" == scope.Collection).ToList();
            if (collections.Count == 0) continue;
            var schema = await DatasetStore.ReadSchemaAsync(await connections.GetAsync(group.Key, ct), ct);
            plans.AddRange(collections.Select(x => RetentionRules.For(group.Key, x.FidesKey, x.Collection, schema, policy, now)));
        }
        if (scope.Collection is { } wanted && plans.Count == 0)
            throw new StewardException($"There is no collection '{wanted}' in the datasets{(scope.Connection is null ? "" : $" of connection '{scope.Connection}'")} (see 'steward dataset list').");
        return plans;
    }

    /// <summary>
    /// How many rows of a step are due now (in a resumed run: still due). What a legal hold keeps is not counted: a held
    /// collection has none due, a held person's rows are left out.
    /// </summary>
    public async Task<long> CountDueAsync(SweepStep step, CancellationToken ct)
    {
        var excluded = await exclusions.ForAsync(step, ct);
        if (excluded.SkipReason is not null) return 0;
        var database = (await connections.GetAsync(step.Connection, ct)).Database;
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {ConnectedDatabase.Quote(step.Collection)} WHERE {Due(database, command, step, excluded.HeldKeys, fromLastKey: false)}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Sweeps <paramref name="scope"/>: resumes the unfinished run of that scope, or starts one with today's cutoffs.
    /// <paramref name="chunkDone"/> hears (rows done, rows due in all) after every committed chunk. A dry run counts and writes nothing.
    /// </summary>
    public async Task<SweepOutcome> RunAsync(SweepScope scope, bool dryRun, string actor, Action<long, long>? chunkDone, CancellationToken ct)
    {
        var plans = await PlanAsync(scope, ct);
        if (dryRun)
        {
            var counted = new List<SweptCollection>();
            foreach (var step in plans.SelectMany(p => p.Steps))
                counted.Add(new(step.Connection, step.Target, step.Action, step.Cutoff, await CountDueAsync(step, ct)));
            return new SweepOutcome(null, false, counted, scope.IsEverything ? await own.CountDueAsync(ct) : new Dictionary<string, long>());
        }

        var owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        var (run, resumed) = await StartOrResumeAsync(scope, plans, actor, owner, ct);
        var claim = new RunClaim(run.Id, owner);
        var steps = run.ReadSteps();
        try
        {
            if (resumed) await NarrowToPlanAsync(claim, steps, plans, ct);
            var total = steps.Sum(s => s.Rows);
            // Counting is only for someone watching a progress bar; the scheduled sweep goes straight to work.
            if (chunkDone is not null)
                foreach (var step in steps.Where(s => !s.Done)) total += await CountDueAsync(step, ct);
            var done = steps.Sum(s => s.Rows);
            foreach (var step in steps.Where(s => !s.Done))
            {
                try
                {
                    await SweepStepAsync(claim, steps, step, rows => { done += rows; chunkDone?.Invoke(done, Math.Max(total, done)); }, ct);
                }
                catch (DbException e)
                {
                    // The chunks done so far are committed and recorded; the run resumes from there once the cause is fixed.
                    throw new StewardException($"Sweeping {step.Connection}:{step.Target} failed: {ConnectionDirectory.Reason(e)}; run it again to resume.");
                }
            }
        }
        catch
        {
            // Stopped (cancelled, a failure): the claim goes at once, so the next run of the scope resumes without waiting for it to lapse.
            await using var release = await contexts.CreateDbContextAsync(CancellationToken.None);
            await release.Set<RetentionRun>().Where(r => r.Id == run.Id && r.Owner == owner)
                .ExecuteUpdateAsync(x => x.SetProperty(r => r.Owner, (string?)null).SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
            throw;
        }
        var ownSwept = scope.IsEverything ? await own.SweepAsync(ct) : new Dictionary<string, long>();

        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.Set<RetentionRun>().SingleAsync(r => r.Id == run.Id, ct);
        if (row.Owner != owner) throw new StewardException("Another process took this sweep over after this one's claim lapsed; it goes on there.");
        row.State = RetentionRun.Finished;
        row.FinishedAt = time.GetUtcNow();
        (row.Owner, row.LeaseUntil) = (null, null);
        // Counts and names of tables only: the entry says what went, never whose.
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "retention.swept", $"retention-run:{run.Id}", new
        {
            scope = scope.Key,
            collections = steps.Select(s => new { connection = s.Connection, collection = s.Target, action = s.Action == SweepAction.Delete ? "delete" : "mask", cutoff = s.Cutoff, period = s.Period, purpose = s.Purpose, rows = s.Rows }),
            own = ownSwept,
        }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new SweepOutcome(run.Id, resumed, steps.Select(s => new SweptCollection(s.Connection, s.Target, s.Action, s.Cutoff, s.Rows)).ToList(), ownSwept);
    }

    /// <summary>
    /// A resumed run keeps its cutoffs, but never goes further than today's plan: a step whose collection, action or fields
    /// changed since (a longer period, a field now kept under a legal duty, a dataset removed) is dropped, and a cutoff
    /// that a longer period moved earlier is moved with it. Sweeping less than the run started with is always safe.
    /// </summary>
    private async Task NarrowToPlanAsync(RunClaim runId, List<SweepStep> steps, List<CollectionRetention> plans, CancellationToken ct)
    {
        var fresh = plans.SelectMany(p => p.Steps).ToList();
        foreach (var step in steps.Where(s => !s.Done))
        {
            var now = fresh.FirstOrDefault(f => f.Connection == step.Connection && f.Dataset == step.Dataset && f.Collection == step.Collection
                && f.Action == step.Action && f.Clock == step.Clock && f.PrimaryKey == step.PrimaryKey
                && f.Fields.Select(x => x.Name).Order(StringComparer.Ordinal).SequenceEqual(step.Fields.Select(x => x.Name).Order(StringComparer.Ordinal)));
            if (now is null) step.Done = true;
            else if (now.Cutoff < step.Cutoff) step.Cutoff = now.Cutoff;
        }
        await SaveAsync(runId, steps, ct);
    }

    /// <summary>
    /// Claims the scope's unfinished run, or starts one. One run per scope is running at a time (a unique index): a run held
    /// by another live process is an error that names it; a claim whose holder died lapses after <see cref="Lease"/>.
    /// </summary>
    private async Task<(RetentionRun Run, bool Resumed)> StartOrResumeAsync(SweepScope scope, List<CollectionRetention> plans, string actor, string owner, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TryStartOrResumeAsync(scope, plans, actor, owner, ct);
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another process started a run of this scope at the same moment: claim theirs, or say it is taken.
            }
        }
    }

    private async Task<(RetentionRun Run, bool Resumed)> TryStartOrResumeAsync(SweepScope scope, List<CollectionRetention> plans, string actor, string owner, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var unfinished = await db.Set<RetentionRun>().AsNoTracking().Where(r => r.State == RetentionRun.Running && r.Scope == scope.Key).OrderBy(r => r.StartedAt).FirstOrDefaultAsync(ct);
        if (unfinished is not null)
        {
            var claimed = await db.Set<RetentionRun>().Where(r => r.Id == unfinished.Id && (r.Owner == null || r.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Owner, owner).SetProperty(r => r.LeaseUntil, now + Lease), ct);
            if (claimed == 0)
                throw new StewardException($"A sweep of '{scope.Key}' is running in another process (started {unfinished.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm}Z by {unfinished.StartedBy}); it goes on there.");
            return (unfinished, true);
        }
        var run = new RetentionRun
        {
            Id = Guid.CreateVersion7(now),
            StartedAt = now,
            StartedBy = actor,
            Scope = scope.Key,
            State = RetentionRun.Running,
            Steps = RetentionRun.WriteSteps(plans.SelectMany(p => p.Steps)),
            Owner = owner,
            LeaseUntil = now + Lease,
        };
        db.Add(run);
        await db.SaveChangesAsync(ct);
        return (run, false);
    }

    private async Task SweepStepAsync(RunClaim runId, List<SweepStep> steps, SweepStep step, Action<long> chunkDone, CancellationToken ct)
    {
        var excluded = await exclusions.ForAsync(step, ct);
        if (excluded.SkipReason is not null)
        {
            step.Done = true;
            await SaveAsync(runId, steps, ct);
            return;
        }
        var database = (await connections.GetAsync(step.Connection, ct)).Database;
        await using var connection = await database.OpenAsync(ct);
        if (database is not SqliteDatabase)
        {
            await SweepPagesAsync(connection, database, runId, steps, step, excluded.HeldKeys, chunkDone, ct);
            return;
        }
        var size = Math.Min(1_000, options.Value.ChunkSize);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var (upTo, rows) = await ChunkAsync(database, connection, step, excluded.HeldKeys, size, ct);
            if (upTo is null) break;
            size = NextSize(size, System.Diagnostics.Stopwatch.GetElapsedTime(started), database is not SqliteDatabase);
            step.KeyIsNumber = upTo is long or int or short or decimal;
            step.LastKey = Convert.ToString(upTo, CultureInfo.InvariantCulture);
            step.Rows += rows;
            await SaveAsync(runId, steps, ct);
            chunkDone(rows);
        }
        step.Done = true;
        await SaveAsync(runId, steps, ct);
    }

    /// <summary>
    /// PostgreSQL: the table is gone through by ranges of its pages (a TID range scan reads just those pages, in order), each
    /// range one statement and one transaction that deletes or masks its due rows. Only the rows changed are locked, so other
    /// writers do not wait; the ranges grow towards <see cref="RetentionOptions.PostgresChunkDuration"/>. Progress is the
    /// next page: a resumed run goes on from there with the same cutoff. Rows written after the run started into pages it
    /// passed already are not due before its cutoff anyway.
    /// </summary>
    private async Task SweepPagesAsync(DbConnection connection, ConnectedDatabase database, RunClaim runId, List<SweepStep> steps, SweepStep step,
        IReadOnlyList<object> held, Action<long> chunkDone, CancellationToken ct)
    {
        var table = ConnectedDatabase.Quote(step.Collection);
        await using (var size = connection.CreateCommand())
        {
            ConnectedDatabase.AddParameter(size, "table", step.Collection);
            size.CommandText = "SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint, c.reltuples, c.relpages FROM pg_class c WHERE c.oid = quote_ident(@table)::regclass";
            long pages, rowsPerPage;
            await using (var reader = await size.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                pages = reader.GetInt64(0);
                var (tuples, counted) = (Convert.ToDouble(reader.GetValue(1), CultureInfo.InvariantCulture), reader.GetInt32(2));
                // Never analysed: reltuples is -1; a page of narrow rows holds about a hundred.
                rowsPerPage = tuples > 0 && counted > 0 ? Math.Max(1, (long)(tuples / counted)) : 100;
            }
            // Retention:ChunkSize bounds the rows a range holds; the time budget decides within it.
            var most = Math.Max(1, options.Value.ChunkSize / rowsPerPage);
            var span = Math.Min(64L, most);
            while (step.NextPage < pages)
            {
                ct.ThrowIfCancellationRequested();
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await using var command = connection.CreateCommand();
                var due = Due(database, command, step, held, fromLastKey: false);
                var change = step.Action == SweepAction.Delete ? $"DELETE FROM {table}" : $"UPDATE {table} SET {Masks(command, step)}";
                // Page numbers are integers Steward computed: written into the text, since a tid takes no parameter for its parts.
                var (from, to) = (step.NextPage, Math.Min(pages, step.NextPage + span));
                command.CommandText = string.Create(CultureInfo.InvariantCulture,
                    $"{change} WHERE ctid >= '({from},0)'::tid AND ctid < '({to},0)'::tid AND {due}");
                var rows = await command.ExecuteNonQueryAsync(ct);
                var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                span = Math.Clamp((long)(span * Math.Clamp(options.Value.PostgresChunkDuration.TotalMilliseconds / Math.Max(took.TotalMilliseconds, 0.1), 0.5, 4)), 1, most);
                step.NextPage = to;
                step.Rows += rows;
                await SaveAsync(runId, steps, ct);
                chunkDone(rows);
            }
        }
        step.Done = true;
        await SaveAsync(runId, steps, ct);
    }

    /// <summary>
    /// Deletes or masks the next <paramref name="size"/> due rows in key order, in one transaction; returns the last key of the
    /// chunk (null when nothing is due) and the rows changed. Both change the due rows of the key range up to the chunk's last
    /// key (a range scan, cheaper than looking each key up): PostgreSQL in one statement, SQLite, which has no data-changing
    /// common table expressions, in two.
    /// </summary>
    private static async Task<(object? UpTo, int Rows)> ChunkAsync(ConnectedDatabase database, DbConnection connection, SweepStep step, IReadOnlyList<object> held, int size, CancellationToken ct)
    {
        var table = ConnectedDatabase.Quote(step.Collection);
        var pk = ConnectedDatabase.Quote(step.PrimaryKey);
        await using var command = connection.CreateCommand();
        var due = Due(database, command, step, held, fromLastKey: true);
        var change = step.Action == SweepAction.Delete ? $"DELETE FROM {table}" : $"UPDATE {table} SET {Masks(command, step)}";
        if (database is not SqliteDatabase)
        {
            command.CommandText = $"""
                WITH chunk AS (SELECT {pk} AS k FROM {table} WHERE {due} ORDER BY {pk} LIMIT {size}),
                changed AS ({change} WHERE {due} AND {pk} <= (SELECT max(k) FROM chunk) RETURNING 1)
                SELECT (SELECT max(k) FROM chunk), (SELECT count(*) FROM changed)
                """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return reader.IsDBNull(0) ? (null, 0) : (reader.GetValue(0), (int)reader.GetInt64(1));
        }
        // The chunk's end is found before the write transaction: the search may read far (past rows not due, to the end of
        // the table for the last chunk), and a reader in WAL mode holds up no writer. The change checks 'due' again.
        command.CommandText = $"SELECT max(k) FROM (SELECT {pk} AS k FROM {table} WHERE {due} ORDER BY {pk} LIMIT {size}) chunk";
        var upTo = await command.ExecuteScalarAsync(ct);
        if (upTo is null or DBNull) return (null, 0);
        await using var tx = await connection.BeginTransactionAsync(ct);
        command.Transaction = tx;
        ConnectedDatabase.AddParameter(command, "upto", upTo);
        command.CommandText = $"{change} WHERE {due} AND {pk} <= @upto";
        var rows = await command.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        // The sweep copies its own pages back from the write-ahead log, so the next writer's commit does not pay for them.
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await checkpoint.ExecuteNonQueryAsync(ct);
        return (upTo, rows);
    }

    /// <summary>The next chunk's rows: scaled towards the chunk duration (at most four times more, or half as many), within 1 and the maximum.</summary>
    private int NextSize(int size, TimeSpan took, bool rowLocks)
    {
        var budget = rowLocks ? options.Value.PostgresChunkDuration : options.Value.ChunkDuration;
        var target = budget.TotalMilliseconds / Math.Max(took.TotalMilliseconds, 0.1);
        return (int)Math.Clamp(size * Math.Clamp(target, 0.5, 4), 1, options.Value.ChunkSize);
    }

    private async Task SaveAsync(RunClaim run, List<SweepStep> steps, CancellationToken ct)
    {
        var json = RetentionRun.WriteSteps(steps);
        var until = time.GetUtcNow() + Lease;
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Progress is saved even when the caller is being cancelled: the chunk it records is committed already. Saving renews the claim.
        var saved = await db.Set<RetentionRun>().Where(r => r.Id == run.Id && r.Owner == run.Owner)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Steps, json).SetProperty(r => r.LeaseUntil, until), CancellationToken.None);
        if (saved == 0) throw new StewardException("Another process took this sweep over after this one's claim lapsed; it goes on there.");
    }

    /// <summary>How long a claim on a run holds without its holder saving progress (after every chunk).</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>A run and the process that holds it: one process at a time sweeps a scope.</summary>
    private readonly record struct RunClaim(Guid Id, string Owner);

    /// <summary>The rows of a step still to do: clock before the cutoff, past the cursor, not held, and for a mask step not masked yet.</summary>
    private static string Due(ConnectedDatabase database, DbCommand command, SweepStep step, IReadOnlyList<object> held, bool fromLastKey)
    {
        var clock = ConnectedDatabase.Quote(step.Clock);
        var pk = ConnectedDatabase.Quote(step.PrimaryKey);
        ConnectedDatabase.AddParameter(command, "cutoff", CutoffValue(database, step));
        // SQLite orders any number before any text: a clock held as a number (epoch seconds, a julian day) would always look
        // due next to a text cutoff, so only text clocks are compared (docs/retention.md says what a clock must hold).
        var parts = new List<string> { database is SqliteDatabase ? $"{clock} < @cutoff AND typeof({clock}) = 'text'" : $"{clock} < @cutoff" };
        if (fromLastKey && step.LastKey is { } last)
        {
            ConnectedDatabase.AddParameter(command, "last", step.KeyIsNumber ? long.Parse(last, CultureInfo.InvariantCulture) : last);
            parts.Add($"{pk} > @last");
        }
        if (step.Action == SweepAction.Mask)
            parts.Add("(" + string.Join(" OR ", step.Fields.Select((f, i) =>
            {
                var column = ConnectedDatabase.Quote(f.Name);
                if (f.RewriteValue is null) return $"{column} IS NOT NULL";
                ConnectedDatabase.AddParameter(command, $"rw{i}", f.RewriteValue);
                return $"({column} IS NOT NULL AND {column} <> @rw{i})";
            })) + ")");
        if (held.Count > 0) parts.Add($"NOT ({database.KeysCondition(command, step.PrimaryKey, held, "held")})");
        return string.Join(" AND ", parts);
    }

    /// <summary>The SET list of a mask step: NULL, or the rewrite value where the field had one (a NULL stays NULL).</summary>
    private static string Masks(DbCommand command, SweepStep step) => string.Join(", ", step.Fields.Select((f, i) =>
    {
        var column = ConnectedDatabase.Quote(f.Name);
        return f.RewriteValue is null ? $"{column} = NULL" : $"{column} = CASE WHEN {column} IS NULL THEN NULL ELSE @rw{i} END";
    }));

    /// <summary>
    /// The cutoff as the clock column compares it: SQLite holds times as ISO 8601 text ('YYYY-MM-DD HH:MM:SS' in UTC, which
    /// sorts as time does); PostgreSQL as a timestamp with time zone (an instant) or without (the UTC wall-clock time).
    /// </summary>
    private static object CutoffValue(ConnectedDatabase database, SweepStep step) => database switch
    {
        SqliteDatabase => step.Cutoff.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ when step.ClockType == "timestamp with time zone" => step.Cutoff.UtcDateTime,
        _ => DateTime.SpecifyKind(step.Cutoff.UtcDateTime, DateTimeKind.Unspecified),
    };
}
