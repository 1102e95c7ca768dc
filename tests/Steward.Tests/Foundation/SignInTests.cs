using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

public sealed class SignInTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task A_user_added_with_the_cli_signs_in_through_the_form()
    {
        await using var app = await StewardTestApp.StartAsync();
        var add = await StewardCli.RunAsync(app.Database, Password + "\n", "admin", "add-user", "dpo@example.com", "--role", "privacy-officer", "--password-stdin");
        Assert.Equal(0, add.ExitCode);
        Assert.DoesNotContain(Password, add.Stdout + add.Stderr, StringComparison.Ordinal);

        var client = app.Client();
        var response = await StewardTestApp.SignInAsync(client, "DPO@example.com", Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
        var console = await client.GetStringAsync("/console");
        Assert.Contains("privacy-officer", console, StringComparison.Ordinal);
        Assert.Contains("No policy has been published yet", console, StringComparison.Ordinal);
        Assert.DoesNotContain("Audit log", console, StringComparison.Ordinal);

        await using var db = await app.DbAsync();
        var actions = await db.AuditEntries.Select(e => e.Action).ToListAsync();
        Assert.Contains("security.user.added", actions);
        Assert.Contains("security.sign-in.succeeded", actions);
    }

    [Fact]
    public async Task A_console_session_survives_a_restart_of_the_server()
    {
        await using var database = await TestDatabase.CreateAsync();
        var cookies = new CookieContainer();
        Uri first;
        await using (var app = await StewardTestApp.StartAsync(database))
        {
            await app.AddUserAsync("officer@example.com", Roles.PrivacyOfficer, Password);
            var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
            Assert.Equal(HttpStatusCode.Redirect, (await StewardTestApp.SignInAsync(client, "officer@example.com", Password)).StatusCode);
            first = app.BaseAddress;
            await using var db = await app.DbAsync();
            Assert.True(await db.DataProtectionKeys.AnyAsync(), "cookie keys belong in the database, shared by every node");
        }
        await using var restarted = await StewardTestApp.StartAsync(database);
        // The cookie was issued for the first port; present it to the new one.
        foreach (Cookie c in cookies.GetCookies(first)) cookies.Add(restarted.BaseAddress, new Cookie(c.Name, c.Value, "/"));
        var again = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = restarted.BaseAddress };
        var console = await again.GetAsync("/console");
        Assert.Equal(HttpStatusCode.OK, console.StatusCode);
    }

    [Fact]
    public async Task The_console_shows_auditors_the_state_of_the_audit_chain_in_chinese()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("auditor@example.com", Roles.Auditor, Password);
        await app.PublishAsync(Steward.Tests.Policy.PolicyFixture.MinimalPath, summary: "首次发布");
        var client = app.Client();
        await StewardTestApp.SignInAsync(client, "auditor@example.com", Password, "zh-CN");
        // The console counts chained entries; chain the sign-in's entry now rather than race the background chainer.
        await app.Services<Steward.Audit.AuditChainer>().ChainPendingAsync(wait: true, CancellationToken.None);
        var console = await client.GetStringAsync("/console?lang=zh-CN");
        Assert.Contains("哈希链完整：共 3 条记录。", console, StringComparison.Ordinal);
        Assert.Contains("首次发布", console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_attempts_from_one_address_are_slowed_down()
    {
        await using var app = await StewardTestApp.StartAsync(s => s["Security:SignInAttemptsPerMinute"] = "3");
        var client = app.Client();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await StewardTestApp.SignInAsync(client, $"user{i}@example.com", "guess")).StatusCode);
        var refused = await StewardTestApp.SignInAsync(client, "user9@example.com", "guess");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Parallel_guesses_get_no_more_checks_than_the_lockout_allows()
    {
        await using var app = await StewardTestApp.StartAsync();
        var id = await app.AddUserAsync("target@example.com", Roles.Admin, Password);
        var directory = app.Services<StaffDirectory>();
        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Task.Run(() => directory.SignInAsync("target@example.com", "guess " + i, CancellationToken.None))));
        Assert.Contains(results, r => r.Outcome == SignInOutcome.LockedOut);
        await using var db = await app.DbAsync();
        var checkedGuesses = await db.AuditEntries.CountAsync(e => e.Action == "security.sign-in.failed" && e.Details.Contains("wrong-password"));
        Assert.InRange(checkedGuesses, 1, StaffDirectory.MaxFailedSignIns);
        Assert.NotNull((await db.Users.SingleAsync(u => u.Id == id)).LockedUntil);
    }

    [Fact]
    public async Task A_return_address_with_control_characters_falls_back_to_the_console()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, Password);
        var client = app.Client();
        var page = await client.GetStringAsync("/account/sign-in");
        var token = StewardTestApp.AntiforgeryField().Match(page).Groups[1].Value;
        var response = await client.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = token, ["email"] = "dpo@example.com", ["password"] = Password, ["returnUrl"] = "/a\tb",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_disabled_user_loses_the_open_session_and_cannot_sign_in_again()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("leaver@example.com", Roles.DsrAgent, Password);
        var client = app.Client();
        await StewardTestApp.SignInAsync(client, "leaver@example.com", Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console")).StatusCode);

        var disable = await StewardCli.RunAsync(app.Database, "", "admin", "disable-user", "leaver@example.com");
        Assert.Equal(0, disable.ExitCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/console")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await StewardTestApp.SignInAsync(app.Client(), "leaver@example.com", Password)).StatusCode);

        var list = await StewardCli.RunAsync(app.Database, "", "admin", "list");
        Assert.Contains("leaver@example.com", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("disabled", list.Stdout, StringComparison.Ordinal);
        var again = await StewardCli.RunAsync(app.Database, "", "admin", "disable-user", "leaver@example.com");
        Assert.Equal(1, again.ExitCode);
        await using var db = await app.DbAsync();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "security.user.disabled"));
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_for_fifteen_minutes()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("agent@example.com", Roles.DsrAgent, Password);
        var client = app.Client();
        for (var i = 1; i < StaffDirectory.MaxFailedSignIns; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await StewardTestApp.SignInAsync(client, "agent@example.com", "wrong password " + i)).StatusCode);
        Assert.Equal((HttpStatusCode)423, (await StewardTestApp.SignInAsync(client, "agent@example.com", "wrong again")).StatusCode);
        // Even the right password is refused while locked.
        Assert.Equal((HttpStatusCode)423, (await StewardTestApp.SignInAsync(client, "agent@example.com", Password)).StatusCode);

        app.Time.Advance(StaffDirectory.LockoutDuration + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Redirect, (await StewardTestApp.SignInAsync(client, "agent@example.com", Password)).StatusCode);
    }

    [Fact]
    public async Task Failed_sign_in_is_audited_and_never_logs_the_email()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("auditor.li@example.com", Roles.Auditor, Password);
        var client = app.Client();
        await StewardTestApp.SignInAsync(client, "auditor.li@example.com", "not the password");
        await StewardTestApp.SignInAsync(client, "nobody.wang@example.com", "not the password");

        Assert.Contains(app.Logs.Lines, l => l.Contains("Sign-in failed", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("auditor.li", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("nobody.wang", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("not the password", StringComparison.Ordinal));
        await using var db = await app.DbAsync();
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == "security.sign-in.failed"));
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Details.Contains("example.com") || e.Target.Contains("example.com")));
    }

    [Fact]
    public async Task Sign_in_form_without_antiforgery_token_is_rejected()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("admin@example.com", Roles.Admin, Password);
        var response = await app.Client().PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "admin@example.com",
            ["password"] = Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Sign_in_page_speaks_chinese_when_asked()
    {
        await using var app = await StewardTestApp.StartAsync();
        var client = app.Client();
        var byQuery = await client.GetStringAsync("/account/sign-in?lang=zh-CN");
        Assert.Contains("lang=\"zh-CN\"", byQuery, StringComparison.Ordinal);
        Assert.Contains("登录隐私管理控制台", byQuery, StringComparison.Ordinal);

        var request = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh-Hans-CN"));
        var byHeader = await (await client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("电子邮件地址", byHeader, StringComparison.Ordinal);

        Assert.Contains("Sign in to the privacy console", await client.GetStringAsync("/account/sign-in"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_pages_send_anonymous_visitors_to_sign_in()
    {
        await using var app = await StewardTestApp.StartAsync();
        var response = await app.Client().GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location?.PathAndQuery ?? response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_key_from_the_cli_works_until_revoked()
    {
        await using var app = await StewardTestApp.StartAsync();
        var add = await StewardCli.RunAsync(app.Database, "", "admin", "add-api-key", "siem", "--role", "auditor");
        Assert.Equal(0, add.ExitCode);
        var key = add.Stdout.Trim();
        Assert.StartsWith(ApiKeys.Prefix, key, StringComparison.Ordinal);

        var client = app.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/audit/entries")).StatusCode);

        await using (var db = await app.DbAsync())
            Assert.False(await db.ApiKeys.AnyAsync(k => k.KeyHash == key), "the key itself must not be stored");

        var duplicate = await StewardCli.RunAsync(app.Database, "", "admin", "add-api-key", "siem", "--role", "auditor");
        Assert.Equal(1, duplicate.ExitCode);

        var revoke = await StewardCli.RunAsync(app.Database, "", "admin", "revoke-api-key", "siem");
        Assert.Equal(0, revoke.ExitCode);
        var refused = await client.GetAsync("/api/v1/audit/entries");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        var again = await StewardCli.RunAsync(app.Database, "", "admin", "revoke-api-key", "siem");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("No active API key", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Weak_passwords_and_unknown_roles_are_refused()
    {
        await using var db = await TestDatabase.CreateAsync();
        var weak = await StewardCli.RunAsync(db, "short\n", "admin", "add-user", "x@example.com", "--role", "admin", "--password-stdin");
        Assert.Equal(1, weak.ExitCode);
        Assert.Contains("at least", weak.Stderr, StringComparison.Ordinal);
        var role = await StewardCli.RunAsync(db, Password + "\n", "admin", "add-user", "x@example.com", "--role", "superuser", "--password-stdin");
        Assert.Equal(2, role.ExitCode);
        Assert.Contains("superuser", role.Stderr, StringComparison.Ordinal);
    }
}
