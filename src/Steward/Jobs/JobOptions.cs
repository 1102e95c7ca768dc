using Microsoft.Extensions.Options;

namespace Steward.Jobs;

/// <summary>The background worker of <c>steward serve</c> (section <c>Jobs</c>).</summary>
internal sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>False switches the worker off on this node (other nodes still run the jobs).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an idle worker looks for due jobs (a job enqueued on a node wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claim lasts without renewal; a running worker renews it every third of this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts before a job is dead, unless its kind says otherwise.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The back-off after the first failure; it doubles with each attempt (at most one hour), with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a job that succeeded stays in the table (for <c>jobs list</c> and the console) before the daily purge.</summary>
    public TimeSpan KeepFinishedFor { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>One line per bad setting, naming its key.</summary>
internal sealed class JobOptionsValidator : IValidateOptions<JobOptions>
{
    public ValidateOptionsResult Validate(string? name, JobOptions o)
    {
        var failures = new List<string>();
        if (o.PollInterval < TimeSpan.FromMilliseconds(100) || o.PollInterval > TimeSpan.FromHours(1))
            failures.Add("Jobs:PollInterval must be between 00:00:00.1 and 01:00:00.");
        if (o.LeaseDuration < TimeSpan.FromSeconds(5) || o.LeaseDuration > TimeSpan.FromHours(1))
            failures.Add("Jobs:LeaseDuration must be between 00:00:05 and 01:00:00.");
        if (o.MaxAttempts is < 1 or > 100)
            failures.Add("Jobs:MaxAttempts must be between 1 and 100.");
        if (o.RetryDelay < TimeSpan.FromMilliseconds(100) || o.RetryDelay > TimeSpan.FromHours(1))
            failures.Add("Jobs:RetryDelay must be between 00:00:00.1 and 01:00:00.");
        if (o.KeepFinishedFor < TimeSpan.FromHours(1) || o.KeepFinishedFor > TimeSpan.FromDays(3650))
            failures.Add("Jobs:KeepFinishedFor must be between 01:00:00 and 3650.00:00:00.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
