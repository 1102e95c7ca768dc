using System.Text.Json;

namespace Steward.Jobs;

/// <summary>
/// Runs the jobs of one kind. Register it with <c>services.AddJobHandler&lt;T&gt;()</c> in the feature that owns it.
/// A handler MUST be idempotent: a job whose node dies, or whose lease lapses mid-run, is run again by another
/// node, so every effect must be safe to repeat (check before you write, use conditional updates, key what you
/// create by the job id). Throw <see cref="Hosting.StewardException"/> for an expected failure: its message
/// (which never carries personal data) becomes the job's last error; any other exception is recorded by type only.
/// </summary>
internal interface IJobHandler
{
    /// <summary>The job kind, e.g. <c>keys.rewrap</c>; stable, since queued jobs refer to it.</summary>
    string Kind { get; }

    /// <summary>Runs one attempt. <paramref name="ct"/> fires on shutdown and when the lease was lost to another node.</summary>
    Task RunAsync(JobContext context, CancellationToken ct);
}

/// <summary>The job being run: its id, payload and attempt number (1 for the first run).</summary>
internal sealed record JobContext(Guid JobId, string Kind, string Payload, int Attempt, int MaxAttempts)
{
    public T PayloadAs<T>() => JsonSerializer.Deserialize<T>(Payload, BackgroundJobs.PayloadJson)
        ?? throw new Hosting.StewardException($"Job {JobId} has an empty payload.");
}
