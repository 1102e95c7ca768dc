using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.Audit;

/// <summary><c>steward audit verify|tail</c>.</summary>
public static class AuditCommands
{
    public static Command Build()
    {
        var audit = new Command("audit", "Inspect and verify the tamper-evident audit log.");

        var verify = new Command("verify", "Recompute the hash chain; prints 'ok N entries' or the first broken entry and exits 1.");
        verify.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var result = await services.GetRequiredService<AuditVerifier>().VerifyAsync(ct);
            if (result.Ok)
            {
                Console.WriteLine($"ok {result.Entries} entries");
                return 0;
            }
            Console.WriteLine($"broken at entry {result.BrokenAt}: {result.Problem} ({result.Entries} entries before it are intact)");
            return 1;
        });

        var lines = new Option<int>("--lines", "-n") { Description = "How many of the newest entries to show.", DefaultValueFactory = _ => 20 };
        lines.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100_000) r.AddError("--lines must be between 1 and 100000.");
        });
        var tail = new Command("tail", "Show the newest entries of the audit log, oldest first.") { lines };
        tail.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            await using var db = await services.GetRequiredService<IDbContextFactory<StewardDbContext>>().CreateDbContextAsync(ct);
            var rows = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).Take(parse.GetValue(lines)).ToListAsync(ct);
            foreach (var e in rows.AsEnumerable().Reverse())
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{e.Sequence,6}  {e.Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ}  {e.Actor,-24}  {e.Action,-30}  {e.Target}  {e.Details}"));
            return 0;
        });

        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(tail);
        return audit;
    }
}
