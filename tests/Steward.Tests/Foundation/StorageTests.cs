using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Steward.Hosting;
using Steward.Storage;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

public sealed class StorageTests
{
    [Theory]
    [InlineData(StorageProviders.Sqlite, "Data Source=model-check.db")]
    [InlineData(StorageProviders.Postgres, "Host=localhost;Database=model_check")]
    public void Migrations_match_the_model(string provider, string connectionString)
    {
        using var db = StorageSetup.CreateContext(provider, connectionString);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model has changes without a {provider} migration; add one with dotnet ef migrations add.");
    }

    [Fact]
    public async Task Migrate_creates_the_database_then_reports_it_up_to_date()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        var first = await StewardCli.RunAsync(db, "", "migrate");
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("to a new database", first.Stdout, StringComparison.Ordinal);
        var second = await StewardCli.RunAsync(db, "", "migrate");
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("up to date", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_made_by_the_build_with_separate_migration_assemblies_is_recognised_and_upgraded()
    {
        // That build's only migration was 'Initial'; its id must still be known so migrate applies just what is new.
        await using var db = await TestDatabase.CreateEmptyAsync();
        var connection = db.ConnectionString ?? $"Data Source={Path.Combine(db.DataDirectory, "steward.db")}";
        await using (var context = StorageSetup.CreateContext(db.Provider, connection))
        {
            var initial = context.Database.GetMigrations().First();
            Assert.EndsWith("_Initial", initial, StringComparison.Ordinal);
            await context.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(initial);
        }
        var migrate = await StewardCli.RunAsync(db, "", "migrate");
        Assert.Equal(0, migrate.ExitCode);
        await using var model = StorageSetup.CreateContext(db.Provider, connection);
        var total = model.Database.GetMigrations().Count();
        Assert.Contains($"applied {total - 1} of {total} migrations", migrate.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("new database", migrate.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_newer_than_this_build_is_refused_by_migrate_and_serve()
    {
        await using var app = await StewardTestApp.StartAsync();
        await using (var ctx = await app.DbAsync())
        {
            await ctx.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('29991231000000_FromTheFuture', '99.0.0')");
        }
        var migrate = await StewardCli.RunAsync(app.Database, "", "migrate");
        Assert.Equal(1, migrate.ExitCode);
        Assert.Contains("newer than this Steward", migrate.Stderr, StringComparison.Ordinal);

        var serve = await StewardCli.RunAsync(app.Database, "", "serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("newer than this Steward", serve.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sqlite_runs_in_wal_mode()
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "SQLite only");
        await using var app = await StewardTestApp.StartAsync();
        await using var ctx = await app.DbAsync();
        await ctx.Database.OpenConnectionAsync();
        await using var command = ctx.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}
