using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Steward.Web;

/// <summary>Server-rendered pages: one accessible, printable layout for the privacy centre and the console.</summary>
public static class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Encodes text for HTML content and attributes (Chinese stays readable).</summary>
    public static string E(string? text) => Encoder.Encode(text ?? "");

    /// <summary>A full page: skip link, header, main landmark, footer.</summary>
    public static string Page(string lang, string title, string body, string? headerExtra = null, string? footer = null)
    {
        var t = UiText.For(lang);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"").Append(E(lang)).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .Append("<title>").Append(E(title)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n")
          .Append("<a class=\"skip\" href=\"#main\">").Append(E(t.SkipToContent)).Append("</a>\n")
          .Append("<header class=\"site\"><div class=\"wrap\"><span class=\"brand\">").Append(E(t.Brand)).Append("</span>")
          .Append(headerExtra ?? "").Append("</div></header>\n")
          .Append("<main id=\"main\" class=\"wrap\">\n").Append(body).Append("\n</main>\n")
          .Append("<footer class=\"site\"><div class=\"wrap\">").Append(footer ?? "").Append("</div></footer>\n</body>\n</html>\n");
        return sb.ToString();
    }

    public static IResult Result(string html, int status = 200) =>
        Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <summary>Links to the same page in the other language.</summary>
    public static string LanguageSwitch(string lang, string path)
    {
        var other = lang == Language.Chinese ? Language.English : Language.Chinese;
        var label = other == Language.Chinese ? "简体中文" : "English";
        var sep = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"<nav class=\"lang\" aria-label=\"{E(UiText.For(lang).LanguageNav)}\"><a href=\"{E(path)}{sep}lang={WebUtility.UrlEncode(other)}\" hreflang=\"{other}\" lang=\"{other}\">{label}</a></nav>";
    }

    // High-contrast palette (text 15:1, links 7:1 on white); print drops navigation and shows link targets.
    private const string Css = """
        :root{color-scheme:light;--fg:#1b1b1b;--muted:#4a4a4a;--link:#0b4f9c;--line:#c8c8c8;--accent:#fff4d6}
        *{box-sizing:border-box}body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:var(--fg);background:#fff}
        .wrap{max-width:52rem;margin:0 auto;padding:0 1rem}a{color:var(--link)}a:focus,button:focus,input:focus,select:focus{outline:3px solid #1a73e8;outline-offset:2px}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:9}
        header.site{border-bottom:1px solid var(--line);padding:.75rem 0}header.site .wrap{display:flex;gap:1rem;align-items:center;justify-content:space-between;flex-wrap:wrap}
        .brand{font-weight:700}footer.site{border-top:1px solid var(--line);margin-top:3rem;padding:1rem 0;color:var(--muted);font-size:.95rem}
        footer.site nav a{margin-right:1rem}h1{font-size:1.9rem;line-height:1.25}h2{margin-top:2.2rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}h3{margin-top:1.5rem}
        table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}
        .banner{background:var(--accent);border:1px solid #b38600;padding:.75rem 1rem;margin:1rem 0;border-radius:4px}
        .muted{color:var(--muted)}.error{color:#a4000f;font-weight:600}form.stack label{display:block;margin-top:1rem;font-weight:600}
        form.stack input{display:block;width:100%;max-width:24rem;padding:.5rem;font:inherit;border:1px solid #6b6b6b;border-radius:4px}
        button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit;background:#0b4f9c;color:#fff;border:0;border-radius:4px;cursor:pointer}
        nav.toc ol{columns:2}.diff-added{color:#0a5d00}.diff-removed{color:#a4000f}
        @media print{header.site nav,footer.site nav,.skip,.lang,nav.toc,form{display:none}main a[href^="http"]::after{content:" (" attr(href) ")";font-size:.85em}body{font-size:11pt}h2{break-after:avoid}table{break-inside:avoid}}
        """;
}
