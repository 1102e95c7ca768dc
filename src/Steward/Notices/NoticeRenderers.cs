using System.Text;
using Steward.Web;
using static Steward.Web.Html;

namespace Steward.Notices;

/// <summary>Turns a <see cref="NoticeDocument"/> into HTML (a full accessible page or its body) or Markdown.</summary>
public static class NoticeRenderers
{
    /// <summary>The document's body: title, lead, table of contents and sections.</summary>
    public static string HtmlBody(NoticeDocument doc, string? banner = null, string? versionNote = null)
    {
        var sb = new StringBuilder();
        sb.Append("<article>\n<h1>").Append(E(doc.Title)).Append("</h1>\n");
        if (banner is not null) sb.Append(banner);
        if (versionNote is not null) sb.Append(versionNote);
        foreach (var p in doc.Lead) sb.Append("<p>").Append(E(p)).Append("</p>\n");
        var toc = doc.Lang == Language.Chinese ? "目录" : "Contents";
        sb.Append("<nav class=\"toc\" aria-label=\"").Append(E(toc)).Append("\"><h2>").Append(E(toc)).Append("</h2><ol>\n");
        foreach (var s in doc.Sections) sb.Append("<li><a href=\"#").Append(E(s.Id)).Append("\">").Append(E(s.Heading)).Append("</a></li>\n");
        sb.Append("</ol></nav>\n");
        foreach (var s in doc.Sections)
        {
            sb.Append("<section id=\"").Append(E(s.Id)).Append("\" aria-labelledby=\"h-").Append(E(s.Id)).Append("\">\n<h2 id=\"h-")
              .Append(E(s.Id)).Append("\">").Append(E(s.Heading)).Append("</h2>\n");
            foreach (var b in s.Blocks) HtmlBlock(sb, b);
            sb.Append("</section>\n");
        }
        sb.Append("</article>\n");
        return sb.ToString();
    }

    private static void HtmlBlock(StringBuilder sb, Block block)
    {
        switch (block)
        {
            case Heading h:
                sb.Append("<h").Append(h.Level);
                if (h.Id is not null) sb.Append(" id=\"").Append(E(h.Id)).Append('"');
                sb.Append('>').Append(E(h.Text)).Append("</h").Append(h.Level).Append(">\n");
                break;
            case Paragraph p:
                sb.Append("<p>").Append(E(p.Text)).Append("</p>\n");
                break;
            case LabelledParagraph lp:
                sb.Append("<p><strong>").Append(E(lp.Label)).Append("</strong> ").Append(E(lp.Text)).Append("</p>\n");
                break;
            case BulletList list:
                sb.Append("<ul>\n");
                foreach (var i in list.Items) sb.Append("<li>").Append(E(i)).Append("</li>\n");
                sb.Append("</ul>\n");
                break;
            case Table t:
                sb.Append("<table>\n<caption>").Append(E(t.Caption)).Append("</caption>\n<thead><tr>");
                foreach (var h in t.Headers) sb.Append("<th scope=\"col\">").Append(E(h)).Append("</th>");
                sb.Append("</tr></thead>\n<tbody>\n");
                foreach (var row in t.Rows)
                {
                    sb.Append("<tr>");
                    for (var i = 0; i < row.Count; i++)
                        sb.Append(i == 0 ? "<th scope=\"row\">" : "<td>").Append(E(row[i])).Append(i == 0 ? "</th>" : "</td>");
                    sb.Append("</tr>\n");
                }
                sb.Append("</tbody>\n</table>\n");
                break;
            case LinkList links:
                sb.Append("<ul>\n");
                foreach (var (text, href) in links.Links) sb.Append("<li><a href=\"").Append(E(href)).Append("\">").Append(E(text)).Append("</a></li>\n");
                sb.Append("</ul>\n");
                break;
        }
    }

    /// <summary>A complete stand-alone HTML page (for files written by the CLI).</summary>
    public static string HtmlPage(NoticeDocument doc) => Page(doc.Lang, doc.Title, HtmlBody(doc));

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
                        sb.Append('*').Append(Md(t.Caption)).Append("*\n\n| ").Append(string.Join(" | ", t.Headers.Select(Cell))).Append(" |\n|")
                          .Append(string.Concat(t.Headers.Select(_ => "---|"))).Append('\n');
                        foreach (var row in t.Rows) sb.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
                        sb.Append('\n');
                        break;
                    case LinkList links:
                        foreach (var (text, href) in links.Links) sb.Append("- [").Append(Md(text)).Append("](").Append(LinkTarget(href)).Append(")\n");
                        sb.Append('\n');
                        break;
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>Escapes the characters Markdown would read as formatting.</summary>
    private static string Md(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '[' or ']' or '<' or '>' or '`' or '#' or '|') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString().Replace("\n", " ", StringComparison.Ordinal);
    }

    /// <summary>A link target that cannot end the Markdown link early or start HTML.</summary>
    private static string LinkTarget(string href) =>
        href.Replace(" ", "%20", StringComparison.Ordinal).Replace("(", "%28", StringComparison.Ordinal)
            .Replace(")", "%29", StringComparison.Ordinal).Replace("<", "%3C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal);

    private static string Cell(string text) => Md(text).Replace("\n", "<br>", StringComparison.Ordinal);
}
