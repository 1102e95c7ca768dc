using Microsoft.Data.Sqlite;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

/// <summary>Every bad invocation gives one clear line and a non-zero exit, never a stack trace.</summary>
public sealed class CliErrorTests
{
    private static void AssertOneLineError(CliResult r, int exitCode, string expected)
    {
        Assert.Equal(exitCode, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.StartsWith("steward: ", r.StderrLines[0], StringComparison.Ordinal);
        Assert.Contains(expected, r.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }

    // The real executable for two of them (its exit code as a shell sees it); the rest run in process, with the
    // same settings as configuration keys instead of STEWARD__ variables.
    private static Task<CliResult> InProcessAsync(Dictionary<string, string?> environment, params string[] args) =>
        StewardCli.RunInProcessAsync(environment.ToDictionary(
            kv => kv.Key[Steward.Hosting.StewardConfiguration.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), kv => kv.Value), null, args);

    [Fact]
    public async Task Help_lists_the_verbs()
    {
        var r = await StewardCli.RunProcessAsync(new Dictionary<string, string?>(), null, null, "--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var verb in new[] { "serve", "migrate", "admin", "audit" })
            Assert.Contains(verb, r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_verb_is_one_line_naming_it()
    {
        var r = await StewardCli.RunProcessAsync(new Dictionary<string, string?>(), null, null, "frobnicate");
        AssertOneLineError(r, 2, "'frobnicate'");
    }

    [Fact]
    public async Task Unknown_flag_is_one_line_naming_the_verb_help()
    {
        var r = await InProcessAsync(new Dictionary<string, string?>(), "audit", "tail", "--colour");
        AssertOneLineError(r, 2, "steward audit tail --help");
    }

    [Fact]
    public async Task Missing_required_role_is_reported()
    {
        var r = await InProcessAsync(new Dictionary<string, string?>(), "admin", "add-api-key", "crm");
        AssertOneLineError(r, 2, "--role");
    }

    [Fact]
    public async Task Unsupported_provider_is_reported()
    {
        var r = await InProcessAsync(new Dictionary<string, string?> { ["STEWARD__Storage__Provider"] = "oracle" }, "migrate");
        AssertOneLineError(r, 1, "'oracle' is not supported");
    }

    [Fact]
    public async Task Postgres_without_connection_string_is_reported()
    {
        var r = await InProcessAsync(new Dictionary<string, string?> { ["STEWARD__Storage__Provider"] = "postgres" }, "migrate");
        AssertOneLineError(r, 1, "ConnectionString is required");
    }

    [Fact]
    public async Task Malformed_connection_string_is_reported()
    {
        var r = await InProcessAsync(new Dictionary<string, string?>
        {
            ["STEWARD__Storage__Provider"] = "postgres",
            ["STEWARD__Storage__ConnectionString"] = "this is not a connection string",
        }, "migrate");
        AssertOneLineError(r, 1, "not a PostgreSQL connection string");
    }

    [Fact]
    public async Task Unreachable_postgres_is_reported()
    {
        var r = await InProcessAsync(new Dictionary<string, string?>
        {
            ["STEWARD__Storage__Provider"] = "postgres",
            ["STEWARD__Storage__ConnectionString"] = "Host=127.0.0.1;Port=1;Database=steward;Username=steward;Timeout=3",
        }, "migrate");
        AssertOneLineError(r, 1, "PostgreSQL");
    }

    [Fact]
    public async Task Data_directory_that_cannot_be_created_is_reported()
    {
        var file = Path.GetTempFileName();
        try
        {
            var r = await InProcessAsync(new Dictionary<string, string?>(), "migrate", "--data-dir", Path.Combine(file, "data"));
            AssertOneLineError(r, 1, "is not writable");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_reported()
    {
        var dir = Directory.CreateTempSubdirectory("steward-notdb-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "steward.db"), "PGDMP this is a PostgreSQL dump, not a SQLite file\n" + new string('x', 4096));
        var r = await InProcessAsync(new Dictionary<string, string?>(), "migrate", "--data-dir", dir);
        AssertOneLineError(r, 1, "not a database");
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task A_database_of_another_application_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("steward-foreign-").FullName;
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(dir, "steward.db")};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)";
            await command.ExecuteNonQueryAsync();
        }
        var r = await InProcessAsync(new Dictionary<string, string?>(), "migrate", "--data-dir", dir);
        AssertOneLineError(r, 1, "another application");
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Add_user_without_password_stdin_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync();
        var r = await StewardCli.RunAsync(db, "", "admin", "add-user", "dpo@example.com", "--role", "privacy-officer");
        AssertOneLineError(r, 2, "--password-stdin");
    }
}
