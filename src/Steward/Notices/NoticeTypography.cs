using System.Text.RegularExpressions;
using Steward.Web;

namespace Steward.Notices;

/// <summary>
/// The typesetting every rendered document gets, whoever wrote its texts: a space between Chinese and Latin letters
/// or digits (中国大陆 2026 年, 北风 ID), and web and email addresses found in text, which the renderers turn into links.
/// </summary>
internal static partial class NoticeTypography
{
    /// <summary>The document with every text spaced as its language wants (Chinese: a space on each side of Latin runs).</summary>
    public static NoticeDocument Apply(NoticeDocument doc)
    {
        if (!Language.Strings<VocabularyStrings>(doc.Lang).SpaceAroundLatin) return doc;
        return doc with
        {
            Title = Space(doc.Title),
            Lead = [.. doc.Lead.Select(Space)],
            Sections = [.. doc.Sections.Select(s => s with { Heading = Space(s.Heading), Blocks = Blocks(s.Blocks) })],
        };
    }

    private static List<Block> Blocks(IEnumerable<Block> blocks) => [.. blocks.Select(Block)];

    private static Block Block(Block block) => block switch
    {
        Heading h => h with { Text = Space(h.Text) },
        Paragraph p => p with { Text = Space(p.Text) },
        LabelledParagraph lp => lp with { Label = Space(lp.Label), Text = Space(lp.Text) },
        BulletList l => l with { Items = [.. l.Items.Select(Space)] },
        Table t => t with { Caption = Space(t.Caption), Headers = [.. t.Headers.Select(Space)], Rows = [.. t.Rows.Select(r => (IReadOnlyList<string>)[.. r.Select(Space)])] },
        LinkList l => l with { Links = [.. l.Links.Select(x => (Space(x.Text), x.Href))] },
        Details d => d with { Summary = Space(d.Summary), Blocks = Blocks(d.Blocks) },
        _ => block,
    };

    /// <summary>Puts a space between a Chinese character and a Latin letter or digit next to it (or a Latin bracket), in either order.</summary>
    public static string Space(string text) => CjkBeforeLatin().Replace(LatinBeforeCjk().Replace(text, "$1 $2"), "$1 $2");

    /// <summary>
    /// The text cut into runs of plain text and addresses: http(s) URLs, email addresses (as mailto: links) and bare
    /// domain names such as allaboutcookies.org (as https: links). A renderer still passes every target through
    /// <see cref="Links.Safe"/>.
    /// </summary>
    public static IEnumerable<(string Text, string? Href)> Segments(string text)
    {
        var at = 0;
        foreach (Match m in Address().Matches(text))
        {
            var value = m.Value.TrimEnd('.', ',', ';', ':', '!', '?');
            if (value.Length == 0) continue;
            if (m.Index > at) yield return (text[at..m.Index], null);
            var href = m.Groups["url"].Success ? value : m.Groups["email"].Success ? "mailto:" + value : "https://" + value;
            yield return (value, href);
            at = m.Index + value.Length;
        }
        if (at < text.Length) yield return (text[at..], null);
    }

    private const string Cjk = @"\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF";
    private const string Latin = @"A-Za-z0-9\u00C0-\u024F";

    [GeneratedRegex($"([{Cjk}])([{Latin}(])")]
    private static partial Regex CjkBeforeLatin();

    [GeneratedRegex($"([{Latin})%])([{Cjk}])")]
    private static partial Regex LatinBeforeCjk();

    // "example" is the domain reserved for documentation (RFC 2606), which sample policies use.
    // An address ends at white space, a quote, a bracket or Chinese punctuation; trailing sentence punctuation is cut off above.
    [GeneratedRegex(@"(?<url>https?://[^\s<>""'()（）\[\]【】，。；：、！？“”‘’《》]+)|(?<email>(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)|(?<domain>(?<![\w@./-])(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|net|gov|edu|int|info|io|example)(?![\w@-]|\.\w))")]
    private static partial Regex Address();
}
