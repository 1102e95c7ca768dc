namespace Steward.Storage.Backup;

/// <summary>
/// While <c>steward serve</c> runs on the embedded database it holds a shared lock on <c>steward.lock</c> in the data directory;
/// <c>steward restore</c> takes it exclusively, so it never replaces a database a server is using.
/// </summary>
internal sealed class ServeLock(StorageConnection storage) : IHostedService, IDisposable
{
    public const string FileName = "steward.lock";
    private FileStream? _held;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (storage.Provider == Hosting.StorageProviders.Sqlite) _held = Open(storage.DataDirectory, FileShare.ReadWrite);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _held?.Dispose();
        _held = null;
    }

    /// <summary>The lock held exclusively, or null when a server holds it.</summary>
    public static FileStream? TryTakeExclusive(string dataDirectory)
    {
        try { return Open(dataDirectory, FileShare.None); }
        catch (IOException) { return null; }
    }

    private static FileStream Open(string dataDirectory, FileShare share)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = share };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = DataDirectory.OwnerReadWrite;
        return new FileStream(Path.Combine(dataDirectory, FileName), options);
    }
}
