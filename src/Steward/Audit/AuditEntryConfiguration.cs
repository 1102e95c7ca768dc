using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steward.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> e)
    {
        e.ToTable("audit_entries");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.HasIndex(x => x.EntryId).IsUnique();
        // Unique: an entry is chained once, at one place. Chained entries only, so a writer's insert (unchained) maintains
        // one index fewer; every query by position names one, which implies the filter on both providers.
        e.HasIndex(x => x.Sequence).IsUnique().HasFilter("\"Sequence\" IS NOT NULL");
        // What the chainer looks for, without walking past every chained entry (both providers accept this filter).
        e.HasIndex(x => x.Id, "IX_audit_entries_unchained").HasFilter("\"Sequence\" IS NULL");
        e.Property(x => x.Actor).HasMaxLength(200);
        e.Property(x => x.Action).HasMaxLength(100);
        e.Property(x => x.Target).HasMaxLength(200);
        e.Property(x => x.EntryMac).HasMaxLength(64);
        e.Property(x => x.PreviousHash).HasMaxLength(64);
        e.Property(x => x.Hash).HasMaxLength(64);
    }
}
