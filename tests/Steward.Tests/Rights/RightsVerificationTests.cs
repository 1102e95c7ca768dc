using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Steward.Jobs;
using Steward.Rights;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Jobs;
using Steward.Tests.Policy;

namespace Steward.Tests.Rights;

/// <summary>
/// Proving who one is for a rights request, and the mail that carries it: a real SMTP server in the test process
/// receives what Steward sends, and the tests read the codes and links from there, as the person would.
/// </summary>
public sealed partial class RightsVerificationTests
{
    private sealed record Submitted(Guid Id, string StatusToken, string State, Guid? DuplicateOf, DateTimeOffset? DueAt, bool VerificationCodeSent, bool EmailVerification);
    private sealed record Summary(Guid Id, string State, string? VerifiedBy, DateTimeOffset? DueAt, DateTimeOffset? ExtendedAt);
    private sealed record RequestView(Summary Request);

    internal static async Task<StewardTestApp> StartAsync(TestSmtpServer? smtp, Action<Dictionary<string, string?>>? settings = null)
    {
        var app = await StewardTestApp.StartAsync(null, s =>
        {
            if (smtp is not null)
            {
                s["Mail:SmtpHost"] = "127.0.0.1";
                s["Mail:SmtpPort"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                s["Mail:Security"] = "none";
                s["Mail:FromAddress"] = "privacy@northwind.example";
                s["Mail:FromName"] = "Northwind privacy team";
                s["Web:PublicUrl"] = "https://privacy.northwind.example";
            }
            settings?.Invoke(s);
        });
        await app.PublishAsync(PolicyFixture.ExamplePath);
        return app;
    }

    private static async Task<Submitted> SubmitAsync(StewardTestApp app, string email, string kind = "access", string jurisdiction = "eu-gdpr", string language = "en",
        HttpClient? client = null, bool? signedIn = null)
    {
        var response = await (client ?? app.Client()).PostAsJsonAsync("/api/v1/rights-requests",
            new { kind, email, jurisdiction, language, name = "Ada Lovelace", message = "What do you hold about me?", signedIn });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Submitted>())!;
    }

    private static Task<List<MimeMessage>> MailAsync(TestSmtpServer smtp, string email, int count, StewardTestApp? app = null) =>
        JobTests.EventuallyAsync(() => Task.FromResult(smtp.To(email)), m => m.Count >= count, $"{count} message(s) to the person",
            app is null ? null : () => app.Time.Advance(TimeSpan.FromSeconds(5)));

    private static string CodeIn(MimeMessage message) => Code().Match(message.TextBody ?? "").Groups[1].Value;

    private static Task<HttpResponseMessage> VerifyAsync(StewardTestApp app, Submitted s, string code) =>
        app.Client().PostAsJsonAsync($"/api/v1/rights-requests/{s.Id}/verification", new { statusToken = s.StatusToken, code });

    private static async Task<Summary> StaffViewAsync(StewardTestApp app, Guid id)
    {
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        return (await officer.GetFromJsonAsync<RequestView>($"/api/v1/rights-requests/{id}"))!.Request;
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;

    /// <summary>Nothing the person gave or was given appears in a log line or in the jobs table.</summary>
    private static async Task AssertNowhereInClearAsync(StewardTestApp app, params string[] secrets)
    {
        await using var db = await app.DbAsync();
        var payloads = await db.Set<Job>().AsNoTracking().Select(j => j.Payload).ToListAsync();
        Assert.NotEmpty(payloads);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(payloads, p => p.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task The_receipt_brings_the_status_link_and_a_code_that_verifies_the_person_once()
    {
        await using var smtp = await TestSmtpServer.CreateAsync();
        await using var app = await StartAsync(smtp);
        var s = await SubmitAsync(app, "ada@example.org");
        Assert.Equal("verifying", s.State);
        Assert.True(s.VerificationCodeSent);
        Assert.True(s.EmailVerification);

        var receipt = Assert.Single(await MailAsync(smtp, "ada@example.org", 1));
        Assert.Equal("We have received your privacy request", receipt.Subject);
        Assert.Equal("privacy@northwind.example", receipt.From.Mailboxes.Single().Address);
        Assert.Contains(s.Id.ToString(), receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains($"https://privacy.northwind.example{RightsPaths.StatusPrefix}/{s.StatusToken}", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Access code: {s.StatusToken}", receipt.TextBody, StringComparison.Ordinal);
        var code = CodeIn(receipt);
        Assert.Matches("^[0-9]{6}$", code);

        var wrong = await VerifyAsync(app, s, code == "000000" ? "111111" : "000000");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("4 tries left", await DetailAsync(wrong), StringComparison.Ordinal);
        Assert.Equal("verifying", (await StaffViewAsync(app, s.Id)).State);

        Assert.Equal(HttpStatusCode.NoContent, (await VerifyAsync(app, s, code)).StatusCode);
        var verified = await StaffViewAsync(app, s.Id);
        Assert.Equal("in-progress", verified.State);
        Assert.Equal("email-code", verified.VerifiedBy);
        Assert.NotNull(verified.DueAt);

        var replay = await VerifyAsync(app, s, code);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains("used", await DetailAsync(replay), StringComparison.Ordinal);

        // A wrong token opens nothing.
        var stranger = await app.Client().PostAsJsonAsync($"/api/v1/rights-requests/{s.Id}/verification", new { statusToken = "guess", code });
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);

        // Sending the receipt is the acknowledgement the law asks for.
        await using (var db = await app.DbAsync())
        {
            var request = await JobTests.EventuallyAsync(() => db.Set<RightsRequest>().AsNoTracking().SingleAsync(r => r.Id == s.Id), r => r.AcknowledgedAt is not null, "the acknowledgement");
            Assert.NotNull(request.AcknowledgedAt);
        }
        await AssertNowhereInClearAsync(app, "ada@example.org", "Ada Lovelace", code, s.StatusToken);
    }

    [Fact]
    public async Task Five_wrong_codes_lock_the_code_an_expired_code_fails_and_new_codes_are_rate_limited()
    {
        await using var smtp = await TestSmtpServer.CreateAsync();
        await using var app = await StartAsync(smtp);
        var s = await SubmitAsync(app, "grace@example.org");
        var code = CodeIn(Assert.Single(await MailAsync(smtp, "grace@example.org", 1)));
        var wrong = code == "000000" ? "111111" : "000000";
        for (var i = 1; i <= 4; i++) Assert.Equal(HttpStatusCode.BadRequest, (await VerifyAsync(app, s, wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await VerifyAsync(app, s, wrong)).StatusCode);
        var locked = await VerifyAsync(app, s, code);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Contains("ask for a new code", await DetailAsync(locked), StringComparison.Ordinal);

        // A new code: not within a minute of the last one.
        var ask = () => app.Client().PostAsJsonAsync($"/api/v1/rights-requests/{s.Id}/verification/code", new { statusToken = s.StatusToken });
        var soon = await ask();
        Assert.Equal(HttpStatusCode.TooManyRequests, soon.StatusCode);
        Assert.NotNull(soon.Headers.RetryAfter);
        app.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.NoContent, (await ask()).StatusCode);
        var second = (await MailAsync(smtp, "grace@example.org", 2))[1];
        Assert.Equal("Your verification code", second.Subject);
        var fresh = CodeIn(second);

        // It works for fifteen minutes.
        app.Time.Advance(TimeSpan.FromMinutes(16));
        var expired = await VerifyAsync(app, s, fresh);
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Contains("15 minutes", await DetailAsync(expired), StringComparison.Ordinal);
        Assert.Equal("verifying", (await StaffViewAsync(app, s.Id)).State);

        // Five codes a day at most.
        for (var i = 3; i <= 5; i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(61));
            Assert.Equal(HttpStatusCode.NoContent, (await ask()).StatusCode);
        }
        app.Time.Advance(TimeSpan.FromSeconds(61));
        var sixth = await ask();
        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        Assert.Contains("5 codes", await DetailAsync(sixth), StringComparison.Ordinal);
        await AssertNowhereInClearAsync(app, "grace@example.org", code, fresh, s.StatusToken);
    }

    [Fact]
    public async Task Mail_waits_out_an_smtp_outage_and_arrives_when_the_server_is_back()
    {
        await using var smtp = await TestSmtpServer.CreateAsync(start: false);
        await using var app = await StartAsync(smtp, s => s["Jobs:RetryDelay"] = "00:00:02");
        var s = await SubmitAsync(app, "hedy@example.org");

        var failed = await JobTests.EventuallyAsync(async () =>
        {
            await using var db = await app.DbAsync();
            return await db.Set<Job>().AsNoTracking().Where(j => j.Kind == RightsMail.JobKind).ToListAsync();
        }, jobs => jobs.Count == 1 && jobs[0].State == JobState.Failed, "the mail job to fail while the server is down");
        Assert.Contains("did not take the message", failed[0].LastError, StringComparison.Ordinal);
        Assert.Empty(smtp.Received);

        await smtp.StartAsync();
        var receipt = Assert.Single(await MailAsync(smtp, "hedy@example.org", 1, app));
        Assert.Equal(HttpStatusCode.NoContent, (await VerifyAsync(app, s, CodeIn(receipt))).StatusCode);
        await AssertNowhereInClearAsync(app, "hedy@example.org", s.StatusToken);
    }

    [Fact]
    public async Task Without_mail_requests_are_taken_in_and_verification_by_email_says_it_is_unavailable()
    {
        await using var app = await StartAsync(null);
        var s = await SubmitAsync(app, "ada@example.org");
        Assert.Equal("verifying", s.State);
        Assert.False(s.VerificationCodeSent);
        Assert.False(s.EmailVerification);
        var ask = await app.Client().PostAsJsonAsync($"/api/v1/rights-requests/{s.Id}/verification/code", new { statusToken = s.StatusToken });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ask.StatusCode);
        Assert.Contains("sends no mail", await DetailAsync(ask), StringComparison.Ordinal);
        Assert.Contains(app.Logs.Lines, l => l.Contains("Mail is off (Mail:SmtpHost is not set)", StringComparison.Ordinal));
        var status = await (await app.ClientForRoleAsync(Roles.DsrAgent)).GetFromJsonAsync<JsonElement>("/api/v1/mail");
        Assert.False(status.GetProperty("configured").GetBoolean());
        await using var db = await app.DbAsync();
        Assert.False(await db.Set<Job>().AnyAsync(j => j.Kind == RightsMail.JobKind));
    }

    [Fact]
    public async Task Bad_mail_settings_stop_the_start_with_one_line_each()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => StewardTestApp.StartAsync(s =>
        {
            s["Mail:SmtpHost"] = "smtp.example.com";
            s["Mail:SmtpPort"] = "0";
            s["Mail:Security"] = "ssl";
            s["Mail:UserName"] = "steward";
            s["Mail:Password"] = "s3cret-pass";
        }));
        Assert.Contains("Mail:SmtpPort must be between 1 and 65535", e.Message, StringComparison.Ordinal);
        Assert.Contains("Mail:Security 'ssl' is one of: none, starttls, tls.", e.Message, StringComparison.Ordinal);
        Assert.Contains("Mail:FromAddress is missing", e.Message, StringComparison.Ordinal);
        Assert.Contains("Web:PublicUrl is not set", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pass", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_opt_out_of_sale_needs_no_verification_and_gets_a_receipt_without_a_code()
    {
        await using var smtp = await TestSmtpServer.CreateAsync();
        await using var app = await StartAsync(smtp);
        var s = await SubmitAsync(app, "ada@example.org", kind: "opt-out-of-sale", jurisdiction: "us-ca");
        Assert.Equal("in-progress", s.State);
        Assert.False(s.VerificationCodeSent);
        Assert.Equal(RightsRequests.NotRequired, (await StaffViewAsync(app, s.Id)).VerifiedBy);
        var receipt = Assert.Single(await MailAsync(smtp, "ada@example.org", 1));
        Assert.Equal("", CodeIn(receipt));
        Assert.Contains("We will answer by", receipt.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_company_app_may_submit_for_a_signed_in_person_and_nobody_else_may_say_so()
    {
        await using var app = await StartAsync(null);
        var anonymous = await app.Client().PostAsJsonAsync("/api/v1/rights-requests",
            new { kind = "access", email = "ada@example.org", jurisdiction = "eu-gdpr", signedIn = true });
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Contains("service role", await DetailAsync(anonymous), StringComparison.Ordinal);
        var officer = await app.Client().SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/rights-requests")
        {
            Content = JsonContent.Create(new { kind = "access", email = "ada@example.org", jurisdiction = "eu-gdpr", signedIn = true }),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", await app.ApiKeyForRoleAsync(Roles.PrivacyOfficer)) },
        });
        Assert.Equal(HttpStatusCode.Forbidden, officer.StatusCode);

        var s = await SubmitAsync(app, "ada@example.org", client: await app.ClientForRoleAsync(Roles.Service), signedIn: true);
        Assert.Equal("in-progress", s.State);
        Assert.Equal(RightsVerification.SignedIn, (await StaffViewAsync(app, s.Id)).VerifiedBy);
    }

    [Fact]
    public async Task Staff_steps_reach_the_person_in_their_language_with_the_reason_and_the_right_to_complain()
    {
        await using var smtp = await TestSmtpServer.CreateAsync();
        await using var app = await StartAsync(smtp);
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);

        var zh = await SubmitAsync(app, "li@example.cn", jurisdiction: "cn-pipl", language: "zh-CN");
        var receipt = Assert.Single(await MailAsync(smtp, "li@example.cn", 1));
        Assert.Equal("我们已收到您的个人信息相关请求", receipt.Subject);
        Assert.Equal(HttpStatusCode.NoContent, (await VerifyAsync(app, zh, CodeIn(receipt))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/v1/rights-requests/{zh.Id}/deny", new { reason = "该请求涉及他人的个人信息。" })).StatusCode);
        var denial = (await MailAsync(smtp, "li@example.cn", 2))[1];
        Assert.Equal("我们无法办理您的请求", denial.Subject);
        Assert.Contains("该请求涉及他人的个人信息。", denial.TextBody, StringComparison.Ordinal);
        Assert.Contains("您也有权向履行个人信息保护职责的部门投诉", denial.TextBody, StringComparison.Ordinal);
        Assert.Contains("网信部门", denial.TextBody, StringComparison.Ordinal);

        var en = await SubmitAsync(app, "ada@example.org");
        var enReceipt = Assert.Single(await MailAsync(smtp, "ada@example.org", 1));
        Assert.Equal(HttpStatusCode.NoContent, (await VerifyAsync(app, en, CodeIn(enReceipt))).StatusCode);
        var extended = await officer.PostAsJsonAsync($"/api/v1/rights-requests/{en.Id}/extend", new { reason = "Your request covers ten years of records." });
        Assert.Equal(HttpStatusCode.OK, extended.StatusCode);
        var due = (await StaffViewAsync(app, en.Id)).DueAt!.Value;
        var extension = (await MailAsync(smtp, "ada@example.org", 2))[1];
        Assert.Equal("We need more time to answer your request", extension.Subject);
        Assert.Contains("Your request covers ten years of records.", extension.TextBody, StringComparison.Ordinal);
        Assert.Contains(due.UtcDateTime.ToString("d MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en-GB")), extension.TextBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/v1/rights-requests/{en.Id}/complete", new { answer = "We hold your order history only." })).StatusCode);
        var done = (await MailAsync(smtp, "ada@example.org", 3))[2];
        Assert.Equal("Your request has been completed", done.Subject);
        Assert.Contains("We hold your order history only.", done.TextBody, StringComparison.Ordinal);
        Assert.EndsWith("Northwind privacy team", (done.TextBody ?? "").TrimEnd(), StringComparison.Ordinal);
        await AssertNowhereInClearAsync(app, "li@example.cn", "ada@example.org", "该请求涉及他人的个人信息", "ten years of records");
    }

    [GeneratedRegex(@"^ {4}([0-9]{6})\r?$", RegexOptions.Multiline)]
    private static partial Regex Code();
}
