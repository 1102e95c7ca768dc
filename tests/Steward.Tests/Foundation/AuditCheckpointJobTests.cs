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
}
