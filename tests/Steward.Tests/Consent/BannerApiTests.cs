using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Consent;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Consent;

/// <summary>The banner's public endpoints with bad input: each refusal is a problem document and records nothing.</summary>
public sealed class BannerApiTests
{
    private const string Shop = "https://shop.example";
    private const string ConsentId = "0b8e2f3c-6c1e-4c59-9a55-2f0e43d1a7b4";

    private static async Task<(StewardTestApp App, HttpClient Client, string TextHash)> StartAsync(Action<Dictionary<string, string?>>? settings = null)
    {
        var app = await StewardTestApp.StartAsync(s =>
        {
            s["Consent:AllowedOrigins:0"] = Shop;
            settings?.Invoke(s);
        });
        await app.PublishAsync(PolicyFixture.ExamplePath);
        var client = app.Client();
        var config = await client.GetFromJsonAsync<JsonElement>("/consent/config?lang=en&jurisdiction=eu-gdpr");
        return (app, client, config.GetProperty("textHash").GetString()!);
    }

    private static Dictionary<string, object?> Body(string textHash, object? choices = null) => new()
    {
        ["consentId"] = ConsentId,
        ["method"] = "banner",
        ["policyVersion"] = 1,
        ["textHash"] = textHash,
        ["language"] = "en",
        ["jurisdiction"] = "eu-gdpr",
        ["choices"] = choices ?? new Dictionary<string, string> { ["functional"] = "granted", ["analytics"] = "denied", ["advertising"] = "denied" },
    };

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string origin = Shop)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Origin", origin);
        return client.SendAsync(request);
    }

    private static async Task<int> EventsAsync(StewardTestApp app)
    {
        await using var db = await app.DbAsync();
        return await db.Set<ConsentEvent>().CountAsync();
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string detail, StewardTestApp app)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await EventsAsync(app));
    }

    [Fact]
    public async Task Choices_are_recorded_once_each_and_the_signed_cookie_reads_back()
    {
        var (app, client, hash) = await StartAsync();
        await using var _ = app;
        var response = await PostAsync(client, "/consent/choices", Body(hash));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Shop, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, await EventsAsync(app));

        var state = await PostAsync(client, "/consent/state", new { cookie = created.GetProperty("cookie").GetString() });
        Assert.Equal(HttpStatusCode.OK, state.StatusCode);
        var read = await state.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ConsentId, read.GetProperty("consentId").GetString());
        Assert.Equal("granted", read.GetProperty("choices").GetProperty("functional").GetString());
        Assert.Equal("denied", read.GetProperty("choices").GetProperty("analytics").GetString());
    }

    [Fact]
    public async Task The_banner_posts_its_json_as_text_plain_so_browsers_send_no_preflight_and_other_types_are_a_415()
    {
        var (app, client, hash) = await StartAsync();
        await using var _ = app;
        Task<HttpResponseMessage> Send(string path, object body, string type)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, type) };
            request.Headers.Add("Origin", Shop);
            return client.SendAsync(request);
        }
        var created = await Send("/consent/choices", Body(hash), "text/plain");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var cookie = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cookie").GetString();
        Assert.Equal(HttpStatusCode.OK, (await Send("/consent/state", new { cookie }, "text/plain")).StatusCode);

        var refused = await Send("/consent/state", new { cookie }, "application/xml");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Contains("Content-Type", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var malformed = await Send("/consent/state", "{", "text/plain");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(3, await EventsAsync(app));
    }

    [Fact]
    public async Task An_unknown_or_missing_category_a_wrong_text_hash_or_a_bad_consent_id_records_nothing()
    {
        var (app, client, hash) = await StartAsync();
        await using var _ = app;
        await AssertRefusedAsync(await PostAsync(client, "/consent/choices", Body(hash, new Dictionary<string, string>
            { ["functional"] = "granted", ["analytics"] = "denied", ["advertising"] = "denied", ["tracking"] = "granted" })),
            HttpStatusCode.BadRequest, "'cookie:tracking' is not a cookie category of policy version 1", app);
        await AssertRefusedAsync(await PostAsync(client, "/consent/choices", Body(hash, new Dictionary<string, string> { ["analytics"] = "granted" })),
            HttpStatusCode.BadRequest, "missing: functional, advertising", app);
        await AssertRefusedAsync(await PostAsync(client, "/consent/choices", Body(hash, new Dictionary<string, string>
            { ["strictly-necessary"] = "denied", ["functional"] = "granted", ["analytics"] = "denied", ["advertising"] = "denied" })),
            HttpStatusCode.BadRequest, "used without consent", app);
        await AssertRefusedAsync(await PostAsync(client, "/consent/choices", Body(new string('0', 64))),
            HttpStatusCode.BadRequest, "is not the SHA-256 of the banner shown", app);
        var badId = Body(hash);
        badId["consentId"] = "mei.chen@example.com";
        var refused = await PostAsync(client, "/consent/choices", badId);
        await AssertRefusedAsync(refused, HttpStatusCode.BadRequest, "a UUID", app);
        Assert.DoesNotContain("mei.chen", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_before_it_is_read()
    {
        var (app, client, hash) = await StartAsync();
        await using var _ = app;
        var body = Body(hash);
        body["padding"] = new string('x', BannerEndpoints.MaxBodyBytes);
        var response = await PostAsync(client, "/consent/choices", body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await EventsAsync(app));
    }

    [Fact]
    public async Task A_foreign_origin_gets_no_cors_grant_and_its_choices_are_refused()
    {
        var (app, client, hash) = await StartAsync();
        await using var _ = app;
        foreach (var (origin, allowed) in new[] { (Shop, true), ("https://evil.example", false) })
        {
            var preflight = new HttpRequestMessage(HttpMethod.Options, "/consent/choices");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
            var answer = await client.SendAsync(preflight);
            Assert.Equal(allowed, answer.Headers.TryGetValues("Access-Control-Allow-Origin", out var granted) && granted.Single() == origin);
        }
        await AssertRefusedAsync(await PostAsync(client, "/consent/choices", Body(hash), "https://evil.example"), HttpStatusCode.Forbidden, "Consent:AllowedOrigins", app);
        // Steward's own pages (the preference centre) are always allowed.
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, "/consent/choices", Body(hash), app.BaseAddress.GetLeftPart(UriPartial.Authority))).StatusCode);
    }

    [Fact]
    public async Task A_tampered_or_malformed_cookie_is_refused_and_records_nothing()
    {
        var (app, client, hash) = await StartAsync();
        await using var _ = app;
        var signed = (await (await PostAsync(client, "/consent/choices", Body(hash))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cookie").GetString()!;
        var parts = signed.Split('.');
        var json = Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(parts[0])).Replace("\"analytics\":0", "\"analytics\":1", StringComparison.Ordinal);
        var tampered = $"{Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(json))}.{parts[1]}.{parts[2]}";
        var recorded = await EventsAsync(app);
        foreach (var bad in new[] { tampered, $"{parts[0]}.{parts[1]}.{parts[2][..^2]}AA", "not-a-cookie", $"{parts[0]}.9.{parts[2]}" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "/consent/state", new { cookie = bad })).StatusCode);
            var body = Body(hash);
            body["cookie"] = bad;
            var response = await PostAsync(client, "/consent/choices", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("changed after Steward signed it", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(recorded, await EventsAsync(app));
    }

    [Fact]
    public async Task Global_privacy_control_is_recorded_only_where_it_binds()
    {
        var (app, client, _) = await StartAsync();
        await using var __ = app;
        var california = (await client.GetFromJsonAsync<JsonElement>("/consent/config?lang=en&jurisdiction=us-ca")).GetProperty("textHash").GetString()!;
        var body = Body(california);
        body["jurisdiction"] = "us-ca";
        body["method"] = "gpc";
        body.Remove("choices");
        // Without the signal there is nothing to record.
        await AssertRefusedAsync(await PostAsync(client, "/consent/choices", body), HttpStatusCode.BadRequest, "No Global Privacy Control signal applies", app);
        var request = new HttpRequestMessage(HttpMethod.Post, "/consent/choices") { Content = JsonContent.Create(body) };
        request.Headers.Add("Sec-GPC", "1");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = await app.DbAsync();
        var events = await db.Set<ConsentEvent>().AsNoTracking().ToListAsync();
        Assert.Contains(events, e => e.Key == "cookie:advertising");
        Assert.All(events, e => Assert.Equal((ConsentChoice.Denied, ConsentMethod.Gpc), (e.Choice, e.Method)));

        // In the EU the rule pack does not make the signal binding: it is not recorded as an opt-out there.
        var eu = Body((await client.GetFromJsonAsync<JsonElement>("/consent/config?lang=en&jurisdiction=eu-gdpr")).GetProperty("textHash").GetString()!);
        eu["method"] = "gpc";
        eu.Remove("choices");
        eu["gpc"] = true;
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "/consent/choices", eu)).StatusCode);
    }

    [Fact]
    public async Task The_banners_endpoints_are_rate_limited_per_client()
    {
        var (app, client, hash) = await StartAsync(s => s["Consent:RequestsPerMinute"] = "3");
        await using var _ = app;
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) statuses.Add((await PostAsync(client, "/consent/state", new { cookie = "x" })).StatusCode);
        // The configuration fetch in StartAsync was the first of three.
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(0, await EventsAsync(app));
    }

    /// <summary>The script as a browser with <paramref name="language"/> gets it, unzipped, and the configuration inside it.</summary>
    private static async Task<(HttpResponseMessage Response, string Script, JsonElement? Config)> ScriptAsync(HttpClient client, string path,
        string language = "en-GB", string? gpc = null, System.Net.Http.Headers.EntityTagHeaderValue? known = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        request.Headers.AcceptLanguage.ParseAdd(language);
        if (gpc is not null) request.Headers.Add("Sec-GPC", gpc);
        if (known is not null) request.Headers.IfNoneMatch.Add(known);
        var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK) return (response, "", null);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        await using var unzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var script = await new StreamReader(unzip).ReadToEndAsync();
        // The script ends by calling itself with the configuration (or null) and the stylesheet.
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(script[(script.LastIndexOf("})(", StringComparison.Ordinal) + 3)..]));
        var config = JsonElement.ParseValue(ref reader);
        return (response, script, config.ValueKind == JsonValueKind.Null ? null : config);
    }

    [Fact]
    public async Task The_script_carries_the_configuration_and_stylesheet_is_small_revalidated_by_a_strong_etag_per_variant_and_gzipped()
    {
        var (app, client, hash) = await StartAsync();
        await using var _ = app;
        var (response, script, config) = await ScriptAsync(client, "/consent.js?jurisdiction=eu-gdpr");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // What /consent/config answers for the same question, so the banner needs no second request.
        Assert.Equal(hash, config!.Value.GetProperty("textHash").GetString());
        Assert.Equal(("en", "eu-gdpr"), (config.Value.GetProperty("language").GetString(), config.Value.GetProperty("jurisdiction").GetString()));
        Assert.Contains(".stw{position:fixed", script, StringComparison.Ordinal);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString()); // a new version shows on the next page
        Assert.Superset(new HashSet<string> { "Accept-Encoding", "Accept-Language", "Sec-GPC" }, response.Headers.Vary.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).ToHashSet());
        var etag = response.Headers.ETag!;
        Assert.False(etag.IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, (await ScriptAsync(client, "/consent.js?jurisdiction=eu-gdpr", known: etag)).Response.StatusCode);

        // Each variant its own tag: the browser's language, the signal, the jurisdiction in the URL.
        var chinese = await ScriptAsync(client, "/consent.js?jurisdiction=eu-gdpr", language: "zh-CN,zh;q=0.9", known: etag);
        Assert.Equal("本网站的 Cookie", chinese.Config!.Value.GetProperty("texts").GetProperty("title").GetString());
        var signalled = await ScriptAsync(client, "/consent.js?jurisdiction=us-ca&lang=en", gpc: "1", known: etag);
        Assert.True(signalled.Config!.Value.GetProperty("gpcSignal").GetBoolean());
        Assert.Equal("us-ca", signalled.Config.Value.GetProperty("jurisdiction").GetString());
        Assert.Equal(3, new[] { etag, chinese.Response.Headers.ETag!, signalled.Response.Headers.ETag! }.Distinct().Count());

        foreach (var (variant, bytes) in new[] { ("en", response), ("zh-CN", chinese.Response) }.Select(v => (v.Item1, v.Item2.Content.Headers.ContentLength)))
            Assert.True(bytes <= 8 * 1024, $"the banner in {variant} needs {bytes} bytes gzipped; the budget is 8 KiB");

        // An unknown jurisdiction: the script holds nothing and asks /consent/config, which names the problem.
        Assert.Null((await ScriptAsync(client, "/consent.js?jurisdiction=atlantis")).Config);
    }

    [Fact]
    public async Task With_nothing_published_the_script_still_loads_and_the_stylesheet_is_cached_an_hour()
    {
        await using var app = await StewardTestApp.StartAsync();
        var client = app.Client();
        var (response, script, config) = await ScriptAsync(client, "/consent.js");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(config);
        Assert.Contains("/consent/config?", script, StringComparison.Ordinal);

        // The stylesheet, for browsers without constructed stylesheets.
        var css = new HttpRequestMessage(HttpMethod.Get, "/consent.css");
        css.Headers.AcceptEncoding.ParseAdd("gzip");
        var styles = await client.SendAsync(css);
        Assert.Equal("gzip", styles.Content.Headers.ContentEncoding.Single());
        Assert.Contains("max-age=3600", styles.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.False(styles.Headers.ETag!.IsWeak);
        var again = new HttpRequestMessage(HttpMethod.Get, "/consent.css");
        again.Headers.IfNoneMatch.Add(styles.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task The_configuration_is_revalidated_by_its_etag_and_varies_by_origin_and_signal()
    {
        var (app, client, hash) = await StartAsync();
        await using var _ = app;
        var request = new HttpRequestMessage(HttpMethod.Get, "/consent/config?lang=zh-CN&jurisdiction=us-ca");
        request.Headers.Add("Origin", Shop);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Shop, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Superset(new HashSet<string> { "Origin", "Sec-GPC", "Accept-Language" }, response.Headers.Vary.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).ToHashSet());
        var config = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual(hash, config.GetProperty("textHash").GetString()); // another language and law, another text
        Assert.Equal("本网站的 Cookie", config.GetProperty("texts").GetProperty("title").GetString());

        var again = new HttpRequestMessage(HttpMethod.Get, "/consent/config?lang=zh-CN&jurisdiction=us-ca");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
        var withSignal = new HttpRequestMessage(HttpMethod.Get, "/consent/config?lang=zh-CN&jurisdiction=us-ca");
        withSignal.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        withSignal.Headers.Add("Sec-GPC", "1");
        var signalled = await client.SendAsync(withSignal);
        Assert.Equal(HttpStatusCode.OK, signalled.StatusCode);
        Assert.True((await signalled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("gpcSignal").GetBoolean());
    }

    [Fact]
    public async Task Gpc_json_says_since_when_the_signal_is_honoured()
    {
        var (app, client, _) = await StartAsync();
        await using var __ = app;
        var gpc = await client.GetFromJsonAsync<JsonElement>("/.well-known/gpc.json");
        Assert.True(gpc.GetProperty("gpc").GetBoolean()); // the example is in scope of California, where the signal binds
        var effective = (await app.Services<Steward.Policy.PolicyStore>().ListAsync(CancellationToken.None)).Single().EffectiveDate;
        Assert.Equal(effective.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), gpc.GetProperty("lastUpdate").GetString());
    }

    [Theory]
    [InlineData("en", "Cookies and similar technologies", "Privacy Preference Centre", "bw_ad")]
    [InlineData("zh-CN", "Cookie 和类似技术", "隐私偏好中心", "Bluewave Advertising")]
    public async Task The_notices_footer_links_reach_the_cookie_list_and_the_preference_centre(string lang, string cookiesTitle, string centreTitle, string item)
    {
        var (app, client, _) = await StartAsync();
        await using var __ = app;
        var notice = await client.GetStringAsync($"/privacy?lang={lang}");
        var cookies = $"/privacy/cookies?lang={lang}";
        var centre = $"/privacy/preferences?lang={lang}";
        Assert.Contains($"href=\"{cookies}\"", notice, StringComparison.Ordinal);
        Assert.Contains($"href=\"{centre}\"", notice, StringComparison.Ordinal);
        var list = await client.GetStringAsync(cookies);
        Assert.Contains($"<h1>{cookiesTitle}</h1>", list, StringComparison.Ordinal);
        Assert.Contains(item, list, StringComparison.Ordinal);
        var preferences = await client.GetStringAsync(centre);
        Assert.Contains($"<h1>{centreTitle}</h1>", preferences, StringComparison.Ordinal);
        Assert.Contains($"src=\"/consent.js?lang={lang}&amp;jurisdiction=", preferences, StringComparison.Ordinal); // its configuration comes inside
    }

    [Theory]
    [InlineData("Consent:AllowedOrigins:0", "https://shop.example/path", "is not an origin")]
    [InlineData("Consent:AllowedOrigins:0", "shop.example", "is not an origin")]
    [InlineData("Consent:DefaultJurisdiction", "eu-gdrp", "is not a jurisdiction key")]
    [InlineData("Consent:RequestsPerMinute", "0", "between 1 and")]
    public async Task Bad_settings_stop_the_start_with_their_key(string key, string value, string message)
    {
        await using var database = await TestDatabase.CreateAsync();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StewardTestApp.StartAsync(database, s => s[key] = value));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }
}
