using System.CommandLine;
using Steward.Hosting;

namespace Steward.Storage;

/// <summary><c>steward migrate</c>.</summary>
internal static class MigrateCommand
{
    public static Command Build()
    {
        var migrate = new Command("migrate", "Create the database or bring it to this version's schema.");
        migrate.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = Cli.CreateServices(parse);
            var outcome = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(onlyIfNew: false, ct);
            Console.WriteLine(outcome.Applied == 0
                ? $"database is up to date ({outcome.Total} migrations)"
                : $"applied {outcome.Applied} of {outcome.Total} migrations{(outcome.WasNew ? " to a new database" : "")}");
            return 0;
        });
        return migrate;
    }
}
