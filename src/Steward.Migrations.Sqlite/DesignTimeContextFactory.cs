using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.Migrations.Sqlite;

/// <summary>Lets 'dotnet ef migrations add' build the context for Sqlite without a running app.</summary>
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<StewardDbContext>
{
    public StewardDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<StewardDbContext>();
        StorageSetup.Configure(options, StorageProviders.Sqlite, "Data Source=design-time.db");
        return new StewardDbContext(options.Options);
    }
}
