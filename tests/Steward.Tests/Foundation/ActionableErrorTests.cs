using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Steward.Storage;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Foundation;

/// <summary>Expected failures say what to do in one line, with the documented exit code.</summary>
public sealed class ActionableErrorTests
{
    private static void AssertOneLineError(CliResult r, int exitCode, string expected)
    {
        Assert.Equal(exitCode, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        // The whole output in the message: a failure under load is otherwise hard to read from a truncated excerpt.
        var output = r.Stderr + r.Stdout;
        Assert.False(output.Contains("   at ", StringComparison.Ordinal) || output.Contains("Exception", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task Help_documents_the_exit_codes()
    {
        var r = await StewardCli.RunInProcessAsync(new Dictionary<string, string?>(), null, "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("0 ok, 1 operator error", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("70 defect", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("130 cancelled", r.Stdout, StringComparison.Ordinal);
        var docs = await File.ReadAllTextAsync(Repository.PathOf("docs", "operations.md"));
        foreach (var code in new[] { "| 0 |", "| 1 |", "| 2 |", "| 70 |", "| 130 |" }) Assert.Contains(code, docs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_is_an_operator_error_in_one_line()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var r = await StewardCli.RunProcessAsync(db, null, "serve", "--urls", $"http://127.0.0.1:{port}");
        AssertOneLineError(r, 1, "already in use");
        Assert.Contains("--urls", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_steward_json_is_reported_with_its_line_and_column()
    {
        await using var db = await TestDatabase.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("steward-cwd-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "steward.json"), "{\n  \"Storage\": {\n    \"Provider\": \"sqlite\"\n    \"DataDirectory\": \"x\"\n  }\n}\n");
        foreach (var verb in new[] { "migrate", "serve" })
        {
            var r = await StewardCli.RunProcessAsync(db.EnvironmentVariables(), null, folder, verb);
            AssertOneLineError(r, 1, "steward.json:4:5: not valid JSON");
        }
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task Serve_on_a_database_that_lacks_migrations_says_to_run_migrate()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        var connection = db.ConnectionString ?? $"Data Source={Path.Combine(db.DataDirectory, "steward.db")};Pooling=False";
        await using (var context = StorageSetup.CreateContext(db.Provider, connection))
            await context.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(context.Database.GetMigrations().First());
        var r = await StewardCli.RunProcessAsync(db, null, "serve", "--urls", "http://127.0.0.1:0");
        AssertOneLineError(r, 1, "run 'steward migrate'");
    }

    [Fact]
    public async Task Checking_the_example_folder_points_at_its_policy_instead_of_listing_errors()
    {
        var example = Repository.PathOf("examples", "example-global");
        var r = await StewardCli.RunAsync(null, "", "policy", "check", example);
        Assert.Equal(1, r.ExitCode);
        Assert.True(r.StderrLines.Length <= 2, r.Stderr);
        Assert.Contains($"its policy is in {Path.Join(example, "policy")}", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("clauses.yaml", r.Stderr, StringComparison.Ordinal);

        var policy = await StewardCli.RunAsync(null, "", "policy", "check", Path.Join(example, "policy"));
        Assert.Equal(0, policy.ExitCode);
    }

    [Theory]
    [InlineData("policy", "diff", "abc", "1")]
    [InlineData("policy", "diff", "1", "-3")]
    [InlineData("notice", "render", "--lang", "en", "--format", "md", "--version", "two")]
    public async Task A_version_that_is_not_a_number_is_a_usage_error_without_type_names(params string[] args)
    {
        await using var db = await TestDatabase.CreateAsync();
        var r = await StewardCli.RunAsync(db, "", args);
        AssertOneLineError(r, 2, "must be a version number");
        Assert.DoesNotContain("System.", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Int32", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notice_and_record_preview_a_policy_that_is_not_published()
    {
        await using var db = await TestDatabase.CreateAsync();
        var notice = await StewardCli.RunAsync(db, "", "notice", "render", "--policy", PolicyFixture.MinimalPath, "--lang", "en", "--format", "md");
        Assert.Equal(0, notice.ExitCode);
        Assert.StartsWith("# ", notice.Stdout, StringComparison.Ordinal);
        var ropa = await StewardCli.RunAsync(db, "", "policy", "ropa", "--policy", PolicyFixture.MinimalPath, "--format", "json");
        Assert.Equal(0, ropa.ExitCode);
        Assert.StartsWith("[", ropa.Stdout.TrimStart(), StringComparison.Ordinal);
        // Nothing was published by previewing.
        var versions = await StewardCli.RunAsync(db, "", "policy", "versions");
        Assert.Contains("no versions published yet", versions.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Previewing_an_invalid_policy_lists_its_located_problems_and_exits_1()
    {
        var broken = PolicyFixture.Write(PolicyFixture.Minimal.Swap("      period: P3Y\n", "      period: three years\n"));
        foreach (var args in new[] { new[] { "notice", "render", "--lang", "en", "--format", "html" }, ["policy", "ropa", "--format", "csv"] })
        {
            var r = await StewardCli.RunAsync(null, "", [.. args, "--policy", broken]);
            Assert.Equal(1, r.ExitCode);
            Assert.Matches(@"policy\.yaml:\d+:\d+: error ", r.Stderr);
            Assert.Equal("", r.Stdout);
        }
        var both = await StewardCli.RunAsync(null, "", "policy", "ropa", "--format", "csv", "--policy", PolicyFixture.MinimalPath, "--version", "1");
        AssertOneLineError(both, 2, "--policy and --version");
    }

    [Fact]
    public async Task Read_only_verbs_create_no_database_or_data_folder_in_the_working_folder()
    {
        var folder = Directory.CreateTempSubdirectory("steward-cwd-").FullName;
        var env = new Dictionary<string, string?>();
        var runs = new[]
        {
            new[] { "--help" },
            ["policy", "check", PolicyFixture.MinimalPath],
            ["policy", "schema"],
            ["notice", "render", "--policy", PolicyFixture.MinimalPath, "--lang", "zh-CN", "--format", "html"],
            ["policy", "ropa", "--policy", PolicyFixture.MinimalPath, "--format", "csv"],
        };
        foreach (var args in runs)
        {
            var r = await StewardCli.RunProcessAsync(env, null, folder, args);
            Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)}: {r.Stderr}");
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task Publishes_at_the_same_moment_get_409_not_400_and_leave_a_valid_history()
    {
        await using var app = await StewardTestApp.StartAsync();
        var officer = await app.ClientForRoleAsync(Steward.Security.Roles.PrivacyOfficer);
        const int publishers = 3;
        // On PostgreSQL, lock the versions table against writes (reads still pass) so that every publisher has read the
        // same latest version before any of them can insert: the race, every time. SQLite's write transactions queue
        // publishers instead (no race).
        await using var gate = TestDatabase.IsPostgres ? new Npgsql.NpgsqlConnection(app.Database.ConnectionString) : null;
        Npgsql.NpgsqlTransaction? held = null;
        if (gate is not null)
        {
            await gate.OpenAsync();
            held = await gate.BeginTransactionAsync();
            await using var take = new Npgsql.NpgsqlCommand("LOCK TABLE policy_versions IN EXCLUSIVE MODE", gate, held);
            await take.ExecuteNonQueryAsync();
        }
        var publishes = Enumerable.Range(2, publishers).Select(years => officer.PostAsJsonAsync("/api/v1/policy/versions",
            new { policy = PolicyFixture.Minimal.Swap("      period: P3Y\n", $"      period: P{years}Y\n") })).ToList();
        if (gate is not null)
        {
            await using var waiting = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM pg_locks WHERE relation = 'policy_versions'::regclass AND NOT granted", gate, held);
            var deadline = Environment.TickCount64 + 30_000;
            while ((long)(await waiting.ExecuteScalarAsync())! < publishers)
            {
                Assert.True(Environment.TickCount64 < deadline, "the publishers never all waited on the versions table");
                await Task.Delay(20);
            }
            await held!.CommitAsync();
        }
        var responses = await Task.WhenAll(publishes);

        foreach (var response in responses)
        {
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            if (response.StatusCode != HttpStatusCode.Conflict) continue;
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadAsStringAsync();
            Assert.Contains("at the same moment", problem, StringComparison.Ordinal);
            Assert.Contains("try again", problem, StringComparison.OrdinalIgnoreCase);
        }
        var created = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        if (TestDatabase.IsPostgres) Assert.Equal(1, created);
        else Assert.Equal(publishers, created);
        await using var db = await app.DbAsync();
        Assert.Equal(Enumerable.Range(1, created), await db.PolicyVersions.OrderBy(v => v.Version).Select(v => v.Version).ToListAsync());
        var verify = await StewardCli.RunAsync(app.Database, "", "audit", "verify");
        Assert.Equal(0, verify.ExitCode);
    }
}
