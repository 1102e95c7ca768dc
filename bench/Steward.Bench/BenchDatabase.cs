namespace Steward.Bench;

/// <summary>Settings for a fresh embedded database in a temporary folder (or PostgreSQL when STEWARD_BENCH_POSTGRES is set).</summary>
internal static class BenchDatabase
{
    public static Dictionary<string, string?> FreshSettings()
    {
        var dir = Directory.CreateTempSubdirectory("steward-bench-").FullName;
        var settings = new Dictionary<string, string?> { ["Storage:DataDirectory"] = dir, ["urls"] = "http://127.0.0.1:0" };
        if (Environment.GetEnvironmentVariable("STEWARD_BENCH_POSTGRES") is { Length: > 0 } pg)
        {
            settings["Storage:Provider"] = "postgres";
            // A database of its own per run (benchmarks run in separate processes, each with its own key).
            settings["Storage:ConnectionString"] = new Npgsql.NpgsqlConnectionStringBuilder(pg) { Database = $"steward_bench_{Guid.NewGuid():N}" }.ToString();
            // PostgreSQL needs a key-encryption key from configuration; a fresh one per run will do.
            settings["Keys:KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        }
        return settings;
    }
}
