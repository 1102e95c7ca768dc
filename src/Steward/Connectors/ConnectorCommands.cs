using System.CommandLine;
using System.Globalization;
using Steward.Hosting;
using Steward.Security;

namespace Steward.Connectors;

/// <summary><c>steward connection ...</c> and <c>steward dataset ...</c>: the company systems rights requests reach.</summary>
internal static class ConnectorCommands
{
    public static Command Connection()
    {
        var command = new Command("connection", "Connections to the company's own systems that rights requests reach (databases, webhooks, manual tasks). Secrets are stored encrypted and never printed.");

        var name = new Argument<string>("NAME") { Description = "A name for the connection: letters, digits, '-' or '_'." };
        var type = new Option<string>("--type") { Description = "postgres, sqlite, webhook or manual.", Required = true };
        type.AcceptOnlyFromAmong(ConnectionTypes.All);
        var secret = new Option<string?>("--connection-string")
        {
            Description = "The ADO.NET connection string (postgres, sqlite), or 'url=https://...;secret=...' for a webhook (the secret signs each request with HMAC-SHA256). Not needed for manual.",
        };
        var add = new Command("add", "Add a connection; its connection string is encrypted with the connection-secrets key.") { name, type, secret };
        add.SetGuardedAction(async (parse, ct) =>
        {
            var kind = parse.GetValue(type)!;
            var cs = parse.GetValue(secret);
            if (cs is null && kind != ConnectionTypes.Manual) throw new StewardException($"A {kind} connection needs --connection-string.", Cli.ExitCodes.Usage);
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            await services.GetRequiredService<ConnectionDirectory>().AddAsync(parse.GetValue(name)!, kind, cs ?? "", AdminCommands.CliActor, ct);
            Console.WriteLine($"Added {kind} connection '{parse.GetValue(name)}'.");
            return Cli.ExitCodes.Ok;
        });

        var list = new Command("list", "List connections: name, type, when and by whom added (never the connection string).");
        list.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            foreach (var c in await services.GetRequiredService<ConnectionDirectory>().ListAsync(ct))
                Console.WriteLine($"{c.Name}\t{c.Type}\t{c.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}\t{c.CreatedBy}");
            return Cli.ExitCodes.Ok;
        });

        var removeName = new Argument<string>("NAME") { Description = "The connection to remove." };
        var remove = new Command("remove", "Remove a connection (refused while a dataset describes it).") { removeName };
        remove.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            if (!await services.GetRequiredService<ConnectionDirectory>().RemoveAsync(parse.GetValue(removeName)!, AdminCommands.CliActor, ct))
                throw new StewardException($"There is no connection named '{parse.GetValue(removeName)}'.");
            Console.WriteLine($"Removed connection '{parse.GetValue(removeName)}'.");
            return Cli.ExitCodes.Ok;
        });

        var testName = new Argument<string>("NAME") { Description = "The connection to test." };
        var test = new Command("test", "Open a database connection and run SELECT 1; exits 1 with the reason (never the connection string) when it fails.") { testName };
        test.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var connection = await services.GetRequiredService<ConnectionDirectory>().GetAsync(parse.GetValue(testName)!, ct);
            if (await ConnectionDirectory.TestAsync(connection, ct) is { } reason)
                throw new StewardException($"Connection '{connection.Name}' is down: {reason}.");
            Console.WriteLine(ConnectionTypes.IsDatabase(connection.Type) ? $"Connection '{connection.Name}' works." : $"Connection '{connection.Name}' is a {connection.Type} connection: nothing to open.");
            return Cli.ExitCodes.Ok;
        });

        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(test);
        return command;
    }

    public static Command Dataset()
    {
        var command = new Command("dataset", "Datasets (fideslang YAML) describing the company's databases, which rights requests read and erase. See docs/datasets.md.");

        var file = new Argument<FileInfo>("FILE") { Description = "The dataset YAML file." };
        var connection = new Option<string>("--connection") { Description = "The connection (see 'steward connection list') of the database the dataset describes.", Required = true };
        var import = new Command("import", "Check a dataset against the file, the live database (tables, columns, foreign keys) and the published notice, then store it (re-importing a key replaces it). Problems print as FILE:LINE:COLUMN.") { file, connection };
        import.SetGuardedAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) throw new StewardException($"{path.FullName}: no such file.", Cli.ExitCodes.Usage);
            var yaml = await File.ReadAllTextAsync(path.FullName, ct);
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var result = await services.GetRequiredService<DatasetStore>().ImportAsync(yaml, parse.GetValue(connection)!, AdminCommands.CliActor, ct);
            foreach (var p in result.Problems) await Console.Error.WriteLineAsync(p.Format(path.ToString()));
            if (!result.Stored)
            {
                var errors = result.Errors.Count();
                throw new StewardException($"{path}: {errors} problem{(errors == 1 ? "" : "s")}; nothing was imported.");
            }
            Console.WriteLine($"Imported {string.Join(", ", result.FidesKeys)} for connection '{parse.GetValue(connection)}'.");
            return Cli.ExitCodes.Ok;
        });

        var list = new Command("list", "List datasets: key, connection, when and by whom imported.");
        list.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            foreach (var d in await services.GetRequiredService<DatasetStore>().ListAsync(ct))
                Console.WriteLine($"{d.FidesKey}\t{d.ConnectionName}\t{d.ImportedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}\t{d.ImportedBy}");
            return Cli.ExitCodes.Ok;
        });

        var showKey = new Argument<string>("KEY") { Description = "The dataset's fides_key." };
        var show = new Command("show", "Print a dataset's YAML as imported.") { showKey };
        show.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var d = await services.GetRequiredService<DatasetStore>().FindAsync(parse.GetValue(showKey)!, ct)
                ?? throw new StewardException($"There is no dataset '{parse.GetValue(showKey)}' (see 'steward dataset list').");
            Console.Write(d.Yaml);
            return Cli.ExitCodes.Ok;
        });

        var removeKey = new Argument<string>("KEY") { Description = "The dataset's fides_key." };
        var remove = new Command("remove", "Remove a dataset: requests no longer reach its collections.") { removeKey };
        remove.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            if (!await services.GetRequiredService<DatasetStore>().RemoveAsync(parse.GetValue(removeKey)!, AdminCommands.CliActor, ct))
                throw new StewardException($"There is no dataset '{parse.GetValue(removeKey)}'.");
            Console.WriteLine($"Removed dataset '{parse.GetValue(removeKey)}'.");
            return Cli.ExitCodes.Ok;
        });

        var gapConnection = new Option<string?>("--connection") { Description = "Only this connection (default: every connection a dataset describes)." };
        var gaps = new Command("gaps", "List columns of connected databases whose foreign key points at a table holding an identity field but that no dataset covers: personal data requests would miss. Exits 1 when there is any.") { gapConnection };
        gaps.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var found = await services.GetRequiredService<DatasetStore>().GapsAsync(parse.GetValue(gapConnection), ct);
            foreach (var g in found) Console.WriteLine($"{g.Connection}: {g.Table}.{g.Column} → {g.ParentTable}.{g.ParentColumn} is not in any dataset");
            if (found.Count > 0) throw new StewardException($"{found.Count} column{(found.Count == 1 ? "" : "s")} pointing at people's rows {(found.Count == 1 ? "is" : "are")} not covered by a dataset.");
            Console.WriteLine("No gaps: every foreign key to a table with an identity field is covered.");
            return Cli.ExitCodes.Ok;
        });

        command.Subcommands.Add(import);
        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(gaps);
        return command;
    }
}
