using System.Text;
using Steward.Web;

namespace Steward.Notices;

/// <summary>Turns a <see cref="NoticeDocument"/> into a stand-alone HTML file or Markdown.</summary>
internal static class NoticeRenderers
{
    /// <summary>A complete stand-alone HTML page (for files written by the CLI): the same components as the privacy centre.</summary>
    public static Task<string> HtmlFileAsync(NoticeDocument doc) =>
        Pages.RenderFileAsync<NoticePage>(new Dictionary<string, object?> { [nameof(NoticePage.Document)] = doc });

    public static string Markdown(NoticeDocument doc)
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(Md(doc.Title)).Append("\n\n");
        foreach (var p in doc.Lead) sb.Append(Md(p)).Append("\n\n");
        foreach (var s in doc.Sections) sb.Append("- [").Append(Md(s.Heading)).Append("](#").Append(s.Id).Append(")\n");
        sb.Append('\n');
        foreach (var s in doc.Sections)
        {
            sb.Append("<a id=\"").Append(s.Id).Append("\"></a>\n\n## ").Append(Md(s.Heading)).Append("\n\n");
            foreach (var b in s.Blocks)
            {
                switch (b)
                {
                    case Heading h: sb.Append(new string('#', h.Level)).Append(' ').Append(Md(h.Text)).Append("\n\n"); break;
                    case Paragraph p: sb.Append(Md(p.Text)).Append("\n\n"); break;
                    case LabelledParagraph lp: sb.Append("**").Append(Md(lp.Label)).Append("** ").Append(Md(lp.Text)).Append("\n\n"); break;
                    case BulletList list:
                        foreach (var i in list.Items) sb.Append("- ").Append(Md(i)).Append('\n');
                        sb.Append('\n');
                        break;
                    case Table t:
                        sb.Append('*').Append(Md(t.Caption)).Append("*\n\n| ").Append(string.Join(" | ", t.Headers.Select(Md))).Append(" |\n|")
                          .Append(string.Concat(t.Headers.Select(_ => "---|"))).Append('\n');
                        foreach (var row in t.Rows) sb.Append("| ").Append(string.Join(" | ", row.Select(Md))).Append(" |\n");
                        sb.Append('\n');
                        break;
                    case LinkList links:
                        foreach (var (text, href) in links.Links)
                        {
                            if (Links.Safe(href) is { } safe) sb.Append("- [").Append(Md(text)).Append("](").Append(LinkTarget(safe)).Append(")\n");
                            else sb.Append("- ").Append(Md(text)).Append('\n');
                        }
                        sb.Append('\n');
                        break;
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Text from the policy as plain Markdown text: it can neither format nor structure the document. Inline, every
    /// character Markdown or HTML reads as syntax is escaped; at the start of a line, list markers, rules, headings,
    /// quotes and indented code are defused; line breaks become spaces so no text starts a line of its own.
    /// </summary>
    internal static string Md(string text)
    {
        text = text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ').Trim();
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '[' or ']' or '<' or '>' or '`' or '#' or '|' or '&' or '~') sb.Append('\\');
            sb.Append(c);
        }
        // What is special only where a line starts: "- ", "+ ", "---", "===", "1. ", "1) ".
        if (sb.Length > 0 && sb[0] is '-' or '+' or '=') sb.Insert(0, '\\');
        var digits = 0;
        while (digits < sb.Length && char.IsAsciiDigit(sb[digits])) digits++;
        if (digits > 0 && digits < sb.Length && sb[digits] is '.' or ')') sb.Insert(digits, '\\');
        return sb.ToString();
    }

    /// <summary>A link target that cannot end the Markdown link early or start HTML.</summary>
    private static string LinkTarget(string href) =>
        href.Replace(" ", "%20", StringComparison.Ordinal).Replace("(", "%28", StringComparison.Ordinal)
            .Replace(")", "%29", StringComparison.Ordinal).Replace("<", "%3C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal);
}
