using Steward.Tests.Browser;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Notices;

/// <summary>The layered notice in a real browser: details open on a click, the choice of jurisdiction works without script, print shows everything.</summary>
public sealed class NoticeBrowserTests
{
    [Fact]
    public async Task Details_open_on_a_click_the_jurisdiction_form_works_without_script_and_print_shows_every_layer()
    {
        await using var browser = await BrowserSession.StartAsync();
        await using var app = await StewardTestApp.StartAsync(s => s["Policy:PublishBundledExample"] = "true");
        var context = await browser.Browser.NewContextAsync(new() { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/privacy?lang=zh-CN").ToString());

        const string detail = "#purpose-account-management > p";
        Assert.False(await page.IsVisibleAsync(detail));
        await page.ClickAsync("#purpose-account-management > summary");
        Assert.True(await page.IsVisibleAsync(detail));

        await page.SelectOptionAsync("#jurisdiction", "cn-pipl");
        await page.ClickAsync("form.jurisdiction button");
        Assert.Contains("jurisdiction=cn-pipl", page.Url, StringComparison.Ordinal);
        Assert.Contains("本页仅显示适用于中国大陆的内容。", await page.InnerTextAsync("article"), StringComparison.Ordinal);

        await page.EmulateMediaAsync(new() { Media = Microsoft.Playwright.Media.Print });
        Assert.True(await page.IsVisibleAsync("#purpose-it-security > p"));
        Assert.False(await page.IsVisibleAsync("form.jurisdiction"));
    }
}
