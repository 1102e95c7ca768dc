using System.CommandLine;
using System.Globalization;
using Steward.Hosting;
using Steward.Security;

namespace Steward.Retention;

/// <summary><c>steward retention plan|run</c>: what the policy's retention periods mean for the data, and applying them.</summary>
internal static class RetentionCommands
{
    public static Command Build()
    {
        var command = new Command("retention", "Retention periods of the published policy applied to the connected databases and to Steward's own records. See docs/retention.md.");

        var plan = new Command("plan", "Show, per connection and collection, the rule that applies (purpose, data category, period), the cutoff, the action and how many rows are due; and how long Steward's own records are kept. Changes nothing.");
        var planScope = ScopeOptions(plan);
        plan.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var sweep = services.GetRequiredService<RetentionSweep>();
            var scope = planScope(parse);
            foreach (var c in await sweep.PlanAsync(scope, ct))
            {
                if (c.Steps.Count == 0) Console.WriteLine($"{c.Connection}\t{c.Target}\tnot swept: {string.Join("; ", c.NotSwept)}");
                foreach (var step in c.Steps)
                    Console.WriteLine($"{c.Connection}\t{c.Target}\t{Describe(step)}\t{await sweep.CountDueAsync(step, ct)} due");
                if (c.Steps.Count > 0)
                    foreach (var reason in c.NotSwept) Console.WriteLine($"{c.Connection}\t{c.Target}\tleft: {reason}");
            }
            if (!scope.IsEverything) return Cli.ExitCodes.Ok;
            foreach (var own in await services.GetRequiredService<OwnDataRetention>().PlanAsync(ct))
                Console.WriteLine($"steward\t{own.Records}\t{own.KeptFor}{(own.Due is { } due ? $"\t{due} due" : "")}");
            return Cli.ExitCodes.Ok;
        });

        var run = new Command("run", "Delete (or anonymise) the due rows in chunks, with a progress bar; a run that was stopped resumes with the cutoffs it started with. With no --connection or --collection, Steward's own records are swept too. One audit entry per run, with counts.");
        var runScope = ScopeOptions(run);
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be swept; write nothing." };
        run.Options.Add(dryRun);
        run.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var dry = parse.GetValue(dryRun);
            var bar = new ProgressBar("Sweeping", 0);
            var outcome = await services.GetRequiredService<RetentionSweep>().RunAsync(runScope(parse), dry, AdminCommands.CliActor,
                (done, total) => { bar.Total = (int)Math.Min(total, int.MaxValue); bar.Report((int)Math.Min(done, int.MaxValue)); }, ct);
            bar.Done();
            if (outcome.Resumed) Console.WriteLine("Resumed the unfinished run with the cutoffs it started with.");
            foreach (var c in outcome.Collections)
                Console.WriteLine($"{c.Connection}\t{c.Collection}\t{(dry ? "due" : c.Action == SweepAction.Delete ? "deleted" : "masked")} {c.Rows} row{(c.Rows == 1 ? "" : "s")} (clock before {Date(c.Cutoff)})");
            foreach (var (records, count) in outcome.Own)
                Console.WriteLine($"steward\t{records}\t{(dry ? "due" : "deleted")} {count}");
            if (dry) Console.WriteLine("Dry run: nothing was changed.");
            return Cli.ExitCodes.Ok;
        });

        command.Subcommands.Add(plan);
        command.Subcommands.Add(run);
        return command;
    }

    private static Func<ParseResult, SweepScope> ScopeOptions(Command command)
    {
        var connection = new Option<string?>("--connection") { Description = "Only this connection (see 'steward connection list')." };
        var collection = new Option<string?>("--collection") { Description = "Only this collection: NAME or DATASET.NAME." };
        command.Options.Add(connection);
        command.Options.Add(collection);
        return parse => new SweepScope(parse.GetValue(connection), parse.GetValue(collection));
    }

    private static string Describe(SweepStep step) =>
        $"{(step.Action == SweepAction.Delete ? "delete rows" : $"mask {string.Join(", ", step.Fields.Select(f => f.Name))}")} when {step.Clock} is before {Date(step.Cutoff)}"
        + $" ({step.Period}, purpose '{step.Purpose}', category {step.Category})";

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
