using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Steward.Hosting;

namespace Steward.Storage;

/// <summary>Chooses the database provider from configuration and finds its migrations.</summary>
public static class StorageSetup
{
    public const string SqliteMigrationsAssembly = "Steward.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Steward.Migrations.Postgres";

    static StorageSetup()
    {
        // The migrations assemblies reference this executable, so it cannot reference them back;
        // the build copies them beside it and they are loaded from here on demand.
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            if (name.Name is not (SqliteMigrationsAssembly or PostgresMigrationsAssembly)) return null;
            var path = Path.Combine(AppContext.BaseDirectory, name.Name + ".dll");
            return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
        };
    }

    /// <summary>Resolves the effective connection string, creating the data directory for SQLite.</summary>
    public static string ResolveConnectionString(StorageOptions options)
    {
        switch (options.Provider)
        {
            case StorageProviders.Sqlite:
                if (!string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    try { _ = new SqliteConnectionStringBuilder(options.ConnectionString); }
                    catch (ArgumentException e)
                    {
                        throw new StewardException($"Storage:ConnectionString is not a SQLite connection string ({e.Message}).");
                    }
                    return options.ConnectionString;
                }
                var dir = Path.GetFullPath(options.DataDirectory);
                try
                {
                    Directory.CreateDirectory(dir);
                    var probe = Path.Combine(dir, ".write-test");
                    File.WriteAllText(probe, "");
                    File.Delete(probe);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new StewardException($"Data directory '{options.DataDirectory}' is not writable: {e.Message}");
                }
                return new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(dir, "steward.db"),
                    Pooling = true,
                }.ToString();
            case StorageProviders.Postgres:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                    throw new StewardException("Storage:ConnectionString is required when Storage:Provider is 'postgres' (e.g. STEWARD__Storage__ConnectionString=\"Host=...;Database=steward;Username=...\").");
                try { _ = new NpgsqlConnectionStringBuilder(options.ConnectionString); }
                catch (ArgumentException e)
                {
                    throw new StewardException($"Storage:ConnectionString is not a PostgreSQL connection string ({e.Message}).");
                }
                return options.ConnectionString;
            default:
                throw new StewardException($"Storage:Provider '{options.Provider}' is not supported; use one of: {string.Join(", ", StorageProviders.All)}.");
        }
    }

    /// <summary>Configures EF Core for the chosen provider.</summary>
    public static void Configure(DbContextOptionsBuilder builder, string provider, string connectionString)
    {
        switch (provider)
        {
            case StorageProviders.Sqlite:
                builder.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly));
                break;
            case StorageProviders.Postgres:
                builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly));
                break;
            default:
                throw new StewardException($"Storage:Provider '{provider}' is not supported; use one of: {string.Join(", ", StorageProviders.All)}.");
        }
        builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    internal static Assembly? TryLoadMigrations(string provider)
    {
        var name = provider == StorageProviders.Postgres ? PostgresMigrationsAssembly : SqliteMigrationsAssembly;
        try { return Assembly.Load(new AssemblyName(name)); }
        catch (FileNotFoundException) { return null; }
    }
}
