using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Policy;
using Steward.Security;

namespace Steward.Storage;

/// <summary>
/// Steward's own database: one model, one small subclass per provider so each keeps its own
/// migrations in this assembly (EF Core's pattern for several providers). Features own their
/// entity configuration (<see cref="IEntityTypeConfiguration{TEntity}"/> in their folder).
/// </summary>
internal abstract class StewardDbContext : DbContext, IDataProtectionKeyContext
{
    // No savepoint around SaveChanges inside a caller's transaction: it costs a round trip per save (RELEASE) on
    // PostgreSQL, and no caller goes on with a transaction after a failed save; each one rolls it back whole.
    protected StewardDbContext(DbContextOptions options) : base(options) => Database.AutoSavepointsEnabled = false;

    /// <summary>Keys that protect session and antiforgery cookies, shared by every node.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<StaffUser> Users => Set<StaffUser>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<PolicyVersion> PolicyVersions => Set<PolicyVersion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(StewardDbContext).Assembly);
}

/// <summary>The model on SQLite (the embedded default); migrations in Storage/Migrations/Sqlite.</summary>
internal sealed class SqliteStewardDbContext(DbContextOptions<SqliteStewardDbContext> options) : StewardDbContext(options);

/// <summary>The model on PostgreSQL; migrations in Storage/Migrations/Postgres.</summary>
internal sealed class PostgresStewardDbContext(DbContextOptions<PostgresStewardDbContext> options) : StewardDbContext(options);
