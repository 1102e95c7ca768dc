namespace Steward.Bench;

/// <summary>Runs one body per writer, all of them at the same time.</summary>
internal static class ConcurrentWriters
{
    /// <summary>
    /// SQLite's async calls block their thread while they wait for its write lock: give the pool a thread per
    /// writer up front, or the pool's slow growth is what gets measured. Call from the global setup.
    /// </summary>
    public static void Prepare(int writers)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, writers + Environment.ProcessorCount), io);
    }

    /// <summary>Parallel.ForAsync alone runs at most ProcessorCount bodies at once (2 writers, not 16, on a 2-core machine).</summary>
    public static Task RunAsync(int writers, Func<CancellationToken, ValueTask> body) =>
        Parallel.ForAsync(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, (_, ct) => body(ct));
}
