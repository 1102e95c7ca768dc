using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.People.Erasures;

/// <summary><c>steward erasures replay|findings</c>.</summary>
internal static class ErasureCommands
{
    public static Command Build()
    {
        var erasures = new Command("erasures", "Replay erasures after a restore, and list erased people who seem to have come back.");

        var from = new Option<string?>("--from") { Description = "Also replay the tombstones in this file (written by 'steward erasures export' before a restore).", HelpName = "FILE" };
        var replay = new Command("replay",
            "Erase again everyone a tombstone names (by subject id, and by the blind indexes of their identities those who existed when they were erased): "
            + "run after pg_restore, or any restore of an older database. Safe to repeat; audited.") { from };
        replay.SetGuardedAction(async (parse, ct) =>
        {
            var extra = parse.GetValue(from) is { } file ? ReadFile(file) : [];
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var bar = Console.IsErrorRedirected ? null : new ProgressBar("replaying erasures", 0);
            var (tombstones, erased) = await services.GetRequiredService<ErasureReplay>().ReplayAsync(extra, Security.AdminCommands.CliActor, bar, ct);
            bar?.Done();
            Console.WriteLine($"replayed {tombstones} tombstone(s); erased {erased} subject(s) again");
            return 0;
        });

        var output = Policy.PolicyCommands.OutputOption();
        var export = new Command("export",
            "Write every tombstone (subject id, time, blind indexes; nothing readable) as JSON lines: keep it before restoring an older PostgreSQL dump, "
            + "then 'steward erasures replay --from FILE'.") { output };
        export.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var tombstones = services.GetRequiredService<ErasureTombstones>();
            await Policy.PolicyCommands.WriteOutputAsync(parse.GetValue(output), ErasureTombstones.ToLines(await tombstones.ReadDatabaseAsync(ct)), ct);
            return 0;
        });

        var findings = new Command("findings",
            "List new subjects, and values in connected databases, whose identity matches an erased person's tombstone (ids and places only): staff decide whether it is the same person; nothing is erased automatically.");
        findings.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            await using var db = await services.GetRequiredService<IDbContextFactory<StewardDbContext>>().CreateDbContextAsync(ct);
            var rows = await db.Set<ComebackFinding>().AsNoTracking().OrderBy(f => f.FoundAt).ThenBy(f => f.Id).ToListAsync(ct);
            Console.WriteLine($"{"FOUND",-20}  {"SUBJECT OR PLACE",-36}  {"TOMBSTONE",-36}  TYPE");
            foreach (var f in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{f.FoundAt:yyyy-MM-ddTHH:mm:ssZ}  {(f.SubjectId?.ToString() ?? f.Location),-36}  {f.TombstoneId,-36}  {IdentityTypes.Name(f.Type)}"));
            return 0;
        });

        erasures.Subcommands.Add(replay);
        erasures.Subcommands.Add(export);
        var watch = new Command("watch",
            "Look now for erased people who came back in the connected databases (declared identity fields compared by blind index with the tombstones); "
            + "serve does this daily. New matches become findings; prints how many.");
        watch.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var made = await services.GetRequiredService<Retention.ComebackWatch>().WatchAsync(ct);
            Console.WriteLine($"{made} new finding(s); 'steward erasures findings' lists them all");
            return 0;
        });

        erasures.Subcommands.Add(findings);
        erasures.Subcommands.Add(watch);
        return erasures;
    }

    private static IReadOnlyList<TombstoneRecord> ReadFile(string file)
    {
        try { return ErasureTombstones.Read(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StewardException($"{file}: cannot read ({e.Message}).");
        }
    }
}
