using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Policy;
using Steward.Security;

namespace Steward.Storage;

/// <summary>Steward's own database; the same model on SQLite and PostgreSQL.</summary>
public sealed class StewardDbContext(DbContextOptions<StewardDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Keys that protect session and antiforgery cookies, shared by every node.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<StaffUser> Users => Set<StaffUser>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<PolicyVersion> PolicyVersions => Set<PolicyVersion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DataProtectionKey>(e => e.ToTable("data_protection_keys"));
        modelBuilder.Entity<StaffUser>(e =>
        {
            e.ToTable("staff_users");
            e.HasKey(x => x.Id);
            e.Property(x => x.Email).HasMaxLength(320);
            e.Property(x => x.NormalizedEmail).HasMaxLength(320);
            e.HasIndex(x => x.NormalizedEmail).IsUnique();
            e.Property(x => x.Role).HasMaxLength(32);
        });
        modelBuilder.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(100);
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.KeyHash).HasMaxLength(64);
            e.HasIndex(x => x.KeyHash).IsUnique();
            e.Property(x => x.Role).HasMaxLength(32);
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedNever();
            e.Property(x => x.Actor).HasMaxLength(200);
            e.Property(x => x.Action).HasMaxLength(100);
            e.Property(x => x.Target).HasMaxLength(200);
            e.Property(x => x.PreviousHash).HasMaxLength(64);
            e.Property(x => x.Hash).HasMaxLength(64);
        });
        modelBuilder.Entity<PolicyVersion>(e =>
        {
            e.ToTable("policy_versions");
            e.HasKey(x => x.Version);
            e.Property(x => x.Version).ValueGeneratedNever();
            e.Property(x => x.ContentHash).HasMaxLength(64);
            e.HasIndex(x => x.ContentHash);
            e.Property(x => x.Summary).HasMaxLength(2000);
            e.Property(x => x.PublishedBy).HasMaxLength(200);
        });
    }
}
