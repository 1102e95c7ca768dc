namespace Steward.Storage;

/// <summary>The local data folder: created owner-only, since it holds the database and the key-encryption key.</summary>
internal static class DataDirectory
{
    internal const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> (owner-only) and checks it is writable; returns a one-line problem or null.</summary>
    public static string? Prepare(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "Storage:DataDirectory is empty; name a folder for the database and local keys.";
        try
        {
            var dir = Path.GetFullPath(path);
            if (!Directory.Exists(dir))
            {
                if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
                else Directory.CreateDirectory(dir, OwnerOnly);
            }
            var probe = Path.Combine(dir, ".write-test");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"Storage:DataDirectory '{path}' is not writable: {e.Message}";
        }
    }
}
