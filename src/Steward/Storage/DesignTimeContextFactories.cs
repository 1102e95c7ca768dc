using Microsoft.EntityFrameworkCore.Design;
using Steward.Hosting;

namespace Steward.Storage;

// Let 'dotnet ef migrations add NAME --context SqliteStewardDbContext --output-dir Storage/Migrations/Sqlite'
// (and the same for Postgres) build each context without a running app.
internal sealed class SqliteDesignTimeContextFactory : IDesignTimeDbContextFactory<SqliteStewardDbContext>
{
    public SqliteStewardDbContext CreateDbContext(string[] args) =>
        (SqliteStewardDbContext)StorageSetup.CreateContext(StorageProviders.Sqlite, "Data Source=design-time.db");
}

internal sealed class PostgresDesignTimeContextFactory : IDesignTimeDbContextFactory<PostgresStewardDbContext>
{
    public PostgresStewardDbContext CreateDbContext(string[] args) =>
        (PostgresStewardDbContext)StorageSetup.CreateContext(StorageProviders.Postgres, "Host=localhost;Database=steward_design");
}
