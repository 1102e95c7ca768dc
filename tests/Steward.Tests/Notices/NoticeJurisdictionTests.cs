using System.Net;
using Steward.Notices;
using Steward.Policy;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Notices;

/// <summary>
/// A reader picks the law they live under (<c>?jurisdiction=cn-pipl</c>, or the form on the page) and sees only the
/// legal bases, rights, transfers and safeguards that apply to them; anything else shows the whole notice.
/// </summary>
public sealed class NoticeJurisdictionTests
{
    private static Task<StewardTestApp> StartWithExampleAsync() => StewardTestApp.StartAsync(s => s["Policy:PublishBundledExample"] = "true");

    [Fact]
    public async Task A_reader_who_picks_mainland_china_sees_only_what_applies_there()
    {
        await using var app = await StartWithExampleAsync();
        var client = app.Client();
        var all = await client.GetStringAsync("/privacy?lang=zh-CN");
        var china = await client.GetStringAsync("/privacy?lang=zh-CN&jurisdiction=cn-pipl");

        // The choice is a plain form that works without script, and it stays when the language changes.
        Assert.Contains("<form class=\"jurisdiction\" method=\"get\" action=\"/privacy\">", all, StringComparison.Ordinal);
        Assert.Contains("<option value selected>所有地区</option>", all, StringComparison.Ordinal);
        Assert.Contains("<option value=\"cn-pipl\" selected>", china, StringComparison.Ordinal);
        Assert.Contains("href=\"/privacy?jurisdiction=cn-pipl&amp;lang=en\"", china, StringComparison.Ordinal);
        Assert.Contains("本页仅显示适用于中国大陆的内容。", NoticeText.Full(china), StringComparison.Ordinal);

        // Rights: the PIPL ones, not California's; bases: one per purpose, no places; transfers: out of mainland China under the standard contract.
        Assert.Contains("id=\"right-explanation\"", china, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"right-opt-out-of-sharing\"", china, StringComparison.Ordinal);
        Assert.Contains("id=\"right-opt-out-of-sharing\"", all, StringComparison.Ordinal);
        var bases = NoticeText.Lines(NoticeText.Full(china)).Where(l => l.StartsWith("法律依据：", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(bases);
        Assert.DoesNotContain(bases, l => l.Contains('（', StringComparison.Ordinal));
        Assert.Contains("id=\"transfer-from-mainland-china\"", china, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"transfer-group-worldwide\"", china, StringComparison.Ordinal);
        var safeguards = NoticeText.Lines(NoticeText.Full(china)).Where(l => l.StartsWith("保障措施：", StringComparison.Ordinal)).ToList();
        Assert.All(safeguards, l => Assert.Equal("保障措施： 个人信息出境标准合同", l));
        Assert.DoesNotContain("在新加坡，", NoticeText.Full(china), StringComparison.Ordinal);
        Assert.Contains("在新加坡，", NoticeText.Full(all), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_jurisdiction_shows_the_whole_notice_is_never_written_back_and_shares_its_cached_page()
    {
        await using var app = await StartWithExampleAsync();
        var client = app.Client();
        var whole = await client.GetAsync("/privacy?lang=en");
        Assert.Null(whole.Headers.Age);
        var hostile = await client.GetAsync("/privacy?lang=en&jurisdiction=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        Assert.Equal(HttpStatusCode.OK, hostile.StatusCode);
        var html = await hostile.Content.ReadAsStringAsync();
        Assert.DoesNotContain("alert(1)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("script%3E", html, StringComparison.Ordinal);
        Assert.NotNull(hostile.Headers.Age); // the page without a choice, from the cache: made-up values add no entries
        Assert.Equal(await whole.Content.ReadAsStringAsync(), html);
    }

    [Fact]
    public async Task Each_jurisdiction_has_its_own_cached_page()
    {
        await using var app = await StartWithExampleAsync();
        var client = app.Client();
        Assert.Null((await client.GetAsync("/privacy?lang=en&jurisdiction=cn-pipl")).Headers.Age);
        Assert.NotNull((await client.GetAsync("/privacy?lang=en&jurisdiction=cn-pipl")).Headers.Age);
        var europe = await client.GetAsync("/privacy?lang=en&jurisdiction=eu-gdpr");
        Assert.Null(europe.Headers.Age);
        Assert.Contains("This page shows only what applies to people in the European Union.", await europe.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await client.GetAsync("/privacy?lang=en")).Headers.Age);
        // An older version is shown for a jurisdiction too.
        Assert.Contains("<option value=\"eu-gdpr\" selected>", await client.GetStringAsync("/privacy/versions/1?lang=en&jurisdiction=eu-gdpr"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_writes_the_notice_for_one_jurisdiction_and_refuses_one_the_policy_does_not_have()
    {
        var dir = Directory.CreateTempSubdirectory("steward-notice-").FullName;
        var file = Path.Combine(dir, "notice.md");
        var ok = await StewardCli.RunAsync(null, "", "notice", "render", "--lang", "en", "--format", "md", "--policy", PolicyFixture.ExamplePath, "--jurisdiction", "cn-pipl", "-o", file);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("This page shows only what applies to people in mainland China.", await File.ReadAllTextAsync(file), StringComparison.Ordinal);

        var unknown = await StewardCli.RunAsync(null, "", "notice", "render", "--lang", "en", "--format", "md", "--policy", PolicyFixture.ExamplePath, "--jurisdiction", "us-va");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'us-va' is not a jurisdiction of this policy", unknown.Stderr, StringComparison.Ordinal);
        Assert.Single(unknown.StderrLines);
    }

    [Fact]
    public void Only_the_policys_own_jurisdictions_are_chosen()
    {
        var policy = PolicyCheck.Run(PolicyFixture.ExamplePath).Document!;
        Assert.Equal("cn-pipl", NoticeBuilder.Resolve(policy, " CN-PIPL "));
        Assert.Null(NoticeBuilder.Resolve(policy, "us-va")); // known to the catalogue, not in this policy's scope
        Assert.Null(NoticeBuilder.Resolve(policy, "default"));
        Assert.Null(NoticeBuilder.Resolve(policy, null));
    }
}
