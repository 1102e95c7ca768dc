using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Storage;

namespace Steward.Jobs;

/// <summary>
/// Once a day, deletes jobs that succeeded more than <see cref="JobOptions.KeepFinishedFor"/> ago, so the table
/// holds what is still useful to look at. Dead jobs stay until someone retries them: they need a person. The newest
/// job of each kind stays too, so a recurring occurrence that ran is never queued again after a restart.
/// Idempotent: a set-based delete by age.
/// </summary>
internal sealed class FinishedJobsPurge(IDbContextFactory<StewardDbContext> contexts, IOptions<JobOptions> options, TimeProvider time) : IJobHandler
{
    public const string JobKind = "jobs.purge";

    public string Kind => JobKind;

    public async Task RunAsync(JobContext context, CancellationToken ct)
    {
        var before = time.GetUtcNow() - options.Value.KeepFinishedFor;
        await using var db = await contexts.CreateDbContextAsync(ct);
        // The newest job of each kind stays: a recurring schedule reads it to know its latest occurrence already ran.
        await db.Set<Job>().Where(j => j.State == JobState.Succeeded && j.FinishedAt < before
                && db.Set<Job>().Any(newer => newer.Kind == j.Kind && newer.CreatedAt > j.CreatedAt))
            .ExecuteDeleteAsync(ct);
    }
}
