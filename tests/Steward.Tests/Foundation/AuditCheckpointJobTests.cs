using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Jobs;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

public sealed class AuditCheckpointJobTests
{
    private static List<string> JobStates(StewardTestApp app)
    {
        using var db = app.DbAsync().GetAwaiter().GetResult();
        return db.Set<Job>().AsNoTracking().Select(j => j.Kind + " " + j.State + " " + j.Attempts + " " + j.LastError + " " + j.RunAfter).ToList();
    }

    [Fact]
    public async Task Serve_signs_a_checkpoint_as_a_job_once_entries_are_chained()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("auditor@example.com", Roles.Auditor, "correct horse battery");

        var checkpoint = await Jobs.JobTests.EventuallyAsync(async () =>
            {
                await using var db = await app.DbAsync();
                return await db.Set<AuditCheckpoint>().AsNoTracking().OrderByDescending(c => c.TreeSize).FirstOrDefaultAsync();
            }, c => c is not null, "a checkpoint signed in the background: " + string.Join("; ", JobStates(app)));
        Assert.True(checkpoint!.TreeSize >= 1);
        await using var ctx = await app.DbAsync();
        Assert.Contains(await ctx.Set<Job>().AsNoTracking().Where(j => j.Kind == AuditCheckpointJob.JobKind).Select(j => j.State).ToListAsync(),
            s => s == JobState.Succeeded);
        Assert.True((await app.Services<AuditVerifier>().VerifyAsync(CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task A_checkpoint_job_signs_only_when_a_checkpoint_is_due()
    {
        // Jobs are run by hand here; serve's chainer still runs and enqueues them.
        await using var app = await StewardTestApp.StartAsync(s => { s["Jobs:Enabled"] = "false"; s["Audit:CheckpointEveryEntries"] = "5"; });
        var job = app.Services<IEnumerable<IJobHandler>>().Single(h => h.Kind == AuditCheckpointJob.JobKind);
        async Task<List<long>> RunAsync(int entries)
        {
            for (var i = 0; i < entries; i++)
                await app.Services<AuditLog>().AppendAsync(new AuditEvent("test", "test.event", $"thing:{i}", new { i }));
            await job.RunAsync(new JobContext(Guid.CreateVersion7(), AuditCheckpointJob.JobKind, "{}", 1, 1), CancellationToken.None);
            await using var db = await app.DbAsync();
            return await db.Set<AuditCheckpoint>().OrderBy(c => c.TreeSize).Select(c => c.TreeSize).ToListAsync();
        }

        var first = await RunAsync(1);
        Assert.Single(first);
        // A run enqueued for a burst that another run has signed since (or any run early in the interval) signs nothing.
        Assert.Equal(first, await RunAsync(1));
        var burst = await RunAsync(5);
        Assert.Equal([first[0], first[0] + 6], burst);
        app.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal([.. burst, burst[^1] + 1], await RunAsync(1));
    }
}
