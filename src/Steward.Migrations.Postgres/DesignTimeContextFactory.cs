using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.Migrations.Postgres;

/// <summary>Lets 'dotnet ef migrations add' build the context for Postgres without a running app.</summary>
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<StewardDbContext>
{
    public StewardDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<StewardDbContext>();
        StorageSetup.Configure(options, StorageProviders.Postgres, "Host=localhost;Database=steward_design");
        return new StewardDbContext(options.Options);
    }
}
