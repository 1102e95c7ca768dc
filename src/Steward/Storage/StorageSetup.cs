using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Steward.Hosting;

namespace Steward.Storage;

/// <summary>Registers Steward's database: options validated at start, the provider's context and its migrations.</summary>
internal static class StorageSetup
{
    public static IServiceCollection AddStewardStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<StorageConnection>();
        services.AddSingleton<ChangeNotifications>();
        services.AddSingleton<AfterCommitDelivery>();
        services.AddSingleton<PostgresChangeListener>();
        services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeListener>());
        services.AddSingleton<SqliteChangePoller>();
        services.AddHostedService(sp => sp.GetRequiredService<SqliteChangePoller>());
        services.AddDbContextFactory<SqliteStewardDbContext>((sp, o) =>
        {
            Configure(o, StorageProviders.Sqlite, sp.GetRequiredService<StorageConnection>().ConnectionString);
            o.AddInterceptors(sp.GetRequiredService<AfterCommitDelivery>(), new SqliteBusyWait());
        });
        services.AddDbContextFactory<PostgresStewardDbContext>((sp, o) => Configure(o, StorageProviders.Postgres, sp.GetRequiredService<StorageConnection>().ConnectionString));
        services.AddSingleton<IDbContextFactory<StewardDbContext>>(sp => sp.GetRequiredService<StorageConnection>().Provider == StorageProviders.Postgres
            ? new ProviderContextFactory<PostgresStewardDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresStewardDbContext>>())
            : new ProviderContextFactory<SqliteStewardDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteStewardDbContext>>()));
        // Data protection's key store resolves the context from a scope.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<StewardDbContext>>().CreateDbContext());
        services.AddSingleton<DatabaseMigrator>();
        return services;
    }

    /// <summary>Configures EF Core for <paramref name="provider"/>; its migrations are in this assembly.</summary>
    public static void Configure(DbContextOptionsBuilder builder, string provider, string connectionString)
    {
        switch (provider)
        {
            case StorageProviders.Sqlite:
                builder.UseSqlite(connectionString);
                break;
            case StorageProviders.Postgres:
                builder.UseNpgsql(connectionString);
                break;
            default:
                throw new StewardException($"Storage:Provider '{provider}' is not supported; use one of: {string.Join(", ", StorageProviders.All)}.");
        }
    }

    /// <summary>A context of <paramref name="provider"/> outside dependency injection (design time, model checks).</summary>
    public static StewardDbContext CreateContext(string provider, string connectionString)
    {
        if (provider == StorageProviders.Postgres)
        {
            var pg = new DbContextOptionsBuilder<PostgresStewardDbContext>();
            Configure(pg, provider, connectionString);
            return new PostgresStewardDbContext(pg.Options);
        }
        var sqlite = new DbContextOptionsBuilder<SqliteStewardDbContext>();
        Configure(sqlite, provider, connectionString);
        return new SqliteStewardDbContext(sqlite.Options);
    }

    private sealed class ProviderContextFactory<T>(IDbContextFactory<T> inner) : IDbContextFactory<StewardDbContext> where T : StewardDbContext
    {
        public StewardDbContext CreateDbContext() => inner.CreateDbContext();
        public async Task<StewardDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}

/// <summary>The effective provider and connection string; creates the data directory (owner-only) for SQLite.</summary>
internal sealed class StorageConnection
{
    public StorageConnection(IOptions<StorageOptions> options)
    {
        var o = options.Value;
        Provider = o.Provider.Trim().ToLowerInvariant();
        DataDirectory = Path.GetFullPath(o.DataDirectory);
        ConnectionString = Provider == StorageProviders.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString)
            ? o.ConnectionString!
            : new SqliteConnectionStringBuilder { DataSource = Path.Combine(DataDirectory, "steward.db"), Pooling = true }.ToString();
        if (Provider == StorageProviders.Sqlite
            && new SqliteConnectionStringBuilder(ConnectionString) is { Mode: not SqliteOpenMode.Memory, DataSource: { Length: > 0 } file }
            && file != ":memory:" && !file.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            Storage.DataDirectory.SecureDatabaseFile(file);
    }

    public string Provider { get; }
    public string ConnectionString { get; }
    /// <summary>Folder for the SQLite file and local state such as the generated key-encryption key.</summary>
    public string DataDirectory { get; }
}

/// <summary>One line per bad storage setting, naming its key.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var provider = options.Provider?.Trim().ToLowerInvariant() ?? "";
        switch (provider)
        {
            case StorageProviders.Sqlite when !string.IsNullOrWhiteSpace(options.ConnectionString):
                try { _ = new SqliteConnectionStringBuilder(options.ConnectionString); }
                catch (ArgumentException e) { return Fail($"Storage:ConnectionString is not a SQLite connection string ({e.Message})."); }
                return ValidateOptionsResult.Success;
            case StorageProviders.Sqlite:
                return DataDirectory.Prepare(options.DataDirectory) is { } problem ? Fail(problem) : ValidateOptionsResult.Success;
            case StorageProviders.Postgres when string.IsNullOrWhiteSpace(options.ConnectionString):
                return Fail("Storage:ConnectionString is required when Storage:Provider is 'postgres' (e.g. STEWARD__Storage__ConnectionString=\"Host=...;Database=steward;Username=...\").");
            case StorageProviders.Postgres:
                try { _ = new NpgsqlConnectionStringBuilder(options.ConnectionString); }
                catch (ArgumentException e) { return Fail($"Storage:ConnectionString is not a PostgreSQL connection string ({e.Message})."); }
                return ValidateOptionsResult.Success;
            default:
                return Fail($"Storage:Provider '{options.Provider}' is not supported; use one of: {string.Join(", ", StorageProviders.All)}.");
        }
    }

    private static ValidateOptionsResult Fail(string message) => ValidateOptionsResult.Fail(message);
}
