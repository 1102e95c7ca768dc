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
            settings["Storage:ConnectionString"] = pg;
            // PostgreSQL takes the key-encryption key from configuration (nodes share it).
            settings["Keys:KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        }
        return settings;
    }
}
