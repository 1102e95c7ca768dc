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
        Assert.True(add.ExitCode == 0, add.Stderr);
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
        // No background jobs: once a policy is published, the daily retention sweep may run and add its own entry.
        await using var app = await StewardTestApp.StartAsync(s => s["Jobs:Enabled"] = "false");
        await app.AddUserAsync("auditor@example.com", Roles.Auditor, Password);
        await app.PublishAsync(Steward.Tests.Policy.PolicyFixture.MinimalPath, summary: "首次发布");
        var client = app.Client();
        await StewardTestApp.SignInAsync(client, "auditor@example.com", Password, "zh-CN");
        // The console counts chained entries; chain the sign-in's entry now rather than race the background chainer.
        await app.Services<Steward.Audit.AuditChainer>().ChainPendingAsync(wait: true, CancellationToken.None);
        var console = await client.GetStringAsync("/console?lang=zh-CN");
        Assert.Contains("审计日志完整：共 3 条记录。", console, StringComparison.Ordinal);
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
    public async Task Parallel_guesses_get_no_more_checks_than_the_account_allows()
    {
        await using var app = await StewardTestApp.StartAsync(s => s["Security:SignInAttemptsPerAccount"] = "5");
        var id = await app.AddUserAsync("target@example.com", Roles.Admin, Password);
        var directory = app.Services<StaffDirectory>();
        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Task.Run(() => directory.SignInAsync("target@example.com", "guess " + i, CancellationToken.None))));
        Assert.All(results, r => Assert.Equal(SignInOutcome.Failed, r.Outcome));
        await using var db = await app.DbAsync();
        var checkedGuesses = await db.AuditEntries.CountAsync(e => e.Action == "security.sign-in.failed" && e.Details.Contains("wrong-password"));
        Assert.InRange(checkedGuesses, 1, 5);
        Assert.Equal(30 - checkedGuesses, await db.AuditEntries.CountAsync(e => e.Action == "security.sign-in.failed" && e.Details.Contains("throttled")));
        // Even the right password gets no check until the window has passed (from a browser that never signed in).
        Assert.Equal(SignInOutcome.Failed, (await directory.SignInAsync("target@example.com", Password, CancellationToken.None)).Outcome);
        app.Time.Advance(StaffDirectory.AccountAttemptWindow);
        Assert.Equal(SignInOutcome.Success, (await directory.SignInAsync("target@example.com", Password, CancellationToken.None)).Outcome);
        Assert.Equal(0, (await db.Users.AsNoTracking().SingleAsync(u => u.Id == id)).FailedSignIns);
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
    public async Task An_existing_and_an_unknown_email_get_the_same_answer_however_often_they_are_tried()
    {
        await using var app = await StewardTestApp.StartAsync(s => s["Security:SignInAttemptsPerMinute"] = "1000");
        await app.AddUserAsync("agent@example.com", Roles.DsrAgent, Password);
        var attempts = new SecurityOptions().SignInAttemptsPerAccount + 3;
        for (var i = 0; i < attempts; i++)
        {
            var known = await StewardTestApp.SignInAsync(app.Client(), "agent@example.com", "wrong password " + i);
            var unknown = await StewardTestApp.SignInAsync(app.Client(), "nobody@example.com", "wrong password " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, known.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
            Assert.Equal(WithoutToken(await unknown.Content.ReadAsStringAsync()), WithoutToken(await known.Content.ReadAsStringAsync()));
        }
    }

    [Fact]
    public async Task A_stranger_who_exhausts_the_attempts_of_an_account_does_not_lock_its_owner_out()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("agent@example.com", Roles.DsrAgent, Password);
        var owner = app.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await StewardTestApp.SignInAsync(owner, "agent@example.com", Password)).StatusCode);

        var stranger = app.Client();
        for (var i = 0; i < new SecurityOptions().SignInAttemptsPerAccount + 2; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await StewardTestApp.SignInAsync(stranger, "agent@example.com", "guess " + i)).StatusCode);
        // The stranger gets no more checks, not even for the right password...
        Assert.Equal(HttpStatusCode.Unauthorized, (await StewardTestApp.SignInAsync(stranger, "agent@example.com", Password)).StatusCode);
        // ...but the owner's browser, where they signed in before, still gets in.
        Assert.Equal(HttpStatusCode.Redirect, (await StewardTestApp.SignInAsync(owner, "agent@example.com", Password)).StatusCode);
        app.Time.Advance(StaffDirectory.AccountAttemptWindow);
        Assert.Equal(HttpStatusCode.Redirect, (await StewardTestApp.SignInAsync(app.Client(), "agent@example.com", Password)).StatusCode);
    }

    [Fact]
    public async Task A_known_device_cookie_stops_passing_the_account_limit_once_the_password_changes()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("agent@example.com", Roles.DsrAgent, Password);
        var copied = app.Client(); // a browser the owner once signed in on, e.g. a shared computer
        Assert.Equal(HttpStatusCode.Redirect, (await StewardTestApp.SignInAsync(copied, "agent@example.com", Password)).StatusCode);

        const string NewPassword = "a completely different passphrase";
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, NewPassword + "\n", "admin", "set-password", "agent@example.com", "--password-stdin")).ExitCode);
        var stranger = app.Client();
        for (var i = 0; i < new SecurityOptions().SignInAttemptsPerAccount; i++)
            await StewardTestApp.SignInAsync(stranger, "agent@example.com", "guess " + i);
        // The old browser's cookie was issued under the old password: it no longer gets checks beyond the limit.
        Assert.Equal(HttpStatusCode.Unauthorized, (await StewardTestApp.SignInAsync(copied, "agent@example.com", NewPassword)).StatusCode);
    }

    [Fact]
    public async Task A_return_address_with_non_ascii_characters_signs_in_to_the_console()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, Password);
        var client = app.Client();
        var page = await client.GetStringAsync("/account/sign-in");
        var token = StewardTestApp.AntiforgeryField().Match(page).Groups[1].Value;
        var response = await client.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = token, ["email"] = "dpo@example.com", ["password"] = Password, ["returnUrl"] = "/控制台",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console")).StatusCode);
    }

    private static string WithoutToken(string page) => StewardTestApp.AntiforgeryField().Replace(page, "");

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
        // Relative: no Host header ever reaches a redirect.
        Assert.StartsWith("/account/sign-in?", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
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
