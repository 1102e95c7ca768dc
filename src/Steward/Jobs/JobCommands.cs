using System.CommandLine;
using System.Globalization;
using Steward.Hosting;
using Steward.Security;

namespace Steward.Jobs;

/// <summary><c>steward jobs list|retry</c>.</summary>
internal static class JobCommands
{
    public static Command Build()
    {
        var jobs = new Command("jobs", "Inspect background jobs and retry dead ones.");

        var state = new Option<string?>("--state") { Description = $"Only jobs in this state: {string.Join(", ", JobStates.Names)}." };
        state.AcceptOnlyFromAmong(JobStates.Names);
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the newest jobs to show.", DefaultValueFactory = _ => 20 };
        lines.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 10_000) r.AddError("--lines must be between 1 and 10000.");
        });
        var list = new Command("list", "List the newest jobs: id, kind, state, attempts, next run (UTC), last error.") { state, lines };
        list.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            JobState? filter = parse.GetValue(state) is { } s && JobStates.TryParse(s, out var js) ? js : null;
            var rows = await services.GetRequiredService<BackgroundJobs>().ListAsync(filter, parse.GetValue(lines), ct);
            Console.WriteLine($"{"ID",-36}  {"KIND",-24}  {"STATE",-9}  {"ATTEMPTS",8}  {"NEXT RUN",-20}  LAST ERROR");
            foreach (var j in rows)
            {
                var next = j.State is JobState.Queued or JobState.Failed ? j.RunAfter.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "-";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{j.Id,-36}  {j.Kind,-24}  {Job.Name(j.State),-9}  {$"{j.Attempts}/{j.MaxAttempts}",8}  {next,-20}  {j.LastError ?? "-"}"));
            }
            return 0;
        });

        var id = new Argument<Guid>("ID") { Description = "The id of a dead job (see 'steward jobs list --state dead')." };
        var retry = new Command("retry", "Queue a dead job again with fresh attempts (audited).") { id };
        retry.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            await services.GetRequiredService<BackgroundJobs>().RetryAsync(parse.GetValue(id), AdminCommands.CliActor, ct);
            Console.WriteLine($"job {parse.GetValue(id)} queued again");
            return 0;
        });

        jobs.Subcommands.Add(list);
        jobs.Subcommands.Add(retry);
        return jobs;
    }
}
