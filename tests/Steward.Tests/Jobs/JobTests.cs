using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Steward.Jobs;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Jobs;

public sealed class JobTests
{
    internal static async Task<Job> JobAsync(StewardTestApp app, Guid id)
    {
        await using var db = await app.DbAsync();
        return await db.Set<Job>().AsNoTracking().SingleAsync(j => j.Id == id);
    }

    /// <summary>Waits (real time, bounded) for something the worker does in the background.</summary>
    /// <summary>Polls until <paramref name="done"/>; <paramref name="nudge"/> (if given) runs every quarter second, e.g. to move a
    /// fake clock on for a worker that went to sleep on it just after the test had set the time.</summary>
    internal static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, Action? nudge = null)
    {
        var deadline = Environment.TickCount64 + 30_000;
        var nextNudge = Environment.TickCount64 + 250;
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (Environment.TickCount64 > deadline) Assert.Fail($"timed out waiting for {what}; last: {value}");
            if (nudge is not null && Environment.TickCount64 > nextNudge)
            {
                nudge();
                nextNudge = Environment.TickCount64 + 250;
            }
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_failing_job_is_retried_with_growing_back_off_on_the_clock_and_succeeds_the_third_time()
    {
        await using var app = await StewardTestApp.StartAsync(null, s => s["Jobs:RetryDelay"] = "00:00:10", s => s.AddJobHandler<FlakyHandler>());
        var jobs = app.Services<BackgroundJobs>();
        var runner = app.Services<JobRunner>();
        var t0 = app.Time.GetUtcNow();
        var id = (await jobs.EnqueueAsync(FlakyHandler.JobKind)).JobId;

        // The worker wakes on the enqueue; attempt 1 fails and waits 5-10 s (half fixed, half jitter).
        var first = await EventuallyAsync(() => JobAsync(app, id), j => j.State == JobState.Failed, "the first failure");
        Assert.Equal(1, first.Attempts);
        Assert.Equal("not yet", first.LastError);
        Assert.InRange(first.RunAfter, t0 + TimeSpan.FromSeconds(5), app.Time.GetUtcNow() + TimeSpan.FromSeconds(10));

        // Not before its time.
        app.Time.SetUtcNow(first.RunAfter - TimeSpan.FromSeconds(1));
        while (await runner.RunNextAsync(CancellationToken.None)) { } // Steward's own due jobs (e.g. the audit checkpoint) may run
        Assert.Equal(1, (await JobAsync(app, id)).Attempts);

        // The worker's poll wakes on the fake clock; attempt 2 fails and waits 10-20 s.
        var t1 = first.RunAfter;
        app.Time.SetUtcNow(first.RunAfter + TimeSpan.FromSeconds(6));
        var second = await EventuallyAsync(() => JobAsync(app, id), j => j.Attempts == 2 && j.State == JobState.Failed, "the second failure",
            () => app.Time.Advance(TimeSpan.FromSeconds(1)));
        Assert.InRange(second.RunAfter, t1 + TimeSpan.FromSeconds(10), app.Time.GetUtcNow() + TimeSpan.FromSeconds(20));

        app.Time.SetUtcNow(second.RunAfter + TimeSpan.FromSeconds(6));
        var done = await EventuallyAsync(() => JobAsync(app, id), j => j.State == JobState.Succeeded, "success",
            () => app.Time.Advance(TimeSpan.FromSeconds(1)));
        Assert.Equal(3, done.Attempts);
        Assert.NotNull(done.FinishedAt);
        Assert.Null(done.LeaseOwner);
        Assert.Equal([1, 2, 3], app.Services<IEnumerable<IJobHandler>>().OfType<FlakyHandler>().Single().Attempts);
    }

    [Fact]
    public async Task A_job_is_dead_after_its_attempts_logged_by_id_without_the_exception_message_and_retry_is_audited()
    {
        await using var app = await StewardTestApp.StartAsync(null, s => { s["Jobs:Enabled"] = "false"; s["Audit:Background"] = "false"; }, s => s.AddJobHandler<BrokenHandler>());
        var runner = app.Services<JobRunner>();
        var id = (await app.Services<BackgroundJobs>().EnqueueAsync(BrokenHandler.JobKind, new { subject = 42 }, maxAttempts: 2)).JobId;

        Assert.True(await runner.RunNextAsync(CancellationToken.None));
        Assert.Equal(JobState.Failed, (await JobAsync(app, id)).State);
        app.Time.Advance(TimeSpan.FromHours(1));
        Assert.True(await runner.RunNextAsync(CancellationToken.None));
        var dead = await JobAsync(app, id);
        Assert.Equal(JobState.Dead, dead.State);
        Assert.Equal(2, dead.Attempts);
        Assert.Equal("InvalidOperationException (see the node's log)", dead.LastError);
        app.Time.Advance(TimeSpan.FromDays(1));
        Assert.False(await runner.RunNextAsync(CancellationToken.None));

        Assert.Contains(app.Logs.Lines, l => l.Contains($"Job {id} ({BrokenHandler.JobKind}) is dead after 2 attempts", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(BrokenHandler.Leak, StringComparison.Ordinal));

        var listed = await StewardCli.RunAsync(app.Database, "", "jobs", "list", "--state", "dead");
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains(id.ToString(), listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException", listed.Stdout, StringComparison.Ordinal);

        var retried = await StewardCli.RunAsync(app.Database, "", "jobs", "retry", id.ToString());
        Assert.Equal(0, retried.ExitCode);
        var queued = await JobAsync(app, id);
        Assert.Equal(JobState.Queued, queued.State);
        Assert.Equal(0, queued.Attempts);
        await using (var db = await app.DbAsync())
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "job.retried" && e.Target == $"job:{id}" && e.Actor == "cli"));

        var again = await StewardCli.RunAsync(app.Database, "", "jobs", "retry", id.ToString());
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"steward: Job {id} is queued; only a dead job can be retried.", again.Stderr.Trim());
    }

    [Fact]
    public async Task A_dedup_key_holds_one_open_job_even_under_concurrent_enqueues_and_frees_when_it_finishes()
    {
        await using var app = await StewardTestApp.StartAsync(null, s => { s["Jobs:Enabled"] = "false"; s["Audit:Background"] = "false"; }, s => s.AddJobHandler<CountingHandler>());
        var jobs = app.Services<BackgroundJobs>();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => jobs.EnqueueAsync(CountingHandler.JobKind, dedupKey: "sweep"))));
        Assert.Single(outcomes, o => o.Created);
        Assert.Single(outcomes.Select(o => o.JobId).Distinct());
        Assert.Equal(1, await CountAsync(app, CountingHandler.JobKind));

        Assert.True(await app.Services<JobRunner>().RunNextAsync(CancellationToken.None));
        var next = await jobs.EnqueueAsync(CountingHandler.JobKind, dedupKey: "sweep");
        Assert.True(next.Created);
        Assert.NotEqual(outcomes[0].JobId, next.JobId);
    }

    [Fact]
    public async Task Concurrent_claimers_claim_each_job_exactly_once()
    {
        await using var app = await StewardTestApp.StartAsync(null, s => { s["Jobs:Enabled"] = "false"; s["Audit:Background"] = "false"; }, s => s.AddJobHandler<CountingHandler>());
        var jobs = app.Services<BackgroundJobs>();
        var ids = new List<Guid>();
        for (var i = 0; i < 30; i++) ids.Add((await jobs.EnqueueAsync(CountingHandler.JobKind)).JobId);
        // Several claimers, each with its own lease owner, as several nodes (PostgreSQL) or racing claims (SQLite).
        var claimers = Enumerable.Range(0, 6).Select(_ => ActivatorUtilities.CreateInstance<JobRunner>(app.App.Services)).ToList();
        var claimed = await Task.WhenAll(claimers.Select(c => Task.Run(async () =>
        {
            var mine = new List<Guid>();
            while (await c.ClaimAsync(CancellationToken.None) is { } job) mine.Add(job.Id);
            return mine;
        })));
        var all = claimed.SelectMany(c => c).ToList();
        Assert.Equal(ids.Order(), all.Order());
    }

    [Fact]
    public async Task A_running_job_keeps_its_lease_by_heartbeat_and_a_lapsed_lease_is_taken_over()
    {
        var blocking = new BlockingHandler();
        await using var app = await StewardTestApp.StartAsync(null, s =>
        {
            s["Jobs:Enabled"] = "false";
            s["Jobs:LeaseDuration"] = "00:00:30";
            s["Audit:Background"] = "false"; // no audit checkpoint job to claim beside the test's own
        }, s => s.AddSingleton<IJobHandler>(blocking));
        var id = (await app.Services<BackgroundJobs>().EnqueueAsync(BlockingHandler.JobKind)).JobId;
        var node = app.Services<JobRunner>();
        var other = ActivatorUtilities.CreateInstance<JobRunner>(app.App.Services);
        var run = Task.Run(() => node.RunNextAsync(CancellationToken.None));
        await blocking.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Twice the lease passes in steps of 11 s; each step's heartbeat renews it, so the other node may not take it.
        for (var step = 0; step < 6; step++)
        {
            var before = (await JobAsync(app, id)).LeaseExpiresAt;
            app.Time.Advance(TimeSpan.FromSeconds(11));
            await EventuallyAsync(() => JobAsync(app, id), j => j.LeaseExpiresAt > before, "a heartbeat");
            Assert.Null(await other.ClaimAsync(CancellationToken.None));
        }
        blocking.Release.SetResult();
        Assert.True(await run);
        Assert.Equal(1, (await JobAsync(app, id)).Attempts);

        // A node that claimed and died: its job is taken over once the lease has lapsed, and counts the attempt.
        var orphan = (await app.Services<BackgroundJobs>().EnqueueAsync(BlockingHandler.JobKind)).JobId;
        Assert.Equal(orphan, (await other.ClaimAsync(CancellationToken.None))!.Id);
        Assert.False(await node.RunNextAsync(CancellationToken.None));
        app.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(await node.RunNextAsync(CancellationToken.None));
        var taken = await JobAsync(app, orphan);
        Assert.Equal(JobState.Succeeded, taken.State);
        Assert.Equal(2, taken.Attempts);
    }

    [Fact]
    public async Task Each_occurrence_of_a_recurring_job_is_enqueued_once_by_one_of_two_nodes()
    {
        await using var a = await StewardTestApp.StartAsync(null, s => { s["Jobs:Enabled"] = "false"; s["Audit:Background"] = "false"; }, s => s.AddRecurringJob<CountingHandler>(TimeSpan.FromHours(1)));
        await using var b = await StewardTestApp.StartAsync(a.Database, s => { s["Jobs:Enabled"] = "false"; s["Audit:Background"] = "false"; }, s => s.AddRecurringJob<CountingHandler>(TimeSpan.FromHours(1)));
        async Task BothTick() => await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Task.Run(() => (i % 2 == 0 ? a : b).Services<RecurringJobs>().EnqueueDueAsync(CancellationToken.None))));

        await BothTick();
        Assert.Equal(1, await CountAsync(a, CountingHandler.JobKind));
        // Each test host has its own fake clock; b's must not lag behind the time a enqueued at.
        b.Time.Advance(TimeSpan.FromSeconds(1));
        while (await b.Services<JobRunner>().RunNextAsync(CancellationToken.None)) { }
        Assert.Equal(JobState.Succeeded, (await JobAsync(b, (await FirstOfKindAsync(b, CountingHandler.JobKind)))).State);
        await BothTick();
        Assert.Equal(1, await CountAsync(a, CountingHandler.JobKind));

        a.Time.Advance(TimeSpan.FromHours(1));
        b.Time.Advance(TimeSpan.FromHours(1));
        await BothTick();
        await BothTick();
        Assert.Equal(2, await CountAsync(a, CountingHandler.JobKind));
    }

    private static async Task<Guid> FirstOfKindAsync(StewardTestApp app, string kind)
    {
        await using var db = await app.DbAsync();
        return await db.Set<Job>().Where(j => j.Kind == kind).Select(j => j.Id).FirstAsync();
    }

    [Fact]
    public async Task Jobs_are_listed_over_the_api_for_admins_and_auditors()
    {
        await using var app = await StewardTestApp.StartAsync(null, s => { s["Jobs:Enabled"] = "false"; s["Audit:Background"] = "false"; }, s => s.AddJobHandler<CountingHandler>());
        var id = (await app.Services<BackgroundJobs>().EnqueueAsync(CountingHandler.JobKind, new { thing = 1 })).JobId;
        var auditor = await app.ClientForRoleAsync(Roles.Auditor);
        var list = await StewardTestApp.ReadJsonAsync<List<JobEndpoints.JobResponse>>(await auditor.GetAsync("/api/v1/jobs?state=queued"));
        // Steward's own jobs (e.g. the audit checkpoint) may be queued beside it.
        var job = Assert.Single(list, j => j.Kind == CountingHandler.JobKind);
        Assert.Equal((id, "queued", CountingHandler.JobKind), (job.Id, job.State, job.Kind));
        Assert.Empty(await StewardTestApp.ReadJsonAsync<List<JobEndpoints.JobResponse>>(await auditor.GetAsync("/api/v1/jobs?state=dead")));
        var bad = await auditor.GetAsync("/api/v1/jobs?state=stuck");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'state' must be one of: queued, running, succeeded, failed, dead", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_jobs_setting_stops_serve_with_one_line_naming_it()
    {
        await using var db = await TestDatabase.CreateAsync();
        var env = db.EnvironmentVariables();
        env["STEWARD__Jobs__LeaseDuration"] = "00:00:01";
        var result = await StewardCli.RunProcessAsync(env, "", null, "serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.StderrLines);
        Assert.Contains("Jobs:LeaseDuration must be between", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task<int> CountAsync(StewardTestApp app, string kind)
    {
        await using var db = await app.DbAsync();
        return await db.Set<Job>().CountAsync(j => j.Kind == kind);
    }
}

public sealed class JobConsoleTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task Auditors_see_dead_jobs_on_the_console_in_their_language_and_privacy_officers_do_not()
    {
        await using var app = await StewardTestApp.StartAsync(null, s => { s["Jobs:Enabled"] = "false"; s["Audit:Background"] = "false"; }, s => s.AddJobHandler<BrokenHandler>());
        await app.Services<BackgroundJobs>().EnqueueAsync(BrokenHandler.JobKind, maxAttempts: 1);
        Assert.True(await app.Services<JobRunner>().RunNextAsync(CancellationToken.None));

        await app.AddUserAsync("auditor@example.com", Roles.Auditor, Password);
        var auditor = app.Client();
        await StewardTestApp.SignInAsync(auditor, "auditor@example.com", Password);
        Assert.Contains("/console/jobs", await auditor.GetStringAsync("/console?lang=en"), StringComparison.Ordinal);
        var page = await auditor.GetStringAsync("/console/jobs?lang=zh-CN");
        Assert.Contains("后台任务", page, StringComparison.Ordinal);
        Assert.Contains(BrokenHandler.JobKind, page, StringComparison.Ordinal);
        Assert.Contains("已用尽尝试次数并停止", page, StringComparison.Ordinal);

        await app.AddUserAsync("officer@example.com", Roles.PrivacyOfficer, Password);
        var officer = app.Client();
        await StewardTestApp.SignInAsync(officer, "officer@example.com", Password);
        Assert.DoesNotContain("/console/jobs", await officer.GetStringAsync("/console?lang=en"), StringComparison.Ordinal);
        Assert.NotEqual(System.Net.HttpStatusCode.OK, (await officer.GetAsync("/console/jobs")).StatusCode);
    }
}

public sealed class FinishedJobsPurgeTests
{
    [Fact]
    public async Task The_daily_purge_deletes_jobs_that_succeeded_long_ago_and_keeps_dead_ones()
    {
        await using var app = await StewardTestApp.StartAsync(null, s => { s["Jobs:Enabled"] = "false"; s["Audit:Background"] = "false"; },
            s => s.AddJobHandler<BrokenHandler>().AddJobHandler<CountingHandler>());
        var jobs = app.Services<BackgroundJobs>();
        var runner = app.Services<JobRunner>();
        var old = (await jobs.EnqueueAsync(CountingHandler.JobKind)).JobId;
        var dead = (await jobs.EnqueueAsync(BrokenHandler.JobKind, maxAttempts: 1)).JobId;
        while (await runner.RunNextAsync(CancellationToken.None)) { }

        app.Time.Advance(TimeSpan.FromDays(31));
        var recent = (await jobs.EnqueueAsync(CountingHandler.JobKind)).JobId;
        while (await runner.RunNextAsync(CancellationToken.None)) { }

        await jobs.EnqueueAsync(FinishedJobsPurge.JobKind);
        while (await runner.RunNextAsync(CancellationToken.None)) { }

        await using var db = await app.DbAsync();
        var left = await db.Set<Job>().AsNoTracking().Select(j => j.Id).ToListAsync();
        Assert.DoesNotContain(old, left);
        Assert.Contains(dead, left);
        Assert.Contains(recent, left);
    }
}
