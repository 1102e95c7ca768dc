using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Steward.Hosting;

namespace Steward.Storage;

/// <summary>What <see cref="DatabaseMigrator"/> found and did.</summary>
internal sealed record MigrationOutcome(int Applied, int Total, bool WasNew);

/// <summary>Applies migrations and refuses databases that are newer than this build or not Steward's.</summary>
internal sealed class DatabaseMigrator(IDbContextFactory<StewardDbContext> contexts)
{
    /// <summary>Creates a new database, or checks that an existing one matches this build.</summary>
    public Task<MigrationOutcome> EnsureReadyAsync(CancellationToken ct) => MigrateAsync(onlyIfNew: true, ct);

    /// <summary>Applies pending migrations. With <paramref name="onlyIfNew"/> an existing database that
    /// lacks migrations is refused instead (serve does not silently upgrade a shared database).</summary>
    public async Task<MigrationOutcome> MigrateAsync(bool onlyIfNew, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var provider = db.Database.IsNpgsql() ? StorageProviders.Postgres : StorageProviders.Sqlite;

        var known = db.Database.GetMigrations().ToList();
        List<string> applied;
        try
        {
            applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToList();
        }
        catch (Exception e) when (IsDatabaseProblem(e))
        {
            throw new StewardException(Describe(provider, e), inner: e);
        }

        var unknown = applied.Except(known, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new StewardException($"The database has schema version '{unknown[^1]}', newer than this Steward knows (latest '{known.LastOrDefault()}'); upgrade Steward.");

        var pending = known.Except(applied, StringComparer.Ordinal).ToList();
        var wasNew = applied.Count == 0;
        if (!wasNew && onlyIfNew && pending.Count > 0)
            throw new StewardException($"The database lacks {pending.Count} migration(s) of this Steward; run 'steward migrate' first.");

        if (wasNew && await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(ct) && await HasForeignTablesAsync(db, ct))
            throw new StewardException("The database already holds tables of another application; point Steward at an empty database.");

        try
        {
            if (pending.Count > 0) await db.Database.MigrateAsync(ct);
            if (provider == StorageProviders.Sqlite)
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        catch (Exception e) when (IsDatabaseProblem(e))
        {
            throw new StewardException(Describe(provider, e), inner: e);
        }
        return new MigrationOutcome(pending.Count, known.Count, wasNew);
    }

    private static async Task<bool> HasForeignTablesAsync(StewardDbContext db, CancellationToken ct) =>
        // EF creates its migration lock table outside the migration transaction; an interrupted first run leaves it behind.
        (await TableNamesAsync(db, ct)).Any(n => n is not (HistoryRepository.DefaultTableName or "__EFMigrationsLock" or "sqlite_sequence"));

    private static async Task<HashSet<string>> TableNamesAsync(StewardDbContext db, CancellationToken ct)
    {
        var sql = db.Database.IsNpgsql()
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
        var names = new HashSet<string>(StringComparer.Ordinal);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) names.Add(reader.GetString(0));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return names;
    }

    internal static bool IsDatabaseProblem(Exception e) =>
        e is DbException or InvalidOperationException { InnerException: DbException } or DbUpdateException { InnerException: DbException }
          or TimeoutException or System.Net.Sockets.SocketException;

    internal static string Describe(string provider, Exception e)
    {
        var inner = e is InvalidOperationException { InnerException: { } i } ? i : e is DbUpdateException { InnerException: { } u } ? u : e;
        return inner switch
        {
            SqliteException { SqliteErrorCode: 26 } => "The SQLite file is not a database (is it a file of another program?).",
            SqliteException s => $"SQLite error: {s.Message}",
            PostgresException p => $"PostgreSQL refused: {p.MessageText} ({p.SqlState}).",
            NpgsqlException n => $"Cannot reach PostgreSQL: {n.Message}",
            _ => $"Cannot use the {provider} database: {inner.Message}",
        };
    }
}
