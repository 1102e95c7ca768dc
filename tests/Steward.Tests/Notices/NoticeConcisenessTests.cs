using System.Text.RegularExpressions;
using Steward.Tests.Policy;

namespace Steward.Tests.Notices;

/// <summary>
/// A notice a reader gets through: what they see before opening any detail is no longer than the reference statement,
/// everything together at most twice as long (the goal; the bound below says where it stands), and every part said once, in the HTML page and in the Markdown file alike.
/// Measured on the bundled example as characters of the text a reader sees (see <see cref="NoticeText"/>).
/// </summary>
public sealed partial class NoticeConcisenessTests
{
    private const double FullNoticeBound = 2.0;

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public async Task The_first_layer_is_no_longer_than_the_reference_statement_and_everything_within_the_bound(string lang)
    {
        var html = await NoticeText.HtmlAsync(PolicyFixture.ExamplePath, lang);
        var reference = Reference(lang);
        var first = NoticeText.FirstLayer(html).Length;
        var full = NoticeText.Full(html).Length;
        TestContext.Current.TestOutputHelper?.WriteLine($"{lang}: first layer {first}, full {full}, reference {reference} ({(double)first / reference:0.00}x, {(double)full / reference:0.00}x)");
        Assert.True(first <= reference, $"The first layer has {first} characters, more than the reference statement's {reference}.");
        Assert.True(full <= FullNoticeBound * reference, $"The whole notice has {full} characters, more than {FullNoticeBound} times the reference statement's {reference}.");
    }

    /// <summary>
    /// The reference statement is Chinese; English says the same in more characters. Its English yardstick is the
    /// reference scaled by how much longer the example's own English texts are than their Chinese versions.
    /// </summary>
    private static int Reference(string lang)
    {
        if (lang == "zh-CN") return NoticeText.ReferenceStatementCharacters;
        var ratio = (double)NoticeText.PolicyTexts(PolicyFixture.ExamplePath, "en").Sum(t => t.Length)
            / NoticeText.PolicyTexts(PolicyFixture.ExamplePath, "zh-CN").Sum(t => t.Length);
        return (int)(NoticeText.ReferenceStatementCharacters * ratio);
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public async Task Purposes_recipients_transfers_and_rights_open_as_disclosures_and_the_markdown_keeps_their_order(string lang)
    {
        var html = await NoticeText.HtmlAsync(PolicyFixture.ExamplePath, lang);
        Assert.Contains("<details id=\"purpose-account-management\"><summary>", html, StringComparison.Ordinal);
        Assert.Contains("<details id=\"recipient-it-suppliers\"><summary>", html, StringComparison.Ordinal);
        Assert.Contains("<details id=\"transfer-from-mainland-china\"><summary>", html, StringComparison.Ordinal);
        Assert.Contains("<details id=\"right-erasure\"><summary>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<details open", html, StringComparison.Ordinal);

        // The headings and summaries of the page, in order, are the headings of the Markdown.
        var page = Outline().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(Regex.Replace(m.Groups[1].Value, "<[^>]+>", ""))).ToList();
        var markdown = NoticeText.Markdown(PolicyFixture.ExamplePath, lang).Split('\n')
            .Where(l => l.StartsWith("##", StringComparison.Ordinal)).Select(l => Regex.Replace(l.TrimStart('#').Trim(), @"\\(.)|\[([^\]]*)\]\([^)]*\)", "$1$2")).ToList();
        Assert.Equal(page, markdown);
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public async Task Facts_said_for_every_purpose_before_are_said_once(string lang)
    {
        var text = NoticeText.Full(await NoticeText.HtmlAsync(PolicyFixture.ExamplePath, lang));
        var s = Steward.Web.Language.Pick(lang, Steward.Notices.NoticeStrings.English, Steward.Notices.NoticeStrings.Chinese);
        // The retention rule and the checks before sharing are said in their own part, not per purpose or recipient.
        Assert.Equal(1, Count(text, s.RetentionWhere));
        Assert.Equal(1, Count(text, s.SharingIntro));
        // Which legal basis applies where is said for each purpose once, with the places that differ in brackets.
        var pipl = Steward.Policy.Catalogue.JurisdictionCatalogue.Bundled.Find("cn-pipl")!.Name.In(lang);
        Assert.DoesNotContain(pipl, string.Join('\n', NoticeText.Lines(text).Where(l => l.StartsWith(s.LegalBasis, StringComparison.Ordinal))), StringComparison.Ordinal);
        // Each lawful-source check is said once, with its source.
        foreach (var check in NoticeText.PolicyTexts(PolicyFixture.ExamplePath, lang).Where(t => t.Contains(lang == "en" ? "lawfully" : "合法", StringComparison.Ordinal) && t.Length > 60))
            Assert.True(Count(text, check.Trim()) <= 1, $"Said more than once: {check}");
    }

    private static int Count(string text, string part) => Regex.Count(text, Regex.Escape(part));

    [GeneratedRegex(@"<(?:h2 id=""h-[^""]+""|h3[^>]*|h4[^>]*|summary)>(.*?)</(?:h2|h3|h4|summary)>", RegexOptions.Singleline)]
    private static partial Regex Outline();
}
