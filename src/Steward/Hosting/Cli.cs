using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Steward.Audit;
using Steward.Jobs;
using Steward.Notices;
using Steward.Policy;
using Steward.Security;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.Hosting;

/// <summary>Shared plumbing of the CLI verbs: global flags, services, one-line errors.</summary>
internal static class Cli
{
    /// <summary>The exit codes every verb keeps (also in <c>steward --help</c> and docs/operations.md).</summary>
    public static class ExitCodes
    {
        public const int Ok = 0;
        /// <summary>Something the operator can fix: a bad setting, an unreachable database, an invalid policy.</summary>
        public const int OperatorError = 1;
        /// <summary>The command line itself is wrong: unknown verb or flag, a value of the wrong form.</summary>
        public const int Usage = 2;
        /// <summary>A defect in Steward (EX_SOFTWARE); the one line is worth reporting.</summary>
        public const int Defect = 70;
        /// <summary>Stopped by Ctrl+C or SIGTERM.</summary>
        public const int Cancelled = 130;
    }

    /// <summary>The command tree of <c>steward</c>; the executable and in-process tests share it.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Steward: privacy operations from a declarative policy.\n\n"
            + "Exit codes: 0 ok, 1 operator error (a setting, the database, an invalid policy; one line says what to fix), "
            + "2 usage (unknown verb or flag, a value of the wrong form), 70 defect in Steward (please report the line), 130 cancelled.")
        { DataDir };
        root.Subcommands.Add(ServeCommand.Build());
        root.Subcommands.Add(MigrateCommand.Build());
        root.Subcommands.Add(AdminCommands.Build());
        root.Subcommands.Add(AuditCommands.Build());
        root.Subcommands.Add(PolicyCommands.Build());
        root.Subcommands.Add(NoticeCommands.Build());
        root.Subcommands.Add(JobCommands.Build());
        root.Subcommands.Add(KeyCommands.Build());
        root.Subcommands.Add(Consent.ConsentCommands.Build());
        root.Subcommands.Add(Rights.RightsCommands.Build());
        root.Subcommands.Add(Connectors.ConnectorCommands.Connection());
        root.Subcommands.Add(Connectors.ConnectorCommands.Dataset());
        root.Subcommands.Add(Retention.HoldCommands.Build());
        root.Subcommands.Add(Storage.Backup.BackupCommands.Backup());
        root.Subcommands.Add(Storage.Backup.BackupCommands.Restore());
        root.Subcommands.Add(People.Erasures.ErasureCommands.Build());
        root.Subcommands.Add(Retention.RetentionCommands.Build());
        return root;
    }

    // Built once: DataDir is one static option, and a parsed tree is only read by invocations.
    private static readonly Lazy<RootCommand> SharedRoot = new(BuildRoot);

    /// <summary>
    /// Runs <c>steward ARGS</c> inside this process with its own standard streams and the given
    /// configuration instead of environment variables and <c>steward.json</c> (tests; the executable
    /// uses <see cref="RunAsync"/>).
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, IDictionary<string, string?> configuration,
        TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        // Both are async-local: they end when this method returns, and concurrent invocations do not see each other's.
        ConsoleRouting.Use(stdin, stdout, stderr);
        StewardConfiguration.UseExplicit(configuration);
        return await RunAsync(SharedRoot.Value, args);
    }

    /// <summary>Parses a whole number argument (a version) with a message a person understands, not a .NET type name.</summary>
    public static int WholeNumber(ArgumentResult result, string what)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
        result.AddError($"{what} must be a version number such as 1 or 2 (see 'steward policy versions'), not '{token}'");
        return 0;
    }
    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Folder for the embedded SQLite database and local state (default: ./steward-data).",
        Recursive = true,
    };

    /// <summary>Flags that map onto configuration keys.</summary>
    public static Dictionary<string, string?> ConfigurationFlags(ParseResult parse)
    {
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (parse.GetValue(DataDir) is { } dir) flags[$"{StorageOptions.Section}:{nameof(StorageOptions.DataDirectory)}"] = dir;
        return flags;
    }

    /// <summary>Services for a CLI verb: quiet logging to stderr, the same storage as serve.</summary>
    public static ServiceProvider CreateServices(ParseResult parse, Action<IServiceCollection>? extra = null)
    {
        var configuration = new ConfigurationManager();
        configuration.AddStewardSources(ConfigurationFlags(parse));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(l =>
        {
            l.AddConfiguration(configuration.GetSection("Logging"));
            l.SetMinimumLevel(LogLevel.Warning);
            l.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.None); // failures reach the user as one line instead
            l.AddSimpleConsole(o => o.SingleLine = true);
            l.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            l.EnableRedaction();
        });
        extra?.Invoke(services);
        services.AddStewardCore();
        return services.BuildServiceProvider();
    }

    /// <summary>Services for a verb that reads or writes the database: a new database is created, a newer or foreign one refused.</summary>
    public static async Task<ServiceProvider> CreateServicesOnReadyDatabaseAsync(ParseResult parse, CancellationToken ct)
    {
        var services = CreateServices(parse);
        try
        {
            await services.GetRequiredService<Storage.DatabaseMigrator>().EnsureReadyAsync(ct);
            await services.GetRequiredService<Audit.AuditLog>().PrepareAsync(ct);
            return services;
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    /// <summary>Wraps a verb so expected failures print one line and exit non-zero, never a stack trace.</summary>
    public static void SetGuardedAction(this Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await action(parse, ct);
            }
            catch (StewardException e)
            {
                await Console.Error.WriteLineAsync($"steward: {e.Message}");
                return e.ExitCode;
            }
            catch (InvalidDataException e) when (StewardConfiguration.DescribeFileProblem(e) is { } problem)
            {
                await Console.Error.WriteLineAsync($"steward: {problem}");
                return ExitCodes.OperatorError;
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException e)
            {
                // Each failure already names its setting.
                await Console.Error.WriteLineAsync($"steward: {string.Join(" ", e.Failures)}");
                return ExitCodes.OperatorError;
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("steward: cancelled");
                return ExitCodes.Cancelled;
            }
            catch (Exception e) when (DatabaseMigrator.IsDatabaseProblem(e))
            {
                await Console.Error.WriteLineAsync($"steward: {DatabaseMigrator.Describe("configured", e)}");
                return ExitCodes.OperatorError;
            }
            catch (Exception e)
            {
                // A defect, not the user's fault: one line they can report, no stack trace.
                await Console.Error.WriteLineAsync($"steward: unexpected error ({e.GetType().Name}): {e.Message.ReplaceLineEndings(" ")}");
                return ExitCodes.Defect;
            }
        });

    /// <summary>Runs the command line; parse errors give one line and exit 2.</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var verb = string.Join(' ', CommandPath(parse.CommandResult.Command));
            await Console.Error.WriteLineAsync($"steward: {MostTelling(parse.Errors).TrimEnd('.')} (see '{verb} --help').");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, Output = Console.Out, Error = Console.Error });
    }

    // "Unrecognized command 'x'" says more than the "Required command was not provided" that comes with it.
    private static string MostTelling(IReadOnlyList<System.CommandLine.Parsing.ParseError> errors) =>
        (errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? errors[0]).Message;

    private static List<string> CommandPath(Command command)
    {
        var path = new List<string>();
        for (Symbol? c = command; c is Command cmd; c = cmd.Parents.FirstOrDefault())
            path.Insert(0, cmd is RootCommand ? "steward" : cmd.Name);
        return path;
    }
}
