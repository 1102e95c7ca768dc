using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Security;

/// <summary>Sessions are server-side records: a forged, copied or stale cookie is refused; sessions end when they should.</summary>
public sealed class SessionTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task A_cookie_forged_with_the_cookie_keys_and_a_user_id_is_refused()
    {
        await using var app = await StewardTestApp.StartAsync();
        var adminId = await app.AddUserAsync("admin@example.com", Roles.Admin, Password);
        // What the attacker did with the keys from a copy of the database: an administrator's ticket, valid for a year.
        var format = app.App.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme).TicketDataFormat;
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, adminId.ToString()),
                new Claim(ClaimTypes.Role, Roles.Admin),
                new Claim(StewardClaims.Actor, $"user:{adminId}"),
            ], CookieAuthenticationDefaults.AuthenticationScheme);
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity),
            new AuthenticationProperties { IsPersistent = true, IssuedUtc = app.Time.GetUtcNow(), ExpiresUtc = app.Time.GetUtcNow().AddYears(1) },
            CookieAuthenticationDefaults.AuthenticationScheme);
        var client = app.Client();
        client.DefaultRequestHeaders.Add("Cookie", "steward.session=" + format.Protect(ticket));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/audit/entries")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/console")).StatusCode);
    }

    [Fact]
    public async Task The_cookie_carries_only_a_session_key_whose_hash_is_stored()
    {
        await using var app = await StewardTestApp.StartAsync();
        var id = await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, Password);
        var client = app.Client();
        var response = await StewardTestApp.SignInAsync(client, "dpo@example.com", Password);
        var format = app.App.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme).TicketDataFormat;
        var cookie = SessionCookie(response);
        var claims = format.Unprotect(cookie)!.Principal.Claims.ToList();
        Assert.Single(claims);
        Assert.DoesNotContain(claims, c => c.Value.Contains(id.ToString(), StringComparison.Ordinal) || c.Value == Roles.PrivacyOfficer);

        await using var db = await app.DbAsync();
        var session = await db.Set<StaffSession>().SingleAsync();
        Assert.Equal(id, session.UserId);
        Assert.Equal(StaffSessions.Hash(claims[0].Value), session.Id);
        Assert.NotEqual(claims[0].Value, session.Id);
    }

    [Fact]
    public async Task After_sign_out_a_copy_of_the_cookie_no_longer_works()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, Password);
        var client = app.Client();
        var cookie = SessionCookie(await StewardTestApp.SignInAsync(client, "dpo@example.com", Password));
        var copy = app.Client();
        copy.DefaultRequestHeaders.Add("Cookie", "steward.session=" + cookie);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/console")).StatusCode);

        var page = await client.GetStringAsync("/console");
        var token = StewardTestApp.AntiforgeryField().Match(page).Groups[1].Value;
        var signOut = await client.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await copy.GetAsync("/console")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/v1/audit/entries")).StatusCode);
    }

    [Fact]
    public async Task Sign_out_without_the_antiforgery_token_is_refused()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, Password);
        var client = app.Client();
        await StewardTestApp.SignInAsync(client, "dpo@example.com", Password);
        var signOut = await client.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console")).StatusCode);
    }

    [Fact]
    public async Task A_new_password_ends_every_session_of_the_user()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, Password);
        var client = app.Client();
        await StewardTestApp.SignInAsync(client, "dpo@example.com", Password);

        const string newPassword = "a brand new passphrase";
        var set = await StewardCli.RunAsync(app.Database, newPassword + "\n", "admin", "set-password", "dpo@example.com", "--password-stdin");
        Assert.Equal(0, set.ExitCode);
        Assert.DoesNotContain(newPassword, set.Stdout + set.Stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/console")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await StewardTestApp.SignInAsync(app.Client(), "dpo@example.com", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await StewardTestApp.SignInAsync(app.Client(), "dpo@example.com", newPassword)).StatusCode);

        var weak = await StewardCli.RunAsync(app.Database, "short\n", "admin", "set-password", "dpo@example.com", "--password-stdin");
        Assert.Equal(1, weak.ExitCode);
        await using var db = await app.DbAsync();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "security.user.password-set"));
    }

    [Fact]
    public async Task An_administrator_ends_all_sessions_of_a_user_from_the_cli_and_the_api()
    {
        await using var app = await StewardTestApp.StartAsync();
        var id = await app.AddUserAsync("agent@example.com", Roles.DsrAgent, Password);
        var laptop = app.Client();
        var phone = app.Client();
        await StewardTestApp.SignInAsync(laptop, "agent@example.com", Password);
        await StewardTestApp.SignInAsync(phone, "agent@example.com", Password);

        var end = await StewardCli.RunAsync(app.Database, "", "admin", "end-sessions", "agent@example.com");
        Assert.Equal(0, end.ExitCode);
        Assert.Contains("ended 2 session(s)", end.Stdout, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/console")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/console")).StatusCode);

        await StewardTestApp.SignInAsync(laptop, "agent@example.com", Password);
        var auditor = await app.ClientForRoleAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync($"/api/v1/users/{id}/sessions/revoke", null)).StatusCode);
        var admin = await app.ClientForRoleAsync(Roles.Admin);
        var revoked = await admin.PostAsync($"/api/v1/users/{id}/sessions/revoke", null);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(1, (await revoked.Content.ReadFromJsonAsync<StaffEndpoints.EndedSessionsResponse>())!.SessionsEnded);
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/console")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/v1/users/{Guid.NewGuid()}/sessions/revoke", null)).StatusCode);

        await using var db = await app.DbAsync();
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == "security.sessions.ended" && e.Target == $"user:{id}"));
    }

    [Fact]
    public async Task The_role_comes_from_the_user_and_a_role_change_ends_the_session()
    {
        await using var app = await StewardTestApp.StartAsync();
        var id = await app.AddUserAsync("auditor@example.com", Roles.Auditor, Password);
        var client = app.Client();
        await StewardTestApp.SignInAsync(client, "auditor@example.com", Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/audit/entries")).StatusCode);
        await using (var db = await app.DbAsync())
            await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Role, Roles.DsrAgent));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/audit/entries")).StatusCode);
    }

    [Fact]
    public async Task A_session_slides_with_use_up_to_its_maximum_and_last_seen_is_written_at_most_once_a_minute()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, Password);
        var client = app.Client();
        await StewardTestApp.SignInAsync(client, "dpo@example.com", Password);
        var options = new SecurityOptions();
        async Task<StaffSession> Session()
        {
            await using var db = await app.DbAsync();
            return await db.Set<StaffSession>().AsNoTracking().SingleAsync();
        }
        var first = await Session();
        app.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console")).StatusCode);
        Assert.Equal(first.LastSeenAt, (await Session()).LastSeenAt);

        // Active every hour: the session slides, until its maximum lifetime.
        var used = TimeSpan.Zero;
        while (used + TimeSpan.FromHours(1) < options.SessionMaxLifetime)
        {
            app.Time.Advance(TimeSpan.FromHours(1));
            used += TimeSpan.FromHours(1);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console")).StatusCode);
        }
        Assert.True((await Session()).LastSeenAt > first.LastSeenAt);
        app.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/console")).StatusCode);

        // Idle for longer than the idle timeout: the session ends.
        var idle = app.Client();
        await StewardTestApp.SignInAsync(idle, "dpo@example.com", Password);
        app.Time.Advance(options.SessionIdleTimeout + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Redirect, (await idle.GetAsync("/console")).StatusCode);

        // Ended sessions are forgotten a month later, at the user's next sign-in.
        app.Time.Advance(StaffSessions.EndedRetention + TimeSpan.FromDays(1));
        await StewardTestApp.SignInAsync(app.Client(), "dpo@example.com", Password);
        await using var db = await app.DbAsync();
        Assert.Equal(1, await db.Set<StaffSession>().CountAsync());
    }

    [Fact]
    public async Task Session_settings_that_make_no_sense_stop_the_start_with_their_key()
    {
        await using var database = await TestDatabase.CreateAsync();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StewardTestApp.StartAsync(database, s =>
        {
            s["Security:SessionIdleTimeout"] = "04:00:00";
            s["Security:SessionMaxLifetime"] = "01:00:00";
        }));
        Assert.Contains("Security:SessionMaxLifetime", e.Message, StringComparison.Ordinal);
    }

    private static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])
            .Single(c => c.StartsWith("steward.session=", StringComparison.Ordinal))["steward.session=".Length..];
}
