using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using Steward.Consent;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Browser;

/// <summary>
/// The cookie banner in Chromium, embedded by a site on another origin: what a visitor sees and what Steward records.
/// The events are read back through the consent API, as an integrator would.
/// </summary>
public sealed class BannerBrowserTests
{
    private const string Banner = "#steward-banner";

    /// <summary>Chromium, Steward with the example policy, and a shop on another origin that embeds the banner.</summary>
    private sealed class Scene : IAsyncDisposable
    {
        public required BrowserSession Browser { get; init; }
        public required StewardTestApp App { get; init; }
        public required EmbeddingSite Site { get; init; }
        public required HttpClient Api { get; init; }
        /// <summary>What the visited pages asked Steward for, method and path (and a POST's content type).</summary>
        public List<string> StewardRequests { get; } = [];

        public static async Task<Scene> StartAsync(string jurisdiction = "eu-gdpr", Action<Dictionary<string, string?>>? settings = null)
        {
            var browser = await BrowserSession.StartAsync();
            var site = await EmbeddingSite.StartAsync();
            var app = await StewardTestApp.StartAsync(s =>
            {
                s["Consent:AllowedOrigins:0"] = site.Origin.GetLeftPart(UriPartial.Authority);
                settings?.Invoke(s);
            });
            await app.PublishAsync(PolicyFixture.ExamplePath);
            site.Html = EmbeddingSite.ShopPage(app.BaseAddress, jurisdiction);
            return new Scene { Browser = browser, App = app, Site = site, Api = await app.ClientForRoleAsync(Roles.Service) };
        }

        public async Task<(IBrowserContext Context, IPage Page)> VisitAsync(BrowserNewContextOptions? options = null)
        {
            var context = await Browser.Browser.NewContextAsync(options ?? new() { Locale = "en-GB" });
            context.Request += (_, r) =>
            {
                if (new Uri(r.Url) is var url && url.Authority == App.BaseAddress.Authority) lock (StewardRequests)
                        StewardRequests.Add(r.Method == "POST" ? $"POST {url.PathAndQuery} {r.Headers.GetValueOrDefault("content-type")}" : $"{r.Method} {url.PathAndQuery}");
            };
            var page = await context.NewPageAsync();
            await page.GotoAsync(Site.Origin.ToString());
            return (context, page);
        }

        /// <summary>The visitor's current state per key, as the consent API reports it for the consent id in their cookie.</summary>
        public async Task<ConsentEndpoints.ConsentStateResponse> RecordedAsync(IBrowserContext context)
        {
            var response = await Api.PostAsJsonAsync("/api/v1/consents/query", new { identity = new { type = "cookie_id", value = (await CookieAsync(context)).Id } });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await StewardTestApp.ReadJsonAsync<ConsentEndpoints.ConsentStateResponse>(response);
        }

        public async ValueTask DisposeAsync()
        {
            await Browser.DisposeAsync();
            await App.DisposeAsync();
            await Site.DisposeAsync();
        }
    }

    private sealed record CookiePayload(string Id, Dictionary<string, int> C);

    private static async Task<BrowserContextCookiesResult> RawCookieAsync(IBrowserContext context) =>
        Assert.Single(await context.CookiesAsync(), c => c.Name == "steward_consent");

    private static async Task<CookiePayload> CookieAsync(IBrowserContext context) =>
        JsonSerializer.Deserialize<CookiePayload>(WebEncoders.Base64UrlDecode((await RawCookieAsync(context)).Value.Split('.')[0]), JsonSerializerOptions.Web)!;

    private static Task<bool> RanAsync(IPage page, string flag) => page.EvaluateAsync<bool>($"() => !!window.{flag}");

    private static async Task<(int Cookies, int Stored)> StoredAsync(IBrowserContext context, IPage page) =>
        ((await context.CookiesAsync()).Count, await page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));

    private static string[] State(ConsentEndpoints.ConsentStateResponse state) => [.. state.State.Select(e => $"{e.Key} {e.Choice} {e.Method}")];

    [Fact]
    public async Task First_visit_shows_the_banner_with_nothing_stored_and_reject_all_records_denials_and_keeps_tagged_scripts_inert()
    {
        await using var scene = await Scene.StartAsync();
        var (context, page) = await scene.VisitAsync();
        var banner = page.Locator(Banner);
        await banner.WaitForAsync();
        // One request before the banner shows: the script holds its stylesheet and configuration.
        Assert.Equal(["GET /consent.js?jurisdiction=eu-gdpr"], scene.StewardRequests);

        Assert.Equal((0, 0), await StoredAsync(context, page));
        Assert.False(await RanAsync(page, "analyticsRan"));
        Assert.True(await RanAsync(page, "pageScriptRan"));
        Assert.True(await page.EvaluateAsync<bool>($"() => !!document.activeElement.closest('{Banner}')"), "focus moves into the banner");
        Assert.Equal("fixed", await banner.EvaluateAsync<string>("e => getComputedStyle(e).position"));
        Assert.Equal(0, await page.EvaluateAsync<double>("""
            () => new Promise(done => { let shift = 0;
              new PerformanceObserver(l => { for (const e of l.getEntries()) shift += e.value; }).observe({ type: 'layout-shift', buffered: true });
              setTimeout(() => done(shift), 200); })
            """)); // the banner overlays the page: nothing moves
        // Accept, reject and settings look the same: none is pushed over the others.
        var looks = await page.EvaluateAsync<string[]>($"() => [...document.querySelectorAll('{Banner} .stw-b button')].map(b => {{ const s = getComputedStyle(b); return [s.backgroundColor, s.color, s.fontSize, s.fontWeight, b.offsetHeight].join(); }})");
        Assert.Equal(3, looks.Length);
        Assert.Single(looks.Distinct());
        Assert.Equal(new Uri(scene.App.BaseAddress, "/privacy?lang=en&jurisdiction=eu-gdpr").ToString(), await banner.Locator("a").GetAttributeAsync("href"));
        // The notice link opens Steward's notice, which answers.
        Assert.Equal(HttpStatusCode.OK, (await scene.App.Client().GetAsync("/privacy?lang=en&jurisdiction=eu-gdpr")).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "Reject all" }).ClickAsync();
        await banner.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Equal(["cookie:advertising denied banner", "cookie:analytics denied banner", "cookie:functional denied banner"], State(await scene.RecordedAsync(context)).Order());
        var recorded = (await scene.RecordedAsync(context)).History[0];
        Assert.Equal(("en", "eu-gdpr", 1, "127.0.0.0"), (recorded.Language, recorded.Jurisdiction, recorded.PolicyVersion, recorded.Ip));
        var config = await scene.App.Client().GetFromJsonAsync<JsonElement>("/consent/config?lang=en&jurisdiction=eu-gdpr");
        Assert.Equal(config.GetProperty("textHash").GetString(), recorded.TextHash);
        Assert.Contains("Chrome", recorded.UserAgent, StringComparison.Ordinal);
        var cookie = await RawCookieAsync(context);
        var browserNow = await page.EvaluateAsync<double>("() => Date.now() / 1000");
        Assert.InRange((double)cookie.Expires - browserNow, 360 * 86400, 366 * 86400); // cookies.max_lifetime P12M

        lock (scene.StewardRequests) scene.StewardRequests.Clear();
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => window.stewardConsent.get"); // the script has read its configuration and the cookie
        Assert.Equal(0, await page.Locator(Banner).CountAsync());
        // The returning visitor's cookie is checked in one simple request (text/plain needs no CORS preflight).
        Assert.Equal(["GET /consent.js?jurisdiction=eu-gdpr", "POST /consent/state text/plain;charset=UTF-8"], scene.StewardRequests);
        Assert.False(await RanAsync(page, "analyticsRan"));
        Assert.False(await RanAsync(page, "advertisingRan"));
    }

    [Fact]
    public async Task Accept_all_runs_the_tagged_scripts_and_updates_consent_mode_from_the_policy()
    {
        await using var scene = await Scene.StartAsync();
        var (context, page) = await scene.VisitAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept all" }).ClickAsync();
        await page.WaitForFunctionAsync("() => window.advertisingRan && window.analyticsRan");
        Assert.Equal(["cookie:advertising granted banner", "cookie:analytics granted banner", "cookie:functional granted banner"], State(await scene.RecordedAsync(context)).Order());

        var consent = JsonSerializer.Deserialize<JsonElement[]>(await page.EvaluateAsync<string>(
            "() => JSON.stringify(dataLayer.filter(e => e[0] === 'consent').map(e => ({ kind: e[1], signals: e[2] })))"))!;
        Assert.Equal("default", consent[0].GetProperty("kind").GetString());
        Assert.Equal("denied", consent[0].GetProperty("signals").GetProperty("analytics_storage").GetString());
        var last = consent[^1].GetProperty("signals");
        Assert.Equal("update", consent[^1].GetProperty("kind").GetString());
        Assert.Equal("granted", last.GetProperty("analytics_storage").GetString());
        Assert.Equal("granted", last.GetProperty("ad_user_data").GetString());
        Assert.Equal("granted", last.GetProperty("security_storage").GetString()); // strictly necessary: always on

        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => window.analyticsRan === 1");
        Assert.Equal(0, await page.Locator(Banner).CountAsync());
    }

    [Fact]
    public async Task The_footer_link_reopens_the_settings_and_a_changed_choice_is_recorded_and_applied()
    {
        await using var scene = await Scene.StartAsync();
        var (context, page) = await scene.VisitAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Reject all" }).ClickAsync();
        await page.Locator(Banner).WaitForAsync(new() { State = WaitForSelectorState.Detached });

        await page.GetByText("Cookie preferences").ClickAsync();
        Assert.Equal(scene.Site.Origin.ToString(), page.Url); // the link opens the settings instead of navigating
        var settings = page.Locator(Banner);
        Assert.True(await settings.GetByRole(AriaRole.Checkbox, new() { Name = "Strictly necessary" }).IsDisabledAsync());
        Assert.True(await settings.GetByRole(AriaRole.Checkbox, new() { Name = "Strictly necessary" }).IsCheckedAsync());
        Assert.False(await settings.GetByRole(AriaRole.Checkbox, new() { Name = "Analytics" }).IsCheckedAsync());
        await settings.GetByRole(AriaRole.Checkbox, new() { Name = "Analytics" }).CheckAsync();
        await settings.GetByRole(AriaRole.Button, new() { Name = "Save my choices" }).ClickAsync();
        await page.WaitForFunctionAsync("() => window.analyticsRan === 1");
        Assert.False(await RanAsync(page, "advertisingRan"));
        Assert.Contains("cookie:analytics granted banner", State(await scene.RecordedAsync(context)));
        Assert.Equal(1, (await CookieAsync(context)).C["analytics"]);
    }

    [Fact]
    public async Task Keyboard_alone_opens_the_settings_chooses_and_saves()
    {
        await using var scene = await Scene.StartAsync();
        var (context, page) = await scene.VisitAsync();
        await page.Locator(Banner).WaitForAsync();
        await page.Keyboard.PressAsync("Tab"); // from the banner's heading to the notice link, then to the first button
        Assert.Equal("Privacy notice", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Accept all", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Settings", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("true", await page.Locator("#stw-s").GetAttributeAsync("aria-expanded"));
        Assert.Equal("functional", await page.EvaluateAsync<string>("() => document.activeElement.value")); // focus on the first switch
        await page.Keyboard.PressAsync("Space");
        while (await page.EvaluateAsync<string>("() => document.activeElement.textContent") != "Save my choices") await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator(Banner).WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Equal(["cookie:advertising denied banner", "cookie:analytics denied banner", "cookie:functional granted banner"], State(await scene.RecordedAsync(context)).Order());
    }

    [Fact]
    public async Task Global_privacy_control_is_recorded_and_honoured_where_the_rule_pack_makes_it_binding()
    {
        await using var scene = await Scene.StartAsync(jurisdiction: "us-ca");
        var context = await scene.Browser.Browser.NewContextAsync(new() { Locale = "en-US", ExtraHTTPHeaders = new Dictionary<string, string> { ["Sec-GPC"] = "1" } });
        await context.AddInitScriptAsync("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })");
        var page = await context.NewPageAsync();
        await page.GotoAsync(scene.Site.Origin.ToString());
        var banner = page.Locator(Banner);
        await banner.WaitForAsync();
        Assert.Contains("Global Privacy Control", await banner.InnerTextAsync(), StringComparison.Ordinal);
        // What the California opt-out reaches in the example: the advertising cookies and the consent purposes that use data for targeted advertising.
        var signalled = State(await scene.RecordedAsync(context));
        Assert.Contains("cookie:advertising denied gpc", signalled);
        Assert.Contains("purpose:targeted-advertising denied gpc", signalled);
        Assert.All(signalled, e => Assert.EndsWith(" denied gpc", e, StringComparison.Ordinal));
        Assert.DoesNotContain("cookie:analytics denied gpc", signalled);

        await page.GetByRole(AriaRole.Button, new() { Name = "Settings" }).ClickAsync();
        Assert.True(await banner.GetByRole(AriaRole.Checkbox, new() { Name = "Advertising" }).IsDisabledAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept all" }).First.ClickAsync();
        await page.WaitForFunctionAsync("() => window.analyticsRan");
        Assert.False(await RanAsync(page, "advertisingRan"));
        var state = State(await scene.RecordedAsync(context));
        Assert.Contains("cookie:advertising denied gpc", state);
        Assert.Contains("cookie:analytics granted banner", state);

        // Recorded once: the next page does not record the signal again.
        var events = (await scene.RecordedAsync(context)).History.Count;
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => window.analyticsRan");
        Assert.Equal(events, (await scene.RecordedAsync(context)).History.Count);
        Assert.False(await RanAsync(page, "advertisingRan"));
    }

    [Fact]
    public async Task The_banner_speaks_chinese_when_the_browser_asks_for_it()
    {
        await using var scene = await Scene.StartAsync();
        var (_, page) = await scene.VisitAsync(new() { Locale = "zh-CN" });
        var banner = page.Locator(Banner);
        await banner.WaitForAsync();
        Assert.Equal("zh-CN", await banner.GetAttributeAsync("lang"));
        Assert.Equal("本网站的 Cookie", await banner.Locator("h2").InnerTextAsync());
        Assert.Equal(["全部同意", "全部拒绝", "设置"], await banner.Locator(".stw-b button").AllInnerTextsAsync());
        // Chinese sets no space between a full stop and the next words (the notice link).
        Assert.Matches("。隐私声明$", await banner.Locator("#stw-d").InnerTextAsync());
    }

    [Fact]
    public async Task A_tag_that_names_its_jurisdiction_only_in_an_attribute_fetches_the_configuration_and_records_under_that_law()
    {
        await using var scene = await Scene.StartAsync(settings: s => s["Consent:DefaultJurisdiction"] = "eu-gdpr");
        scene.Site.Html = EmbeddingSite.ShopPage(scene.App.BaseAddress,
            scriptTag: $"<script src=\"{new Uri(scene.App.BaseAddress, "/consent.js")}\" async data-jurisdiction=\"us-ca\"></script>");
        var (context, page) = await scene.VisitAsync(new() { Locale = "zh-CN" });
        var banner = page.Locator(Banner);
        await banner.WaitForAsync();
        // The script came with the default law's configuration; the tag asks for California's, so it is fetched.
        Assert.Equal(["GET /consent.js", "GET /consent/config?lang=zh-CN&jurisdiction=us-ca"], scene.StewardRequests);
        Assert.Equal("全部拒绝", await banner.Locator(".stw-b button").Nth(1).InnerTextAsync());
        await banner.Locator(".stw-b button").Nth(1).ClickAsync();
        await banner.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        var recorded = (await scene.RecordedAsync(context)).History[0];
        Assert.Equal(("zh-CN", "us-ca"), (recorded.Language, recorded.Jurisdiction));
        var config = await scene.App.Client().GetFromJsonAsync<JsonElement>("/consent/config?lang=zh-CN&jurisdiction=us-ca");
        Assert.Equal(config.GetProperty("textHash").GetString(), recorded.TextHash);
    }

    [Fact]
    public async Task The_banner_is_styled_on_a_site_whose_content_security_policy_allows_no_inline_style()
    {
        await using var scene = await Scene.StartAsync();
        var steward = scene.App.BaseAddress.GetLeftPart(UriPartial.Authority);
        // The site allows Steward's script and calls, and its own inline scripts; no style from anywhere but itself.
        scene.Site.Html = EmbeddingSite.ShopPage(scene.App.BaseAddress, head:
            $"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' 'unsafe-inline' {steward}; connect-src {steward}; style-src 'self'\">");
        var (_, page) = await scene.VisitAsync();
        var banner = page.Locator(Banner);
        await banner.WaitForAsync();
        Assert.Equal("fixed", await banner.EvaluateAsync<string>("e => getComputedStyle(e).position"));
        Assert.Equal(["GET /consent.js?jurisdiction=eu-gdpr"], scene.StewardRequests);
    }

    [Fact]
    public async Task A_tampered_cookie_counts_as_no_choice_and_the_banner_asks_again()
    {
        await using var scene = await Scene.StartAsync();
        var (context, page) = await scene.VisitAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Reject all" }).ClickAsync();
        await page.Locator(Banner).WaitForAsync(new() { State = WaitForSelectorState.Detached });

        // The visitor grants themselves analytics by editing the cookie.
        var cookie = await RawCookieAsync(context);
        var parts = cookie.Value.Split('.');
        var json = System.Text.Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(parts[0])).Replace("\"analytics\":0", "\"analytics\":1", StringComparison.Ordinal);
        var forged = WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(json));
        Assert.NotEqual(parts[0], forged);
        await context.AddCookiesAsync([new() { Name = cookie.Name, Value = $"{forged}.{parts[1]}.{parts[2]}", Domain = cookie.Domain, Path = cookie.Path }]);
        await page.ReloadAsync();
        await page.Locator(Banner).WaitForAsync();
        Assert.False(await RanAsync(page, "analyticsRan"));
    }

    [Fact]
    public async Task When_steward_is_down_the_page_still_loads_and_the_tagged_scripts_stay_inert()
    {
        await using var scene = await Scene.StartAsync();
        var down = scene.App.BaseAddress;
        await scene.App.App.StopAsync();
        scene.Site.Html = EmbeddingSite.ShopPage(down);
        var (context, page) = await scene.VisitAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal("Welcome to our shop", await page.Locator("h1").InnerTextAsync());
        Assert.True(await RanAsync(page, "pageScriptRan"));
        await page.WaitForTimeoutAsync(500);
        Assert.Equal(0, await page.Locator(Banner).CountAsync());
        Assert.False(await RanAsync(page, "analyticsRan"));
        Assert.Equal((0, 0), await StoredAsync(context, page));
    }

    [Fact]
    public async Task The_banner_and_its_settings_have_no_accessibility_violations()
    {
        await using var scene = await Scene.StartAsync();
        foreach (var locale in new[] { "en-GB", "zh-CN" })
        {
            var (_, page) = await scene.VisitAsync(new() { Locale = locale, BypassCSP = true });
            await page.Locator(Banner).WaitForAsync();
            var first = await BrowserSession.AccessibilityViolationsAsync(page);
            Assert.True(first.Count == 0, string.Join('\n', first));
            await page.Locator("#stw-s").ClickAsync();
            var second = await BrowserSession.AccessibilityViolationsAsync(page);
            Assert.True(second.Count == 0, string.Join('\n', second));
        }
    }

    [Theory]
    [InlineData("en", "Save my choices")]
    [InlineData("zh-CN", "保存我的选择")]
    public async Task The_preference_centre_shows_and_saves_this_browsers_choices(string lang, string save)
    {
        await using var scene = await Scene.StartAsync(settings: s => s["Consent:DefaultJurisdiction"] = "eu-gdpr");
        var context = await scene.Browser.Browser.NewContextAsync(new() { BypassCSP = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(scene.App.BaseAddress, $"/privacy/preferences?lang={lang}").ToString());
        var centre = page.Locator("#steward-preferences fieldset");
        await centre.WaitForAsync();
        Assert.Equal(0, await page.Locator(Banner).CountAsync()); // the page is the settings: no banner over it
        var violations = await BrowserSession.AccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, string.Join('\n', violations));

        await page.Locator("#stw-c-analytics").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = save }).ClickAsync();
        await page.Locator("#steward-preferences [role=status]").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex(".+") }).WaitForAsync();
        var state = State(await scene.RecordedAsync(context));
        Assert.Contains("cookie:analytics granted preference-centre", state);
        Assert.Contains("cookie:advertising denied preference-centre", state);

        await page.ReloadAsync();
        await centre.WaitForAsync();
        Assert.True(await page.Locator("#stw-c-analytics").IsCheckedAsync()); // the current choice, read from the cookie
    }

    [Theory]
    [InlineData("/privacy/cookies?lang=en")]
    [InlineData("/privacy/cookies?lang=zh-CN")]
    public async Task The_cookie_list_has_no_accessibility_violations(string path)
    {
        await using var browser = await BrowserSession.StartAsync();
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.ExamplePath);
        var page = await browser.Browser.NewPageAsync(new() { BypassCSP = true });
        Assert.Equal(200, (await page.GotoAsync(new Uri(app.BaseAddress, path).ToString()))!.Status);
        var violations = await BrowserSession.AccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }
}
