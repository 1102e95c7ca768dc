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

    internal const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Makes the SQLite database owner-only before SQLite touches it: a new file is created empty with mode 0600
    /// (an empty file is a valid empty database, and SQLite gives its -wal and -shm files the database file's
    /// mode); an existing database, -wal or -shm readable by others is narrowed to 0600.
    /// </summary>
    public static void SecureDatabaseFile(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        var file = Path.GetFullPath(path);
        if (!Directory.Exists(Path.GetDirectoryName(file))) return;
        try
        {
            if (!File.Exists(file))
                using (new FileStream(file, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerReadWrite })) { }
        }
        catch (IOException)
        {
            // Created by another process at the same moment; narrowed below like any existing file.
        }
        foreach (var f in new[] { file, file + "-wal", file + "-shm", file + "-journal" })
        {
            if (File.Exists(f) && (File.GetUnixFileMode(f) & ~OwnerReadWrite) != 0)
                File.SetUnixFileMode(f, File.GetUnixFileMode(f) & OwnerReadWrite);
        }
    }
}
