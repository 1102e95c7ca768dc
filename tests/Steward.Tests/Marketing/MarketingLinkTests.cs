using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OpenTelemetry.Trace;
using Steward.Consent;
using Steward.Marketing;
using Steward.Security;
using Steward.Security.Keys;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Marketing;

/// <summary>
/// Links in marketing mail against the real server and database: one-click unsubscribe as mail programs send it, the
/// confirmation page, the person's preference centre, the suppression list, and tokens that are opaque and never logged.
/// </summary>
public sealed partial class MarketingLinkTests
{
    private const string Site = "https://privacy.example.test";
    private const string Email = "Mei.Chen@Example.COM";
    private const string NormalisedEmail = "mei.chen@example.com";

    private static async Task<(StewardTestApp App, HttpClient Service)> StartAsync(Action<Dictionary<string, string?>>? settings = null)
    {
        var app = await StewardTestApp.StartAsync(s =>
        {
            s["Web:PublicUrl"] = Site;
            settings?.Invoke(s);
        });
        await app.PublishAsync(PolicyFixture.ExamplePath);
        return (app, await app.ClientForRoleAsync(Roles.Service));
    }

    private static async Task RecordAsync(HttpClient service, string email, params (string Key, string Choice)[] choices)
    {
        var response = await service.PostAsJsonAsync("/api/v1/consents", new
        {
            identity = new { type = "email", value = email },
            jurisdiction = "eu-gdpr",
            method = "api",
            choices = choices.Select(c => new { key = c.Key, choice = c.Choice }).ToArray(),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<MarketingEndpoints.UnsubscribeLinkResponse> UnsubscribeLinkAsync(HttpClient service, string email = Email, string channel = "email")
    {
        var response = await service.PostAsJsonAsync("/api/v1/unsubscribe-links",
            new { identity = new { type = "email", value = email }, channel, jurisdiction = "eu-gdpr" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await StewardTestApp.ReadJsonAsync<MarketingEndpoints.UnsubscribeLinkResponse>(response);
    }

    private static async Task<string> PreferenceLinkAsync(HttpClient service, string? language = null, string jurisdiction = "eu-gdpr")
    {
        var response = await service.PostAsJsonAsync("/api/v1/preference-links",
            new { identity = new { type = "email", value = Email }, jurisdiction, language });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Uri((await StewardTestApp.ReadJsonAsync<MarketingEndpoints.PreferenceLinkResponse>(response)).Url).AbsolutePath;
    }

    /// <summary>Exactly what a mail program sends for RFC 8058: a bare POST to the public host, no cookies, the one form field.</summary>
    private static Task<HttpResponseMessage> OneClickAsync(StewardTestApp app, string path, string? userAgent = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent("List-Unsubscribe=One-Click", Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        // As a proxy in front of Steward passes it on: the public address is a host Steward answers for.
        request.Headers.Host = new Uri(Site).Host;
        if (userAgent is not null) request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        return new HttpClient { BaseAddress = app.BaseAddress }.SendAsync(request);
    }

    private static async Task<Dictionary<string, (string Choice, string Method)>> StateAsync(HttpClient service, string email = Email)
    {
        var response = await service.PostAsJsonAsync("/api/v1/consents/query", new { identity = new { type = "email", value = email } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var state = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.ConsentStateResponse>(response);
        return state.State.ToDictionary(e => e.Key, e => (e.Choice, e.Method));
    }

    private static async Task<int> EventCountAsync(StewardTestApp app)
    {
        await using var db = await app.DbAsync();
        return await db.Set<ConsentEvent>().CountAsync();
    }

    private static string TokenOf(string path) => path[(path.LastIndexOf('/') + 1)..];

    [Fact]
    public async Task An_unsubscribe_link_comes_with_the_rfc_8058_headers_and_its_token_names_no_one()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        await RecordAsync(service, Email, ("channel:email", "granted"));
        var link = await UnsubscribeLinkAsync(service);

        Assert.StartsWith(Site + "/u/", link.Url, StringComparison.Ordinal);
        Assert.Equal($"<{link.Url}>", link.ListUnsubscribe);
        Assert.Equal("List-Unsubscribe=One-Click", link.ListUnsubscribePost);
        Assert.Null(link.ExpiresAt);
        var token = TokenOf(link.Url);
        var bytes = Base64Url.DecodeFromChars(token);
        var query = await service.PostAsJsonAsync("/api/v1/consents/query", new { identity = new { type = "email", value = Email } });
        var subjectId = (await StewardTestApp.ReadJsonAsync<ConsentEndpoints.ConsentStateResponse>(query)).SubjectId;
        var text = Encoding.Latin1.GetString(bytes);
        foreach (var secret in new[] { NormalisedEmail, "mei.chen", "example.com", "eu-gdpr", subjectId.ToString(), subjectId.ToString("N") })
        {
            Assert.DoesNotContain(secret, token, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain(Encoding.Latin1.GetString(subjectId.ToByteArray()), text, StringComparison.Ordinal);

        // Two links for the same person differ (fresh nonce): a link does not identify its person across mailings.
        Assert.NotEqual(link.Url, (await UnsubscribeLinkAsync(service)).Url);

        var unknown = await service.PostAsJsonAsync("/api/v1/unsubscribe-links", new { identity = new { type = "email", value = Email }, channel = "carrier-pigeon", jurisdiction = "eu-gdpr" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'carrier-pigeon' is not a marketing channel", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var noJurisdiction = await service.PostAsJsonAsync("/api/v1/unsubscribe-links", new { identity = new { type = "email", value = "nobody@example.com" }, channel = "email" });
        Assert.Equal(HttpStatusCode.BadRequest, noJurisdiction.StatusCode);
        Assert.Contains("The jurisdiction is missing", await noJurisdiction.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // A known person's jurisdiction is the one Steward recorded with them.
        var known = await service.PostAsJsonAsync("/api/v1/unsubscribe-links", new { identity = new { type = "email", value = Email }, channel = "email" });
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
    }

    [Fact]
    public async Task Staff_print_a_working_unsubscribe_link_with_the_cli()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        await RecordAsync(service, Email, ("channel:email", "granted"));
        var settings = app.Database.Settings();
        settings["Web:PublicUrl"] = Site;
        var result = await StewardCli.RunInProcessAsync(settings, null, "consent", "unsubscribe-link", "--email", Email, "--channel", "email");
        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith(Site + "/u/", lines[0], StringComparison.Ordinal);
        Assert.Equal([$"List-Unsubscribe: <{lines[0]}>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "never expires"], lines[1..]);
        Assert.Equal(HttpStatusCode.OK, (await OneClickAsync(app, new Uri(lines[0]).AbsolutePath)).StatusCode);
        Assert.Equal("withdrawn", (await StateAsync(service))["channel:email"].Choice);

        var unknown = await StewardCli.RunInProcessAsync(settings, null, "consent", "unsubscribe-link", "--email", Email, "--channel", "fax");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'fax' is not a marketing channel", Assert.Single(unknown.StderrLines), StringComparison.Ordinal);
        var unset = await StewardCli.RunAsync(app.Database, "", "consent", "preference-link", "--email", Email);
        Assert.Equal(2, unset.ExitCode);
        Assert.Contains("Web:PublicUrl is not set", Assert.Single(unset.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_public_address_no_link_is_issued()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.ExamplePath);
        var service = await app.ClientForRoleAsync(Roles.Service);
        var response = await service.PostAsJsonAsync("/api/v1/unsubscribe-links", new { identity = new { type = "email", value = Email }, channel = "email", jurisdiction = "eu-gdpr" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Web:PublicUrl", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("privacy.example.com", "is not an absolute https:// address")]
    [InlineData("http://privacy.example.com", "must be https://")]
    [InlineData("https://privacy.example.com/?a=b", "without user, query or fragment")]
    public async Task A_bad_public_address_is_refused_at_start_in_one_line_naming_the_setting(string value, string reason)
    {
        await using var db = await TestDatabase.CreateAsync();
        var settings = db.Settings();
        settings["Web:PublicUrl"] = value;
        var r = await StewardCli.RunInProcessAsync(settings, null, "serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.StderrLines);
        Assert.Contains("Web:PublicUrl", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_one_click_post_as_a_mail_program_sends_it_stops_the_channel_and_its_only_purpose_once()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        await RecordAsync(service, Email, ("channel:email", "granted"), ("channel:phone", "granted"),
            ("purpose:email-marketing", "granted"), ("purpose:phone-and-post-marketing", "granted"));
        var path = new Uri((await UnsubscribeLinkAsync(service)).Url).AbsolutePath;

        var response = await OneClickAsync(app, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        var state = await StateAsync(service);
        Assert.Equal(("withdrawn", "unsubscribe-link"), state["channel:email"]);
        Assert.Equal(("withdrawn", "unsubscribe-link"), state["purpose:email-marketing"]);
        // The person left email, not the phone: those choices stand.
        Assert.Equal(("granted", "api"), state["channel:phone"]);
        Assert.Equal(("granted", "api"), state["purpose:phone-and-post-marketing"]);

        // A replay (mail programs retry; people click twice) records nothing new.
        var events = await EventCountAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await OneClickAsync(app, path)).StatusCode);
        Assert.Equal(events, await EventCountAsync(app));

        // Someone who never granted email gets a refusal on record, so the suppression list holds them too.
        var stranger = new Uri((await UnsubscribeLinkAsync(service, "li.wei@example.org")).Url).AbsolutePath;
        Assert.Equal(HttpStatusCode.OK, (await OneClickAsync(app, stranger, userAgent: "Mailbot/" + new string('x', 3000))).StatusCode);
        Assert.Equal(("denied", "unsubscribe-link"), Assert.Single(await StateAsync(service, "li.wei@example.org")).Value);

        // A post without the one-click body records nothing.
        var other = new Uri((await UnsubscribeLinkAsync(service, "ann.lee@example.org")).Url).AbsolutePath;
        var bare = await new HttpClient { BaseAddress = app.BaseAddress }.PostAsync(other, new StringContent("", Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.PostAsJsonAsync("/api/v1/consents/query", new { identity = new { type = "email", value = "ann.lee@example.org" } })).StatusCode);
    }

    [Fact]
    public async Task One_click_posts_sent_at_the_same_instant_record_the_withdrawal_once()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        await RecordAsync(service, Email, ("channel:email", "granted"), ("purpose:email-marketing", "granted"));
        var path = new Uri((await UnsubscribeLinkAsync(service)).Url).AbsolutePath;
        var before = await EventCountAsync(app);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => OneClickAsync(app, path)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // The channel and its only purpose, each withdrawn once, however many posts raced.
        Assert.Equal(before + 2, await EventCountAsync(app));
        Assert.Equal(("withdrawn", "unsubscribe-link"), (await StateAsync(service))["channel:email"]);
    }

    [Fact]
    public async Task Opening_the_link_asks_first_in_the_browsers_language_and_changes_nothing()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        await RecordAsync(service, Email, ("channel:email", "granted"));
        var path = new Uri((await UnsubscribeLinkAsync(service)).Url).AbsolutePath;
        var events = await EventCountAsync(app);

        var browser = app.Client();
        browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN,zh;q=0.9,en;q=0.5");
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.Contains("<h1>退订</h1>", html, StringComparison.Ordinal);
        Assert.Contains("电子邮件", html, StringComparison.Ordinal);
        Assert.Contains("name=\"List-Unsubscribe\" value=\"One-Click\"", html, StringComparison.Ordinal);
        Assert.Equal(events, await EventCountAsync(app));
        Assert.Equal("granted", (await StateAsync(service))["channel:email"].Choice);

        var english = await app.Client().GetStringAsync(path);
        Assert.Contains("<h1>Unsubscribe</h1>", english, StringComparison.Ordinal);

        // The button posts the form the page holds, as a mail program would, and the page confirms it.
        var action = Regex.Match(html, "<form method=\"post\" action=\"([^\"]+)\"").Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);
        var done = await browser.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("您已退订", await done.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("withdrawn", (await StateAsync(service))["channel:email"].Choice);
    }

    [Fact]
    public async Task Forged_tampered_expired_and_misused_tokens_are_refused_and_record_nothing()
    {
        var (app, service) = await StartAsync(s => s["Marketing:UnsubscribeLinkLifetime"] = "30.00:00:00");
        await using var _ = app;
        var link = await UnsubscribeLinkAsync(service);
        Assert.Equal(app.Time.GetUtcNow().AddDays(30).ToUnixTimeSeconds(), link.ExpiresAt!.Value.ToUnixTimeSeconds());
        var token = TokenOf(link.Url);
        var bytes = Base64Url.DecodeFromChars(token);

        var tampered = (byte[])bytes.Clone();
        tampered[^5] ^= 0x01;
        var otherVersion = (byte[])bytes.Clone();
        otherVersion[4] = 9; // names key version 9, which was never made
        var olderVersion = (byte[])bytes.Clone();
        olderVersion[4] = 0;
        var bad = new[]
        {
            Base64Url.EncodeToString(tampered),
            Base64Url.EncodeToString(otherVersion),
            Base64Url.EncodeToString(olderVersion),
            Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes.Length)),
            token[..^3],
            "not-a-token!",
            TokenOf(await PreferenceLinkAsync(service)), // a preference link is no unsubscribe link
        };
        foreach (var forged in bad)
        {
            var post = await OneClickAsync(app, "/u/" + Uri.EscapeDataString(forged));
            Assert.True(post.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{forged}: {post.StatusCode}");
            Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
            var get = await app.Client().GetAsync("/u/" + Uri.EscapeDataString(forged));
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Contains("This link does not work", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Rotating the key leaves links already sent working; the time limit ends them.
        await app.Services<KeyRing>().RotateAsync(MarketingLinks.KeyPurpose, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync(new Uri(link.Url).AbsolutePath)).StatusCode);
        app.Time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.NotFound, (await OneClickAsync(app, new Uri(link.Url).AbsolutePath)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync(new Uri(link.Url).AbsolutePath)).StatusCode);
        Assert.Equal(0, await EventCountAsync(app));
    }

    [Fact]
    public async Task The_suppression_list_streams_the_hashes_of_normalised_addresses_whose_choice_stops_the_channel()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        await RecordAsync(service, Email, ("channel:email", "granted"));
        await RecordAsync(service, "  ZHANG.san@Example.org ", ("channel:email", "denied"));
        await RecordAsync(service, "still.subscribed@example.org", ("channel:email", "granted"));
        await RecordAsync(service, "phone.only@example.org", ("channel:phone", "denied"));
        Assert.Equal(HttpStatusCode.OK, (await OneClickAsync(app, new Uri((await UnsubscribeLinkAsync(service)).Url).AbsolutePath)).StatusCode);

        var response = await service.GetAsync("/api/v1/suppression?channel=email", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentLength); // streamed, not buffered
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        static string Sha(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
        Assert.Equal(new[] { Sha(NormalisedEmail), Sha("zhang.san@example.org") }.Order(), lines.Order());

        Assert.Single((await service.GetStringAsync("/api/v1/suppression?channel=phone")).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var unknown = await service.GetAsync("/api/v1/suppression?channel=fax");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'fax' is not a marketing channel", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var db = await app.DbAsync();
        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "consent.suppression-listed").ToListAsync();
        Assert.Contains(audit, a => a.Target == "channel:email" && a.Details.Contains("\"hashes\":2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_preference_centre_shows_the_policy_in_the_persons_language_and_records_changes_as_preference_centre()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        await RecordAsync(service, Email, ("channel:email", "granted"), ("purpose:email-marketing", "granted"));
        var path = await PreferenceLinkAsync(service, language: "zh-CN");

        var browser = app.Client();
        var html = await browser.GetStringAsync(path);
        Assert.Contains("<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.Contains("电子邮件", html, StringComparison.Ordinal);
        Assert.Contains("营销电话和邮寄资料", html, StringComparison.Ordinal);
        Assert.Contains("撤回同意不影响撤回前", html, StringComparison.Ordinal);
        Assert.Contains("name=\"channel:email\" value=\"yes\" checked", html, StringComparison.Ordinal);
        // The purposes whose consent is collected here, and no others: cookie-banner purposes are a browser's choice,
        // consents asked in a form or an app setting are withdrawn there, and a purpose on another basis is no one's choice.
        Assert.Equal(["channel:email", "channel:phone", "channel:post", "purpose:email-marketing", "purpose:phone-and-post-marketing", "purpose:hashed-email-advertising"],
            RadioNames().Matches(html).Select(m => m.Groups[1].Value).Distinct());
        // Where the law makes market research a matter of consent (PIPL), it is offered too.
        var inChina = await app.Client().GetStringAsync(await PreferenceLinkAsync(service, jurisdiction: "cn-pipl"));
        Assert.Contains("name=\"purpose:marketing-intelligence\"", inChina, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"purpose:video-surveillance\"", inChina, StringComparison.Ordinal);
        Assert.DoesNotContain(NormalisedEmail, html, StringComparison.OrdinalIgnoreCase);

        var form = new Dictionary<string, string>
        {
            ["__af"] = StewardTestApp.AntiforgeryField().Match(html).Groups[1].Value,
            ["policyVersion"] = "1",
            ["channel:email"] = "no",
            ["channel:post"] = "yes",
            ["purpose:email-marketing"] = "yes",
        };
        var saved = await browser.PostAsync(path, new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("您的选择已保存", await saved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var state = await StateAsync(service);
        Assert.Equal(("withdrawn", "preference-centre"), state["channel:email"]);
        Assert.Equal(("granted", "preference-centre"), state["channel:post"]);
        Assert.Equal(("granted", "api"), state["purpose:email-marketing"]); // unchanged: recorded once
        Assert.False(state.ContainsKey("channel:phone")); // left unanswered

        // The same form again changes nothing; a form without its antiforgery token records nothing.
        var events = await EventCountAsync(app);
        Assert.Contains("未作任何更改", await (await browser.PostAsync(path, new FormUrlEncodedContent(form))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        form.Remove("__af");
        form["channel:phone"] = "yes";
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client().PostAsync(path, new FormUrlEncodedContent(form))).StatusCode);
        Assert.Equal(events, await EventCountAsync(app));

        // A preference link does not open the unsubscribe route, and an unsubscribe link does not open the preference centre.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/u/" + TokenOf(path))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/p/" + TokenOf((await UnsubscribeLinkAsync(service)).Url))).StatusCode);
    }

    [Fact]
    public async Task A_token_appears_in_no_log_line_and_no_trace()
    {
        var spans = new List<Activity>();
        await using var app = await StewardTestApp.StartAsync(null, s =>
            {
                s["Web:PublicUrl"] = Site;
                s["Telemetry:OtlpEndpoint"] = "http://127.0.0.1:9"; // nothing listens; spans are kept in memory
            },
            services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)), null);
        await app.PublishAsync(PolicyFixture.ExamplePath);
        var service = await app.ClientForRoleAsync(Roles.Service);
        var unsubscribe = new Uri((await UnsubscribeLinkAsync(service)).Url).AbsolutePath;
        var preferences = await PreferenceLinkAsync(service);
        await app.Client().GetAsync(unsubscribe);
        await OneClickAsync(app, unsubscribe);
        await OneClickAsync(app, unsubscribe[..^4] + "AAAA");
        await app.Client().GetAsync(preferences);
        await app.Client().PostAsync(preferences, new FormUrlEncodedContent(new Dictionary<string, string> { ["channel:email"] = "yes" }));
        await app.DisposeAsync(); // flushes the spans

        var tokens = new[] { TokenOf(unsubscribe), TokenOf(preferences) };
        Assert.NotEmpty(app.Logs.Lines);
        foreach (var token in tokens)
        {
            var part = token[8..40]; // any long piece of it
            Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(part, StringComparison.Ordinal));
            foreach (var span in spans)
            {
                Assert.DoesNotContain(part, span.DisplayName, StringComparison.Ordinal);
                Assert.All(span.Tags, t => Assert.DoesNotContain(part, t.Value ?? "", StringComparison.Ordinal));
            }
        }
        Assert.Contains(spans, s => s.GetTagItem("url.path") as string == "/u/{token}");
    }

    [GeneratedRegex("type=\"radio\" name=\"([^\"]+)\"")]
    private static partial Regex RadioNames();
}
