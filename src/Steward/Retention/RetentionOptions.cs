using Microsoft.Extensions.Options;

namespace Steward.DataRetention;

/// <summary>How <c>steward serve</c> sweeps data past its retention period.</summary>
internal sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>How often the sweep runs (one run per interval across all nodes).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Rows per statement: each chunk is one short transaction, so a writer to the same table waits at most one chunk.</summary>
    public int ChunkSize { get; set; } = 2_000;
}

/// <summary>One line per bad retention setting, naming its key.</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>();
        if (options.SweepInterval < TimeSpan.FromMinutes(1) || options.SweepInterval > TimeSpan.FromDays(7))
            failures.Add("Retention:SweepInterval must be between 00:01:00 and 7.00:00:00.");
        if (options.ChunkSize is < 1 or > 100_000)
            failures.Add("Retention:ChunkSize must be between 1 and 100000.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
