using System.ComponentModel.DataAnnotations;

namespace Steward.Hosting;

/// <summary>Where Steward keeps its data and which database it talks to.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>sqlite</c> (embedded default) or <c>postgres</c>.</summary>
    [Required]
    public string Provider { get; set; } = StorageProviders.Sqlite;

    /// <summary>Empty means one SQLite file under <see cref="DataDirectory"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the SQLite file and other local state.</summary>
    [Required]
    public string DataDirectory { get; set; } = "steward-data";
}

/// <summary>The database providers Steward supports.</summary>
internal static class StorageProviders
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public static readonly string[] All = [Sqlite, Postgres];
}
