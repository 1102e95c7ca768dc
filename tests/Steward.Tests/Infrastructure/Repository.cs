namespace Steward.Tests.Infrastructure;

/// <summary>Finds files of the repository (snapshots, examples, docs) from the test's output folder.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Steward.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Steward.slnx not found above the test output folder.");
    }

    /// <summary>Set STEWARD_UPDATE_SNAPSHOTS=1 to rewrite committed snapshots instead of comparing.</summary>
    public static bool UpdateSnapshots => Environment.GetEnvironmentVariable("STEWARD_UPDATE_SNAPSHOTS") == "1";
}
