using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Browser;

/// <summary>The public pages in a real browser: accessible (axe-core, WCAG 2 AA) and printable.</summary>
public sealed class PageAccessibilityTests
{
    [Theory]
    [InlineData("/privacy?lang=zh-CN")]
    [InlineData("/privacy?lang=en")]
    [InlineData("/privacy/versions?lang=zh-CN")]
    [InlineData("/privacy/versions/1?lang=en")]
    [InlineData("/account/sign-in?lang=zh-CN")]
    [InlineData("/account/sign-in?lang=en")]
    public async Task Pages_have_no_accessibility_violations(string path)
    {
        await using var browser = await BrowserSession.StartAsync();
        await using var app = await StewardTestApp.StartAsync(s => s["Policy:PublishBundledExample"] = "true");
        var page = await browser.Browser.NewPageAsync(new() { BypassCSP = true }); // lets the test inject axe-core past our own CSP
        var response = await page.GotoAsync(new Uri(app.BaseAddress, path).ToString());
        Assert.Equal(200, response!.Status);
        var violations = await BrowserSession.AccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public async Task The_notice_prints_without_navigation_and_renders_chinese()
    {
        await using var browser = await BrowserSession.StartAsync();
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.MinimalPath);
        var page = await browser.Browser.NewPageAsync(new() { BypassCSP = true }); // lets the test inject axe-core past our own CSP
        await page.GotoAsync(new Uri(app.BaseAddress, "/privacy?lang=zh-CN").ToString());

        Assert.Equal("block", await page.EvalOnSelectorAsync<string>("nav.toc", "e => getComputedStyle(e).display"));
        await page.EmulateMediaAsync(new() { Media = Microsoft.Playwright.Media.Print });
        Assert.Equal("none", await page.EvalOnSelectorAsync<string>("nav.toc", "e => getComputedStyle(e).display"));
        Assert.Equal("none", await page.EvalOnSelectorAsync<string>("footer nav", "e => getComputedStyle(e).display"));
        Assert.Equal("简介", await page.InnerTextAsync("#h-introduction"));

        // Chinese is drawn with real glyphs, not missing-glyph boxes: two different characters must look different.
        var distinct = await page.EvaluateAsync<bool>("""
            () => {
              const font = getComputedStyle(document.querySelector('#h-introduction')).font;
              const draw = t => { const c = document.createElement('canvas'); c.width = 64; c.height = 64;
                                  const g = c.getContext('2d'); g.font = font; g.fillText(t, 4, 48); return c.toDataURL(); };
              return draw('简') !== draw('繁');
            }
            """);
        Assert.True(distinct, "Chinese renders as missing-glyph boxes: install a CJK font (fonts-wqy-microhei)");

        var pdf = await page.PdfAsync(new() { Format = "A4" });
        Assert.True(pdf.Length > 10_000);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
    }

    [Fact]
    public async Task The_styles_apply_under_the_content_security_policy()
    {
        await using var browser = await BrowserSession.StartAsync();
        await using var app = await StewardTestApp.StartAsync();
        var page = await browser.Browser.NewPageAsync();
        var refused = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) refused.Add(m.Text); };
        await page.GotoAsync(new Uri(app.BaseAddress, "/account/sign-in?lang=en").ToString());
        Assert.Equal("700", await page.EvalOnSelectorAsync<string>(".brand", "e => getComputedStyle(e).fontWeight"));
        Assert.Empty(refused);
    }
}
