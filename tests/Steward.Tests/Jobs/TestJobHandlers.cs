using System.Collections.Concurrent;
using Steward.Hosting;
using Steward.Jobs;

namespace Steward.Tests.Jobs;

/// <summary>Fails its first two attempts with an expected failure, then succeeds.</summary>
internal sealed class FlakyHandler : IJobHandler
{
    public const string JobKind = "test.flaky";
    public string Kind => JobKind;
    public ConcurrentQueue<int> Attempts { get; } = new();

    public Task RunAsync(JobContext context, CancellationToken ct)
    {
        Attempts.Enqueue(context.Attempt);
        if (context.Attempt < 3) throw new StewardException("not yet");
        return Task.CompletedTask;
    }
}

/// <summary>Always fails with a message that quotes personal data, as careless code might.</summary>
internal sealed class BrokenHandler : IJobHandler
{
    public const string JobKind = "test.broken";
    public const string Leak = "alice@example.com";
    public string Kind => JobKind;
    public Task RunAsync(JobContext context, CancellationToken ct) => throw new InvalidOperationException($"cannot reach {Leak}");
}

/// <summary>Counts its runs per job.</summary>
internal sealed class CountingHandler : IJobHandler
{
    public const string JobKind = "test.counting";
    public string Kind => JobKind;
    public ConcurrentDictionary<Guid, int> Runs { get; } = new();

    public Task RunAsync(JobContext context, CancellationToken ct)
    {
        Runs.AddOrUpdate(context.JobId, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

/// <summary>Runs until released (or cancelled).</summary>
internal sealed class BlockingHandler : IJobHandler
{
    public const string JobKind = "test.blocking";
    public string Kind => JobKind;
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(JobContext context, CancellationToken ct)
    {
        Started.TrySetResult();
        await Release.Task.WaitAsync(ct);
    }
}
