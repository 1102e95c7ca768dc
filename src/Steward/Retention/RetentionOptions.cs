using Microsoft.Extensions.Options;

namespace Steward.Retention;

/// <summary>How <c>steward serve</c> sweeps data past its retention period.</summary>
internal sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>How often the sweep runs (one run per interval across all nodes).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The most rows one chunk deletes or masks; each chunk is one transaction.</summary>
    public int ChunkSize { get; set; } = 200_000;

    /// <summary>
    /// How long one chunk should hold its table: chunks start at 1,000 rows (or <see cref="ChunkSize"/> if smaller) and grow
    /// or shrink towards this, so a writer to the same table waits about this long at most, whatever the database's speed.
    /// </summary>
    public TimeSpan ChunkDuration { get; set; } = TimeSpan.FromMilliseconds(40);

    /// <summary>
    /// The same for a PostgreSQL database, which locks only the rows a chunk changes: other writers to the table do not
    /// wait for it at all, so longer chunks cost nobody anything and save the per-chunk scans.
    /// </summary>
    public TimeSpan PostgresChunkDuration { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>One line per bad retention setting, naming its key.</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>();
        if (options.SweepInterval < TimeSpan.FromMinutes(1) || options.SweepInterval > TimeSpan.FromDays(7))
            failures.Add("Retention:SweepInterval must be between 00:01:00 and 7.00:00:00.");
        if (options.ChunkSize is < 1 or > 1_000_000)
            failures.Add("Retention:ChunkSize must be between 1 and 1000000.");
        if (options.ChunkDuration < TimeSpan.FromMilliseconds(1) || options.ChunkDuration > TimeSpan.FromMinutes(1))
            failures.Add("Retention:ChunkDuration must be between 00:00:00.001 and 00:01:00.");
        if (options.PostgresChunkDuration < TimeSpan.FromMilliseconds(1) || options.PostgresChunkDuration > TimeSpan.FromMinutes(1))
            failures.Add("Retention:PostgresChunkDuration must be between 00:00:00.001 and 00:01:00.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
