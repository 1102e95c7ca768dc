using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Steward.Connectors;
using Steward.Retention;

namespace Steward.Bench;

/// <summary>
/// <c>-- retention sqlite|postgres</c>: Steward's retention sweep against one hand-written <c>DELETE FROM t WHERE clock &lt; cutoff</c>
/// on an identical copy of a STEWARD_BENCH_RETENTION_ROWS-row table (default 1,000,000) with 30% of its rows due, in the same
/// run. During each side a writer inserts and updates rows of the same table, one statement at a time, and its longest wait is
/// reported: the sweep's chunks are short transactions, the single DELETE holds the table until it is done.
/// </summary>
internal static class RetentionBenchmark
{
    public const string Verb = "retention";

    private const string Dataset = """
        dataset:
          - fides_key: bench_logs
            collections:
              - name: access_log
                fides_meta: { retention: { clock: logged_at } }
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: entry, data_categories: [user.behavior.access_log] }
                  - { name: logged_at, data_categories: [system.operations] }
              - name: warm_up
                fides_meta: { retention: { clock: logged_at } }
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: entry, data_categories: [user.behavior.access_log] }
                  - { name: logged_at, data_categories: [system.operations] }
        """;

    public static async Task<int> RunAsync(string provider)
    {
        var rows = int.Parse(Environment.GetEnvironmentVariable("STEWARD_BENCH_RETENTION_ROWS") ?? "1000000", CultureInfo.InvariantCulture);
        var (type, connectionString) = provider switch
        {
            "sqlite" => (ConnectionTypes.Sqlite, new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(Directory.CreateTempSubdirectory("steward-bench-retention-").FullName, "logs.db"),
                Pooling = true,
                DefaultTimeout = 60,
            }.ToString()),
            "postgres" when Environment.GetEnvironmentVariable("STEWARD_BENCH_POSTGRES") is { Length: > 0 } server => (ConnectionTypes.Postgres, await FreshPostgresAsync(server, rows)),
            _ => (null, null),
        };
        if (type is null || connectionString is null)
        {
            Console.Error.WriteLine("Usage: -- retention sqlite|postgres (postgres needs STEWARD_BENCH_POSTGRES).");
            return 2;
        }
        var database = ConnectedDatabase.For(type, connectionString);
        var watch = Stopwatch.StartNew();
        var due = await GenerateAsync(database, type, rows);
        Console.WriteLine($"{type}: {rows:N0} rows per table, {due:N0} due ({100.0 * due / rows:F0}%), generated in {watch.Elapsed.TotalSeconds:F0} s");

        using var services = ConsentBench.StartServices(Environment.GetEnvironmentVariable("STEWARD_BENCH_RETENTION_CHUNK") is { Length: > 0 } chunk
            ? new() { ["Retention:ChunkSize"] = chunk } : null);
        await services.GetRequiredService<ConnectionDirectory>().AddAsync("logs", type, connectionString, "bench", CancellationToken.None);
        var import = await services.GetRequiredService<DatasetStore>().ImportAsync(Dataset, "logs", "bench", CancellationToken.None);
        if (!import.Stored) throw new InvalidOperationException(string.Join("\n", import.Problems.Select(p => p.Format("bench"))));
        var sweep = services.GetRequiredService<RetentionSweep>();
        var plan = Assert((await sweep.PlanAsync(new SweepScope("logs", "access_log"), CancellationToken.None)).Single().Steps.Single());
        var cutoff = plan.Cutoff;
        async Task<long> HandDeleteAsync(string table)
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = $"DELETE FROM {table} WHERE logged_at < @cutoff";
            ConnectedDatabase.AddParameter(command, "cutoff", type == ConnectionTypes.Sqlite
                ? cutoff.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : DateTime.SpecifyKind(cutoff.UtcDateTime, DateTimeKind.Unspecified));
            command.CommandTimeout = 0;
            return await command.ExecuteNonQueryAsync();
        }
        // Warm both paths (JIT, pools, statement caches) on a small table of the same shape.
        await sweep.RunAsync(new SweepScope("logs", "warm_up"), dryRun: false, "bench", null, CancellationToken.None);
        await HandDeleteAsync("warm_up");

        var (stewardTime, stewardRows, stewardWait) = await WithWriterAsync(database, "access_log", async () =>
        {
            var outcome = await sweep.RunAsync(new SweepScope("logs", "access_log"), dryRun: false, "bench", null, CancellationToken.None);
            return outcome.Collections.Sum(c => c.Rows);
        });
        var (handTime, handRows, handWait) = await WithWriterAsync(database, "access_log_copy", () => HandDeleteAsync("access_log_copy"));
        if (stewardRows != due || handRows != due) throw new InvalidOperationException($"expected {due} rows deleted on each side, got {stewardRows} and {handRows}");

        // What a run costs besides deleting: plan, counts, the run's record and its audit entry.
        var idle = Stopwatch.StartNew();
        await sweep.RunAsync(new SweepScope("logs", "access_log"), dryRun: false, "bench", null, CancellationToken.None);
        Console.WriteLine($"a run with nothing due: {idle.Elapsed.TotalMilliseconds:F0} ms");
        var stewardRate = stewardRows / stewardTime.TotalSeconds;
        var handRate = handRows / handTime.TotalSeconds;
        Console.WriteLine("| side | rows deleted | time | rows/s | writer's longest wait |");
        Console.WriteLine("|---|---|---|---|---|");
        var retention = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RetentionOptions>>().Value;
        var budget = database is SqliteDatabase ? $"chunks of about {retention.ChunkDuration.TotalMilliseconds:F0} ms" : $"page ranges of about {retention.PostgresChunkDuration.TotalMilliseconds:F0} ms";
        Console.WriteLine($"| Steward sweep ({budget}) | {stewardRows:N0} | {stewardTime.TotalSeconds:F2} s | {stewardRate:N0} | {stewardWait.TotalMilliseconds:F0} ms |");
        Console.WriteLine($"| one hand-written DELETE | {handRows:N0} | {handTime.TotalSeconds:F2} s | {handRate:N0} | {handWait.TotalMilliseconds:F0} ms |");
        Console.WriteLine($"ratio (Steward rows/s ÷ DELETE rows/s): {stewardRate / handRate:F2} (goal ≥ 0.5); writer's longest wait during the sweep: {stewardWait.TotalMilliseconds:F0} ms (goal ≤ 100 ms)");
        return 0;
    }

    private static SweepStep Assert(SweepStep step) =>
        step.Action == SweepAction.Delete ? step : throw new InvalidOperationException("the bench dataset should be deleted, not masked");

    /// <summary>Two identical tables; a third of every ten rows (ids 0-2 of each ten) were logged three years ago, the rest this week.</summary>
    private static async Task<long> GenerateAsync(ConnectedDatabase database, string type, int rows)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        async Task ExecuteAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync();
        }
        if (type == ConnectionTypes.Sqlite)
        {
            await ExecuteAsync("PRAGMA journal_mode = WAL");
            foreach (var (table, n) in new[] { ("access_log", rows), ("access_log_copy", rows), ("warm_up", 10_000) })
            {
                await ExecuteAsync($"CREATE TABLE {table} (id INTEGER PRIMARY KEY, entry TEXT, logged_at TIMESTAMP)");
                await ExecuteAsync($"""
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})
                    INSERT INTO {table} SELECT i, 'GET /page/' || i || ' from 10.0.' || (i % 250) || '.' || (i % 200),
                      CASE WHEN i % 10 < 3 THEN datetime('now', '-3 years', '-' || (i % 1000) || ' minutes') ELSE datetime('now', '-' || (i % 7) || ' days') END FROM n
                    """);
                await ExecuteAsync($"CREATE INDEX {table}_logged_at ON {table} (logged_at)");
            }
        }
        else
        {
            foreach (var (table, n) in new[] { ("access_log", rows), ("access_log_copy", rows), ("warm_up", 10_000) })
            {
                await ExecuteAsync($"CREATE TABLE {table} (id BIGINT PRIMARY KEY, entry TEXT, logged_at TIMESTAMP)");
                await ExecuteAsync($"""
                    INSERT INTO {table} SELECT i, 'GET /page/' || i || ' from 10.0.' || (i % 250) || '.' || (i % 200),
                      CASE WHEN i % 10 < 3 THEN (now() AT TIME ZONE 'UTC') - interval '3 years' - (i % 1000) * interval '1 minute'
                      ELSE (now() AT TIME ZONE 'UTC') - (i % 7) * interval '1 day' END FROM generate_series(1, {n}) i
                    """);
                await ExecuteAsync($"CREATE INDEX {table}_logged_at ON {table} (logged_at)");
                await ExecuteAsync($"VACUUM ANALYZE {table}");
            }
        }
        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM access_log WHERE id % 10 < 3";
        return Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="work"/> while a writer inserts a new row and updates a recent one, statement by statement; returns its longest wait.</summary>
    private static async Task<(TimeSpan Elapsed, long Rows, TimeSpan LongestWait)> WithWriterAsync(ConnectedDatabase database, string table, Func<Task<long>> work)
    {
        using var stop = new CancellationTokenSource();
        var longest = TimeSpan.Zero;
        var writes = 0;
        var measuring = false;
        var writer = Task.Run(async () =>
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            if (database is SqliteDatabase)
            {
                // As an application sharing a SQLite file should: SQLite's own busy handler retries within milliseconds,
                // where the driver's fallback sleeps 150 ms between tries.
                await using var busy = connection.CreateCommand();
                busy.CommandText = "PRAGMA busy_timeout = 30000";
                await busy.ExecuteNonQueryAsync();
            }
            var id = 10_000_000_000L;
            while (!stop.IsCancellationRequested)
            {
                var counts = Volatile.Read(ref measuring);
                var started = Stopwatch.GetTimestamp();
                await using (var insert = connection.CreateCommand())
                {
                    insert.CommandText = $"INSERT INTO {table} (id, entry, logged_at) VALUES (@id, 'GET /new', @at)";
                    ConnectedDatabase.AddParameter(insert, "id", ++id);
                    var now = TimeProvider.System.GetUtcNow().UtcDateTime;
                    ConnectedDatabase.AddParameter(insert, "at", database is SqliteDatabase ? now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : DateTime.SpecifyKind(now, DateTimeKind.Unspecified));
                    await insert.ExecuteNonQueryAsync();
                }
                await using (var update = connection.CreateCommand())
                {
                    // A recent row (ids ending in 3-9 are not due), so both sides delete the same rows.
                    update.CommandText = $"UPDATE {table} SET entry = entry || '!' WHERE id = @id";
                    ConnectedDatabase.AddParameter(update, "id", (long)Random.Shared.Next(1, 100_000) * 10 + 5);
                    await update.ExecuteNonQueryAsync();
                }
                var waited = Stopwatch.GetElapsedTime(started);
                // Only writes that started once the work had: the first ones pay for JIT and the connection.
                if (counts)
                {
                    if (waited > longest) longest = waited;
                    writes++;
                }
                await Task.Delay(5);
            }
        });
        await Task.Delay(200);
        Volatile.Write(ref measuring, true);
        var watch = Stopwatch.StartNew();
        var rows = await work();
        var elapsed = watch.Elapsed;
        await stop.CancelAsync();
        await writer;
        Console.WriteLine($"{table}: {writes:N0} writes alongside");
        return (elapsed, rows, longest);
    }

    private static async Task<string> FreshPostgresAsync(string server, int rows)
    {
        var name = $"steward_bench_retention_{rows}";
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            foreach (var sql in new[] { $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", $"CREATE DATABASE {name}" })
            {
                await using var command = new NpgsqlCommand(sql, admin);
                await command.ExecuteNonQueryAsync();
            }
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
    }
}
