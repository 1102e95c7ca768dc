using System.Net.Http.Json;
using Steward.Marketing;
using Steward.Security;
using Steward.Tests.Browser;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Marketing;

/// <summary>The unsubscribe, preference-centre and guardian pages in a real browser: accessible (axe-core, WCAG 2 AA) in both languages.</summary>
public sealed class MarketingPageAccessibilityTests
{
    [Theory]
    [InlineData("unsubscribe-links", "en")]
    [InlineData("unsubscribe-links", "zh-CN")]
    [InlineData("preference-links", "en")]
    [InlineData("preference-links", "zh-CN")]
    [InlineData("guardian-requests", "en")]
    [InlineData("guardian-requests", "zh-CN")]
    public async Task Link_pages_have_no_accessibility_violations(string endpoint, string language)
    {
        await using var browser = await BrowserSession.StartAsync();
        await using var app = await StewardTestApp.StartAsync(s => s["Web:PublicUrl"] = "https://privacy.example.test");
        await app.PublishAsync(PolicyFixture.ExamplePath);
        var service = await app.ClientForRoleAsync(Roles.Service);
        var issued = await service.PostAsJsonAsync($"/api/v1/{endpoint}",
            new
            {
                identity = new { type = "email", value = "mei.chen@example.com" }, channel = "email", jurisdiction = "cn-pipl", language,
                // Guardian requests: the child, the keys asked for, the guardian.
                child = new { type = "email", value = "mei.chen@example.com" }, keys = new[] { "purpose:email-marketing", "channel:email" },
                guardianEmail = "chen.parent@example.com",
            });
        var url = (await StewardTestApp.ReadJsonAsync<MarketingEndpoints.PreferenceLinkResponse>(issued)).Url;

        var page = await browser.Browser.NewPageAsync(new() { BypassCSP = true }); // lets the test inject axe-core past our own CSP
        var response = await page.GotoAsync(new Uri(app.BaseAddress, new Uri(url).AbsolutePath).ToString());
        Assert.Equal(200, response!.Status);
        var violations = await BrowserSession.AccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }
}
