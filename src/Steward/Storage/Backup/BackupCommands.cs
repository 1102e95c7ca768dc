using System.CommandLine;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Hosting;
using Steward.People.Erasures;
using Steward.Security;
using Steward.Security.Keys;

namespace Steward.Storage.Backup;

/// <summary><c>steward backup</c> and <c>steward restore</c> of the embedded database.</summary>
internal static class BackupCommands
{
    private const string PostgresBackup =
        "On PostgreSQL back up with pg_dump and restore with pg_restore (see docs/operations.md), then run 'steward erasures replay'.";

    public static Command Backup()
    {
        var output = new Option<string>("--output", "-o") { Description = "The backup file to write (replaced atomically).", Required = true };
        var backup = new Command("backup",
            "Write a consistent copy of the embedded database while serve may be running, with a manifest (schema, Steward version, SHA-256). "
            + "The key-encryption key is not in it: keep the data directory's keys/ folder safe separately. PostgreSQL: use pg_dump.") { output };
        backup.SetGuardedAction(async (parse, ct) =>
        {
            var file = parse.GetValue(output)!;
            await using var services = Cli.CreateServices(parse);
            var storage = services.GetRequiredService<StorageConnection>();
            if (storage.Provider == StorageProviders.Postgres) throw new StewardException(PostgresBackup);
            await services.GetRequiredService<DatabaseMigrator>().EnsureReadyAsync(ct);
            var snapshot = Path.Combine(storage.DataDirectory, $".backup-{Guid.NewGuid():N}.db");
            try
            {
                // An empty owner-only file first: VACUUM INTO fills it and keeps its mode.
                await using (new FileStream(snapshot, OwnerOnlyNew())) { }
                await using (var connection = new SqliteConnection(storage.ConnectionString))
                {
                    await connection.OpenAsync(ct);
                    await using var vacuum = connection.CreateCommand();
                    vacuum.CommandText = "VACUUM INTO $file";
                    vacuum.Parameters.AddWithValue("$file", snapshot);
                    await vacuum.ExecuteNonQueryAsync(ct);
                }
                var migration = await LatestMigrationAsync(snapshot, ct);
                var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
                await Policy.PolicyCommands.WriteFileAsync(file, async temp =>
                {
                    await using var stream = new FileStream(temp, OwnerOnlyNew());
                    await BackupFile.WriteAsync(stream, snapshot, migration, now, ct);
                    stream.Flush(flushToDisk: true);
                });
                await services.GetRequiredService<AuditLog>().AppendAsync(new AuditEvent(AdminCommands.CliActor, "storage.backed-up", "storage", new { migration }), ct);
                Console.WriteLine($"backed up the database (schema {migration}) to {file}; the key-encryption key is not in it, keep keys/ safe separately");
                return 0;
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                File.Delete(snapshot);
            }
        });
        return backup;
    }

    public static Command Restore()
    {
        var file = new Argument<string>("FILE") { Description = "A file written by 'steward backup'." };
        var restore = new Command("restore",
            "Replace the embedded database with a backup (serve must be stopped), then erase again everyone erased since it was made "
            + "(from the erasure journal and the replaced database's tombstones). The replaced database is kept beside it. Audited. PostgreSQL: use pg_restore.") { file };
        restore.SetGuardedAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            StorageConnection storage;
            IReadOnlyList<string> known;
            await using (var probe = Cli.CreateServices(parse))
            {
                storage = probe.GetRequiredService<StorageConnection>();
                if (storage.Provider == StorageProviders.Postgres) throw new StewardException(PostgresBackup);
                await using var db = await probe.GetRequiredService<IDbContextFactory<StewardDbContext>>().CreateDbContextAsync(ct);
                known = db.Database.GetMigrations().ToList();
            }
            var database = new SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
            using var exclusive = ServeLock.TryTakeExclusive(storage.DataDirectory)
                ?? throw new StewardException($"The database in '{storage.DataDirectory}' is in use by steward serve; stop it, then restore.");
            var incoming = $"{database}.restoring-{Guid.NewGuid():N}";
            try
            {
                var manifest = await BackupFile.ExtractAsync(path, incoming, ct);
                if (!known.Contains(manifest.Migration, StringComparer.Ordinal))
                    throw new StewardException($"{path}: the backup has schema '{manifest.Migration}', newer than this Steward knows (latest '{known[^1]}'); upgrade Steward to restore it.");
                if (await LatestMigrationAsync(incoming, ct) != manifest.Migration)
                    throw new StewardException($"{path}: the backup's database does not match its manifest.");
                var (replaced, holds) = await ReplacedRecordsAsync(parse, database, ct);
                var (tombstones, erased, carried, aside) = await SwapAndReplayAsync(parse, database, incoming, replaced, holds, ct);
                Console.WriteLine($"restored the backup of {manifest.CreatedAt:yyyy-MM-ddTHH:mm:ssZ} (schema {manifest.Migration}); "
                    + $"erased {erased} subject(s) again from {tombstones} tombstone(s); {carried} legal hold(s) carried over"
                    + (aside is null ? "" : $"; the replaced database is kept as {aside}"));
                return 0;
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                File.Delete(incoming);
            }
        });
        return restore;
    }

    /// <summary>
    /// The tombstones and legal holds of the database about to be replaced (a backup is older than both: erasures are replayed,
    /// holds carried over, so a restore neither brings back the erased nor lets a hold lapse); a database newer than this
    /// Steward is refused here.
    /// </summary>
    private static async Task<(IReadOnlyList<TombstoneRecord> Tombstones, List<Retention.LegalHold> Holds)> ReplacedRecordsAsync(
        System.CommandLine.ParseResult parse, string database, CancellationToken ct)
    {
        if (!File.Exists(database) || new FileInfo(database).Length == 0) return ([], []);
        await using var current = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
        await using var db = await current.GetRequiredService<IDbContextFactory<StewardDbContext>>().CreateDbContextAsync(ct);
        return (await current.GetRequiredService<ErasureTombstones>().ReadDatabaseAsync(ct), await db.Set<Retention.LegalHold>().AsNoTracking().ToListAsync(ct));
    }

    /// <summary>
    /// Puts the replaced database's holds into the restored one: new holds added, changed ones (released, shortened) taken as
    /// they were. A hold on a person the backup does not know yet cannot be kept here (there is no one to hold); it is counted out.
    /// </summary>
    private static async Task<int> CarryHoldsAsync(IServiceProvider restored, List<Retention.LegalHold> holds, CancellationToken ct)
    {
        if (holds.Count == 0) return 0;
        await using var db = await restored.GetRequiredService<IDbContextFactory<StewardDbContext>>().CreateDbContextAsync(ct);
        var existing = await db.Set<Retention.LegalHold>().ToDictionaryAsync(h => h.Id, ct);
        var subjects = (await db.Set<People.DataSubject>().AsNoTracking().Select(s => s.Id).ToListAsync(ct)).ToHashSet();
        var carried = 0;
        foreach (var hold in holds)
        {
            if (existing.TryGetValue(hold.Id, out var row))
            {
                (row.Until, row.ReleasedAt, row.ReleasedBy) = (hold.Until, hold.ReleasedAt, hold.ReleasedBy);
                carried++;
            }
            else if (hold.SubjectId is not { } s || subjects.Contains(s))
            {
                db.Add(hold);
                carried++;
            }
        }
        await db.SaveChangesAsync(ct);
        return carried;
    }

    /// <summary>
    /// Moves the current database aside, puts the backup in its place and replays erasures; on any failure the backup is removed
    /// and the current database moved back, so nothing is lost.
    /// </summary>
    private static async Task<(int Tombstones, int Erased, int Holds, string? Aside)> SwapAndReplayAsync(
        System.CommandLine.ParseResult parse, string database, string incoming, IReadOnlyList<TombstoneRecord> replaced, List<Retention.LegalHold> holds, CancellationToken ct)
    {
        SqliteConnection.ClearAllPools();
        var suffix = $".replaced-{TimeProvider.System.GetUtcNow():yyyyMMddTHHmmssZ}";
        var moved = new List<string>();
        foreach (var f in DatabaseFiles(database).Where(File.Exists))
        {
            File.Move(f, f + suffix);
            moved.Add(f);
        }
        File.Move(incoming, database);
        try
        {
            await using var restored = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var keks = restored.GetRequiredService<KeyEncryptionKeys>();
            if ((await restored.GetRequiredService<KeyRing>().ListAsync(ct)).FirstOrDefault(k => keks.Find(k.WrappedBy) is null) is { } orphan)
                throw new StewardException($"The backup's keys are wrapped by key-encryption key {orphan.WrappedBy}, which is missing; put its file back into keys/ "
                    + $"(as {KeyEncryptionKey.PreviousFilePrefix}{orphan.WrappedBy}) or set Keys:PreviousKeyEncryptionKeys, then restore again.");
            var bar = Console.IsErrorRedirected ? null : new ProgressBar("replaying erasures", 0);
            // Holds placed since the backup stand again before anything else runs on the restored database.
            var carried = await CarryHoldsAsync(restored, holds, ct);
            var (tombstones, erased) = await restored.GetRequiredService<People.Erasures.ErasureReplay>().ReplayAsync(replaced, AdminCommands.CliActor, bar, ct);
            bar?.Done();
            await restored.GetRequiredService<AuditLog>().AppendAsync(new AuditEvent(AdminCommands.CliActor, "storage.restored", "storage", new { tombstones, erased, holds = carried }), ct);
            return (tombstones, erased, carried, moved.Contains(database) ? database + suffix : null);
        }
        catch
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in DatabaseFiles(database)) File.Delete(f);
            foreach (var f in moved) File.Move(f + suffix, f);
            throw;
        }
    }

    private static string[] DatabaseFiles(string database) => [database, database + "-wal", database + "-shm", database + "-journal"];

    private static async Task<string> LatestMigrationAsync(string file, CancellationToken ct)
    {
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId DESC LIMIT 1";
            return await command.ExecuteScalarAsync(ct) as string ?? throw new StewardException("The backup's database has no schema version.");
        }
        catch (SqliteException e)
        {
            throw new StewardException($"The backup's database cannot be read ({e.Message}).");
        }
    }

    private static FileStreamOptions OwnerOnlyNew()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = DataDirectory.OwnerReadWrite;
        return options;
    }
}
