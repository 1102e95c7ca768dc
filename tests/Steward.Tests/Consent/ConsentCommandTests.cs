using Microsoft.EntityFrameworkCore;
using Steward.Consent;
using Steward.People;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Consent;

/// <summary><c>steward consent import</c> and <c>steward consent show</c> on the real database.</summary>
public sealed class ConsentCommandTests : IDisposable
{
    private const string Header = "identity_type,identity,key,choice,occurred_at,jurisdiction,policy_version,language,text_hash,ip,user_agent";
    private readonly string _folder = Directory.CreateTempSubdirectory("steward-consent-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<StewardTestApp> StartAsync()
    {
        var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.ExamplePath);
        return app;
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n");
        return path;
    }

    [Fact]
    public async Task A_file_with_broken_lines_is_rejected_whole_with_each_line_number_and_reason_and_nothing_is_imported()
    {
        await using var app = await StartAsync();
        var path = Write("consents.csv",
            Header,
            "email,li.na@example.com,purpose:email-marketing,granted,2024-05-01T08:30:00Z,eu-gdpr,1,en,,,",
            "email,li.na@@example.com,channel:email,granted,2024-05-01T08:30:00Z,eu-gdpr,,,,,",
            "email,wang.wei@example.com,purpose:no-such-purpose,granted,2024-05-01T08:30:00Z,eu-gdpr,,,,,",
            "email,wang.wei@example.com,channel:email,maybe,2024-05-01T08:30:00Z,eu-gdpr,,,,,",
            "\"email\",\"zhao.lei@example.com\",channel:email,granted,2024-05-01 08:30,eu-gdpr,,,,,",
            "email,\"zhou.min@example.com",
            "channel:email\",granted,2024-05-01T08:30:00Z,eu-gdpr,,,,,",
            "email,sun.li@example.com,channel:email,granted,2024-05-01T08:30:00Z,eu-gdpr",
            "email,qian.yu@example.com,channel:email,granted,2024-05-01T08:30:00Z,eu-gdpr,9,,,,");

        var result = await StewardCli.RunAsync(app.Database, "", "consent", "import", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
        [
            $"{path}:3: The email address has more than one '@'.",
            $"{path}:4: 'purpose:no-such-purpose' is not a purpose of policy version 1.",
            $"{path}:5: The choice for 'channel:email' is one of: granted, denied, withdrawn.",
            $"{path}:6: occurred_at is a time in ISO 8601 with its offset, e.g. 2025-11-03T14:20:00Z or 2025-11-03T22:20:00+08:00.",
            $"{path}:7: 10 field(s), the first line names 11.", // a quoted field spans lines 7 and 8
            $"{path}:9: 6 field(s), the first line names 11.",
            $"{path}:10: There is no published policy version 9.",
            $"steward: {path}: 7 line(s) rejected; nothing was imported (fix them and run again)",
        ], result.StderrLines);
        Assert.DoesNotContain("li.na", result.Stderr, StringComparison.Ordinal);
        await using var db = await app.DbAsync();
        Assert.Equal(0, await db.Set<ConsentEvent>().CountAsync());
        Assert.Equal(0, await db.Set<DataSubject>().CountAsync());
    }

    [Fact]
    public async Task An_import_keeps_the_original_times_records_method_import_and_skips_lines_imported_before()
    {
        await using var app = await StartAsync();
        var path = Write("consents.csv",
            "\uFEFFkey,choice,identity,identity_type,jurisdiction,occurred_at,ip,user_agent",
            "purpose:email-marketing,granted,Li.Na@Example.com,email,eu-gdpr,2024-05-01T08:30:00+08:00,203.0.113.9,\"Mozilla/5.0 (Windows NT 10.0; \"\"Win64\"\")\"",
            "purpose:email-marketing,withdrawn,li.na@example.com,email,eu-gdpr,2025-01-15T10:00:00Z,,",
            "",
            "cookie:analytics,denied,+86 138 0013 8000,phone,cn-pipl,2024-12-24T23:59:59+08:00,,");

        var first = await StewardCli.RunAsync(app.Database, "", "consent", "import", path);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal($"imported 3 consent event(s) for 2 person(s) from {path}", first.Stdout.Trim());

        var again = await StewardCli.RunAsync(app.Database, "", "consent", "import", path);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("imported 0 consent event(s)", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("3 line(s) imported before were skipped", again.Stdout, StringComparison.Ordinal);

        var li = (await app.Services<PeopleDirectory>().FindAsync(IdentityNormalisation.Parse(IdentityType.Email, "li.na@example.com").Identity!, CancellationToken.None))!.Value;
        var history = await app.Services<ConsentLedger>().HistoryAsync(li, "test", CancellationToken.None);
        Assert.Equal([new DateTimeOffset(2024, 5, 1, 0, 30, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 15, 10, 0, 0, TimeSpan.Zero)],
            history.Events.Select(e => e.OccurredAt.ToUniversalTime()));
        Assert.All(history.Events, e => Assert.Equal((ConsentMethod.Import, 1, app.Time.GetUtcNow().Year), (e.Method, e.PolicyVersion, e.RecordedAt.Year)));
        Assert.Equal(("203.0.113.0", "Mozilla/5.0 (Windows NT 10.0; \"Win64\")"), (history.Events[0].Ip, history.Events[0].UserAgent));
        Assert.Equal(ConsentChoice.Withdrawn, Assert.Single(history.State).Choice);
    }

    [Fact]
    public async Task A_file_without_the_required_columns_names_what_is_missing()
    {
        await using var app = await StartAsync();
        var path = Write("consents.csv", "identity_type,identity,key,choice", "email,li.na@example.com,channel:email,granted");

        var result = await StewardCli.RunAsync(app.Database, "", "consent", "import", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"{path}:1: missing column(s): occurred_at, jurisdiction", result.StderrLines[0]);

        var broken = Write("broken.csv", "identity_type,\"identity,key,choice,occurred_at,jurisdiction", "email,li.na@example.com,channel:email,granted");
        var second = await StewardCli.RunAsync(app.Database, "", "consent", "import", broken);
        Assert.Equal(1, second.ExitCode);
        Assert.Equal([$"{broken}:1: a quoted field is not closed.", $"steward: {broken}: the first line must name the columns; nothing was imported"], second.StderrLines);
    }

    [Fact]
    public async Task Show_prints_state_and_history_to_staff_and_is_audited_with_ids_only()
    {
        await using var app = await StartAsync();
        var path = Write("consents.csv", Header,
            "account_id,acct-88,channel:email,granted,2024-03-01T09:00:00Z,cn-pipl,1,zh-CN," + new string('b', 64) + ",2001:db8:1:2::7,ReaderApp/4.2",
            "account_id,acct-88,channel:email,withdrawn,2024-06-01T09:00:00Z,cn-pipl,1,zh-CN,,,");
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "consent", "import", path)).ExitCode);

        var shown = await StewardCli.RunAsync(app.Database, "", "consent", "show", "--account-id", "acct-88");

        Assert.Equal(0, shown.ExitCode);
        var lines = shown.Stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Matches("^person [0-9a-f-]{36}$", lines[0]);
        var state = lines.SkipWhile(l => !l.StartsWith("Current state", StringComparison.Ordinal)).Skip(1).First();
        Assert.Matches(@"^  channel:email\s+withdrawn\s+2024-06-01 09:00:00Z  v1  import$", state);
        Assert.Contains(lines, l => l.Contains("2024-03-01 09:00:00Z  channel:email", StringComparison.Ordinal) && l.Contains("granted", StringComparison.Ordinal)
            && l.Contains("import, policy v1, cn-pipl, language zh-CN", StringComparison.Ordinal));
        Assert.Contains($"      text hash {new string('b', 64)}; ip 2001:db8:1::; user agent ReaderApp/4.2", lines);

        var unknown = await StewardCli.RunAsync(app.Database, "", "consent", "show", "--email", "nobody@example.com");
        Assert.Equal((1, "steward: no one with this email is known"), (unknown.ExitCode, unknown.Stderr.Trim()));
        var both = await StewardCli.RunAsync(app.Database, "", "consent", "show", "--email", "a@example.com", "--account-id", "x");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("exactly one of --email, --phone, --account-id", both.Stderr, StringComparison.Ordinal);

        await using var db = await app.DbAsync();
        var read = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "consent.read");
        Assert.Equal("cli", read.Actor);
        Assert.DoesNotContain("acct-88", read.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_help_of_import_names_the_columns_and_the_all_or_nothing_rule()
    {
        var help = await StewardCli.RunAsync(null, "", "consent", "import", "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var column in ConsentCommands.RequiredColumns.Concat(ConsentCommands.OptionalColumns))
            Assert.Contains(column, help.Stdout, StringComparison.Ordinal);
        Assert.Contains("All or nothing", help.Stdout, StringComparison.Ordinal);
    }
}
