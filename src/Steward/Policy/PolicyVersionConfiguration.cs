using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steward.Policy;

internal sealed class PolicyVersionConfiguration : IEntityTypeConfiguration<PolicyVersion>
{
    public void Configure(EntityTypeBuilder<PolicyVersion> e)
    {
        e.ToTable("policy_versions");
        e.HasKey(x => x.Version);
        e.Property(x => x.Version).ValueGeneratedNever();
        e.Property(x => x.ContentHash).HasMaxLength(64);
        e.HasIndex(x => x.ContentHash);
        e.Property(x => x.Summary).HasMaxLength(2000);
        e.Property(x => x.PublishedBy).HasMaxLength(200);
    }
}
