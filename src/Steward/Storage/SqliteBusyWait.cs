using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Steward.Storage;

/// <summary>
/// Lets SQLite itself wait for its single write lock (retrying after 1, 2, 5, 10 ... ms) instead of failing at once:
/// Microsoft.Data.Sqlite retries a busy statement only after sleeping 150 ms, so without this every brief
/// overlap of two writers (a request and the audit chainer or a job) costs one of them 150 ms.
/// </summary>
internal sealed class SqliteBusyWait : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        // As long as Microsoft.Data.Sqlite would keep retrying (its default timeout), so a busy error means the same as before.
        if (connection is SqliteConnection sqlite)
            SQLitePCL.raw.sqlite3_busy_timeout(sqlite.Handle, sqlite.DefaultTimeout * 1000);
    }
}
