using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Steward.JobHost;
using Steward.Jobs;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Jobs;

/// <summary>
/// A node killed (SIGKILL) in the middle of a job: another node on the same database finishes it, once. The killed
/// node is a real process: the test-only host (tests/Steward.JobHost), which is <c>steward serve</c> plus one job kind
/// that blocks, so nothing test-only is reachable in the shipped executable.
/// </summary>
public sealed class JobTakeoverTests
{
    [Fact]
    public async Task A_job_whose_process_is_killed_mid_run_is_finished_exactly_once_by_another_node()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGKILL is a POSIX signal");
        // The surviving node: its worker is off, the test drives its claims (several at once, as racing nodes would).
        await using var survivor = await StewardTestApp.StartAsync(null, s => { s["Jobs:Enabled"] = "false"; s["Audit:Background"] = "false"; }, s => s.AddJobHandler<AppendingJob>());
        var file = Path.Combine(survivor.Database.DataDirectory, "appending.log");
        var id = (await survivor.Services<BackgroundJobs>().EnqueueAsync(AppendingJob.JobKind, new AppendingJob.Payload(file))).JobId;

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = survivor.Database.DataDirectory };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "steward-jobhost.dll"));
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("STEWARD__", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        foreach (var (k, v) in survivor.Database.EnvironmentVariables()) psi.Environment[k] = v;
        psi.Environment["STEWARD__Policy__PublishBundledExample"] = "false";
        psi.Environment["STEWARD__Jobs__PollInterval"] = "00:00:00.2";
        psi.Environment["STEWARD__Jobs__LeaseDuration"] = "00:00:05";
        using var doomed = Process.Start(psi)!;
        _ = doomed.StandardOutput.ReadToEndAsync();
        _ = doomed.StandardError.ReadToEndAsync();
        try
        {
            await JobTests.EventuallyAsync(() => Task.FromResult(File.Exists(file) ? File.ReadAllText(file) : ""),
                t => t.StartsWith("start 1 ", StringComparison.Ordinal), "the other process to start the job");
            var running = await JobTests.JobAsync(survivor, id);
            Assert.Equal((JobState.Running, 1), (running.State, running.Attempts));
            Assert.Contains($":{doomed.Id}:", running.LeaseOwner, StringComparison.Ordinal);
        }
        finally
        {
            doomed.Kill(entireProcessTree: true); // SIGKILL: no shutdown, the lease is not given back
            await doomed.WaitForExitAsync();
        }

        // Until the lease lapses the job stays with the dead node.
        var claimers = Enumerable.Range(0, 4).Select(_ => ActivatorUtilities.CreateInstance<JobRunner>(survivor.App.Services)).ToList();
        Assert.False(await survivor.Services<JobRunner>().RunNextAsync(CancellationToken.None));
        var lapsed = (await JobTests.JobAsync(survivor, id)).LeaseExpiresAt!.Value + TimeSpan.FromSeconds(1);
        if (lapsed > survivor.Time.GetUtcNow()) survivor.Time.SetUtcNow(lapsed);

        // Other due jobs (the daily purge) may be claimed too: the log below shows who ran this one.
        var ran = await Task.WhenAll(claimers.Select(c => Task.Run(() => c.RunNextAsync(CancellationToken.None))));
        Assert.Contains(ran, r => r);
        var done = await JobTests.JobAsync(survivor, id);
        Assert.Equal((JobState.Succeeded, 2), (done.State, done.Attempts));
        // The killed run started, the survivor's one run started and finished; no other claimer ran it.
        Assert.Equal([$"start 1 {doomed.Id}", $"start 2 {Environment.ProcessId}", $"done {id}"], File.ReadAllLines(file));
    }
}
