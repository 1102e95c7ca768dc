using Steward.Jobs;

namespace Steward.JobHost;

/// <summary>
/// Appends "start N" to the file named by its payload; the first attempt then blocks until the process is killed,
/// a later one appends "done JOB" and returns. Idempotent in the sense the test checks: "done" is written by the
/// one run that completes.
/// </summary>
internal sealed class AppendingJob : IJobHandler
{
    public const string JobKind = "test.appending";
    public string Kind => JobKind;

    /// <summary>The job's payload.</summary>
    public sealed record Payload(string File);

    public async Task RunAsync(JobContext context, CancellationToken ct)
    {
        var file = context.PayloadAs<Payload>().File;
        await File.AppendAllTextAsync(file, $"start {context.Attempt} {Environment.ProcessId}\n", ct);
        if (context.Attempt == 1) await Task.Delay(Timeout.Infinite, ct);
        await File.AppendAllTextAsync(file, $"done {context.JobId}\n", ct);
    }
}
