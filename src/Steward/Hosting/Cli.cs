using System.CommandLine;

namespace Steward.Hosting;

/// <summary>Shared plumbing of the CLI verbs: global flags, services, one-line errors.</summary>
public static class Cli
{
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
            catch (Microsoft.Extensions.Options.OptionsValidationException e)
            {
                // Each failure already names its setting.
                await Console.Error.WriteLineAsync($"steward: {string.Join(" ", e.Failures)}");
                return 1;
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("steward: cancelled");
                return 130;
            }
            catch (Exception e) when (Storage.DatabaseMigrator.IsDatabaseProblem(e))
            {
                await Console.Error.WriteLineAsync($"steward: {Storage.DatabaseMigrator.Describe("configured", e)}");
                return 1;
            }
            catch (Exception e)
            {
                // A defect, not the user's fault: one line they can report, no stack trace.
                await Console.Error.WriteLineAsync($"steward: unexpected error ({e.GetType().Name}): {e.Message.ReplaceLineEndings(" ")}");
                return 70;
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
            return 2;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
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
