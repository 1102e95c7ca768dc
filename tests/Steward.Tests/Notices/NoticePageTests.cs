using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Steward.Notices;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Notices;

public sealed partial class NoticePageTests
{
    private static readonly string[] ChineseParts = ["简介", "我们收集和使用的个人信息", "共享个人信息", "控制方和代表信息", "信息安全和保留时间", "您的权利", "法律依据", "隐私声明更新"];

    private static List<string> SectionHeadings(string html) =>
        SectionHeading().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    [Fact]
    public async Task The_notice_has_the_eight_parts_in_chinese_when_the_browser_asks_for_it()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.MinimalPath);
        var request = new HttpRequestMessage(HttpMethod.Get, "/privacy");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh-CN"));
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en", 0.5));
        var html = await (await app.Client().SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.Equal(ChineseParts, SectionHeadings(html));
        Assert.Contains("<main id=\"main\"", html, StringComparison.Ordinal);
        Assert.Contains("姓名和电子邮件地址", html, StringComparison.Ordinal);
        Assert.Contains("欧盟标准合同条款", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_english_notice_reads_as_sentences_grouped_by_activity()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.MinimalPath, effective: new DateOnly(2026, 2, 1));
        var html = await app.Client().GetStringAsync("/privacy?lang=en");
        Assert.Equal(["Introduction", "Personal information we collect and use", "Sharing personal information", "Controllers and representatives",
            "Information security and retention", "Your rights", "Legal bases", "Updates to this privacy notice"], SectionHeadings(html));
        Assert.Contains("This privacy notice is effective from 1 February 2026.", html, StringComparison.Ordinal);
        Assert.Contains("<h3 id=\"activity-accounts\">Your account</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>How long we keep it:</strong> 3 years, after the account is closed</p>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>How we ask for consent:</strong> a confirmation email (double opt-in)</p>", html, StringComparison.Ordinal);
        // Each place's data leaves under the safeguards its own law recognises.
        Assert.Contains("<strong>Safeguards:</strong> the European Union: EU standard contractual clauses; the United Kingdom: EU standard contractual clauses and the UK international data transfer agreement; mainland China: the PIPL standard contract</p>", html, StringComparison.Ordinal);
        Assert.Contains("You can check the status of your request for 90 days after it is completed.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("user.contact.email", html, StringComparison.Ordinal);
        // fideslang's title-case names read as plain words, in lower case inside a sentence.
        Assert.Contains("<strong>What we collect:</strong> name and user contact email</p>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>What they receive:</strong> name and user contact email</p>", html, StringComparison.Ordinal);
        foreach (var link in new[] { "/privacy/rights?lang=en", "/privacy/preferences?lang=en", "/privacy/cookies?lang=en", "/privacy/versions?lang=en" })
            Assert.Contains($"href=\"{link}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_policy_can_give_bundled_categories_its_own_wording()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.Write(PolicyFixture.Minimal + "data_categories:\n  user.contact.email: { name: { en: Email address, zh-CN: 邮箱地址 } }\n"));
        var en = await app.Client().GetStringAsync("/privacy?lang=en");
        Assert.Contains("<strong>What we collect:</strong> name and email address</p>", en, StringComparison.Ordinal);
        Assert.Contains("<strong>个人信息：</strong> 姓名和邮箱地址</p>", await app.Client().GetStringAsync("/privacy?lang=zh-CN"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_significant_change_shows_an_update_notice_for_thirty_days()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.MinimalPath, effective: new DateOnly(2026, 1, 1));
        var client = app.Client();
        Assert.DoesNotContain("class=\"banner\"", await client.GetStringAsync("/privacy?lang=en"), StringComparison.Ordinal);

        var today = DateOnly.FromDateTime(app.Time.GetUtcNow().UtcDateTime);
        await app.PublishAsync(PolicyFixture.Write(PolicyFixture.Minimal.Swap("      period: P3Y\n", "      period: P2Y\n")),
            significant: true, summary: "Account data is now kept for two years.", effective: today);
        var html = await client.GetStringAsync("/privacy?lang=en");
        Assert.Contains($"We updated this privacy notice on {Vocabulary.Date(today, "en")}.", html, StringComparison.Ordinal);
        Assert.Contains("Account data is now kept for two years.", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/privacy/versions/2?lang=en#changes\"", html, StringComparison.Ordinal);
        var changes = await client.GetStringAsync("/privacy/versions/2?lang=en");
        Assert.Contains("What changed since version 1", changes, StringComparison.Ordinal);
        Assert.Contains("retention changed from “3 years, after the account is closed” to “2 years, after the account is closed”", changes, StringComparison.Ordinal);
        Assert.Contains("我们已于", await client.GetStringAsync("/privacy?lang=zh-CN"), StringComparison.Ordinal);

        app.Time.Advance(TimeSpan.FromDays(29));
        Assert.Contains("class=\"banner\"", await client.GetStringAsync("/privacy?lang=en"), StringComparison.Ordinal);
        app.Time.Advance(TimeSpan.FromDays(1));
        Assert.DoesNotContain("class=\"banner\"", await client.GetStringAsync("/privacy?lang=en"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_minor_change_shows_no_update_notice()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.MinimalPath, significant: false);
        Assert.DoesNotContain("class=\"banner\"", await app.Client().GetStringAsync("/privacy?lang=en"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_takes_effect_on_its_date_and_previous_versions_stay_available()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.MinimalPath, effective: new DateOnly(2026, 1, 1));
        var today = DateOnly.FromDateTime(app.Time.GetUtcNow().UtcDateTime);
        await app.PublishAsync(PolicyFixture.Write(PolicyFixture.Minimal.Swap("      period: P3Y\n", "      period: P2Y\n")), effective: today.AddDays(10));
        var client = app.Client();
        Assert.Contains("This is version 1 of the notice", await client.GetStringAsync("/privacy?lang=en"), StringComparison.Ordinal);

        app.Time.Advance(TimeSpan.FromDays(10));
        Assert.Contains("This is version 2 of the notice", await client.GetStringAsync("/privacy?lang=en"), StringComparison.Ordinal);

        var list = await client.GetStringAsync("/privacy/versions?lang=en");
        Assert.Contains("href=\"/privacy/versions/1?lang=en\"", list, StringComparison.Ordinal);
        Assert.Contains("href=\"/privacy/versions/2?lang=en\"", list, StringComparison.Ordinal);
        var old = await client.GetStringAsync("/privacy/versions/1?lang=en");
        Assert.Contains("You are reading version 1", old, StringComparison.Ordinal);
        Assert.Contains("3 years", old, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/privacy/versions/42")).StatusCode);
    }

    [Fact]
    public async Task Without_a_published_policy_the_page_says_so()
    {
        await using var app = await StewardTestApp.StartAsync();
        var response = await app.Client().GetAsync("/privacy?lang=en");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("No privacy notice has been published yet.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex("<h2 id=\"h-[^\"]+\">([^<]+)</h2>")]
    private static partial Regex SectionHeading();
}
