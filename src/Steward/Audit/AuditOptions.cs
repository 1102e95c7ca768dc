using Microsoft.Extensions.Options;

namespace Steward.Audit;

/// <summary>How <c>steward serve</c> chains and checkpoints the audit log in the background.</summary>
internal sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Whether serve chains and checkpoints at all (several nodes may all do it; one chains at a time).</summary>
    public bool Background { get; set; } = true;

    /// <summary>How often the chainer looks for entries when no append in this process woke it.</summary>
    public TimeSpan ChainPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The least time between two chaining runs, so a burst of appends is chained in one transaction
    /// instead of one each (on SQLite every run takes the database's single write lock).
    /// </summary>
    public TimeSpan ChainDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A checkpoint is signed at least this often while new entries arrive.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>... and whenever this many entries were chained since the newest checkpoint.</summary>
    public int CheckpointEveryEntries { get; set; } = 10_000;
}

/// <summary>One line per bad audit setting, naming its key.</summary>
internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var failures = new List<string>();
        if (options.ChainPollInterval < TimeSpan.FromMilliseconds(10) || options.ChainPollInterval > TimeSpan.FromMinutes(10))
            failures.Add("Audit:ChainPollInterval must be between 00:00:00.010 and 00:10:00.");
        if (options.ChainDelay < TimeSpan.Zero || options.ChainDelay > TimeSpan.FromMinutes(1))
            failures.Add("Audit:ChainDelay must be between 00:00:00 and 00:01:00.");
        if (options.CheckpointInterval < TimeSpan.FromMinutes(1) || options.CheckpointInterval > TimeSpan.FromDays(7))
            failures.Add("Audit:CheckpointInterval must be between 00:01:00 and 7.00:00:00.");
        if (options.CheckpointEveryEntries is < 1 or > 10_000_000)
            failures.Add("Audit:CheckpointEveryEntries must be between 1 and 10000000.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
