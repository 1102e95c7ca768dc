namespace Steward.Retention;

/// <summary>
/// The scheduled sweep inside <c>steward serve</c> (daily by default, <see cref="RetentionOptions.SweepInterval"/>): one
/// run over every connection and Steward's own records, claimed on one node at a time. Idempotent: a run interrupted
/// on one node is resumed with its cutoffs by the next attempt. Before a policy is published there are no periods to apply.
/// </summary>
internal sealed class RetentionSweepJob(RetentionSweep sweep, Policy.PolicyStore policies) : Jobs.IJobHandler
{
    public const string JobKind = "retention.sweep";

    public string Kind => JobKind;

    public async Task RunAsync(Jobs.JobContext context, CancellationToken ct)
    {
        if (await policies.CurrentAsync(ct) is null) return;
        await sweep.RunAsync(SweepScope.Everything, dryRun: false, RetentionSweep.Actor, chunkDone: null, ct);
    }
}
