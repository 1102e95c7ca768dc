using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steward.Connectors;

/// <summary>The kinds of connection: two databases reached with SQL, a company webhook, a task for a person.</summary>
internal static class ConnectionTypes
{
    public const string Postgres = "postgres";
    public const string Sqlite = "sqlite";
    public const string Webhook = "webhook";
    public const string Manual = "manual";

    public static readonly string[] All = [Postgres, Sqlite, Webhook, Manual];

    public static bool IsDatabase(string type) => type is Postgres or Sqlite;
}

/// <summary>
/// A company system requests reach. Its secret (a connection string, or a webhook's <c>url=...;secret=...</c>)
/// is stored only encrypted with the connection-secrets key, itself wrapped by the key-encryption key. Entity.
/// </summary>
internal sealed class Connection
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Type { get; set; }
    /// <summary>Version of the connection-secrets key that encrypted <see cref="Secret"/>.</summary>
    public int KeyVersion { get; set; }
    /// <summary>Nonce (12 bytes), tag (16 bytes) and ciphertext.</summary>
    public required byte[] Secret { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>A dataset as imported: the YAML as given, for the connection it describes. Re-importing the same key replaces it. Entity.</summary>
internal sealed class Dataset
{
    public Guid Id { get; set; }
    public required string FidesKey { get; set; }
    public required string ConnectionName { get; set; }
    public required string Yaml { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
    public required string ImportedBy { get; set; }
}

internal sealed class ConnectionConfiguration : IEntityTypeConfiguration<Connection>, IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Connection> e)
    {
        e.ToTable("connections");
        e.HasKey(x => x.Id);
        e.Property(x => x.Name).HasMaxLength(100);
        e.HasIndex(x => x.Name).IsUnique();
        e.Property(x => x.Type).HasMaxLength(20);
        e.Property(x => x.Secret).HasMaxLength(8192);
        e.Property(x => x.CreatedBy).HasMaxLength(200);
    }

    public void Configure(EntityTypeBuilder<Dataset> e)
    {
        e.ToTable("datasets");
        e.HasKey(x => x.Id);
        e.Property(x => x.FidesKey).HasMaxLength(200);
        e.HasIndex(x => x.FidesKey).IsUnique();
        e.Property(x => x.ConnectionName).HasMaxLength(100);
        e.Property(x => x.ImportedBy).HasMaxLength(200);
    }
}
