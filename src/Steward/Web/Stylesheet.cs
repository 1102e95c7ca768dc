using System.Security.Cryptography;
using System.Text;

namespace Steward.Web;

/// <summary>
/// The one stylesheet of every page. It travels inside the page, so a saved or exported page looks the same
/// offline; the Content-Security-Policy allows exactly this text by its hash instead of any inline style.
/// </summary>
internal static class Stylesheet
{
    // High-contrast palette (text 15:1, links 7:1 on white); print drops navigation, opens every disclosure and shows link targets.
    public const string Css = """
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
        form.stack select,form.stack textarea{display:block;width:100%;max-width:36rem;padding:.5rem;font:inherit;border:1px solid #6b6b6b;border-radius:4px}form.stack textarea{min-height:6rem}form.stack .hint{margin:.2rem 0 0;font-weight:400}
        button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit;background:#0b4f9c;color:#fff;border:0;border-radius:4px;cursor:pointer}
        nav.toc ol{columns:2}.diff-added{color:#0a5d00}.diff-removed{color:#a4000f}
        details{margin:.35rem 0}summary{cursor:pointer;font-weight:600;padding:.15rem 0}details[open]{margin-bottom:.9rem}details>:not(summary){margin-left:1.1rem}
        form.jurisdiction{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:1rem 0}form.jurisdiction select{font:inherit;padding:.35rem;border:1px solid #6b6b6b;border-radius:4px}form.jurisdiction button{margin-top:0}
        @media print{header.site nav,footer.site nav,.skip,.lang,nav.toc,form,form.jurisdiction{display:none}details::details-content{content-visibility:visible;display:block}main a[href^="http"]::after{content:" (" attr(href) ")";font-size:.85em}body{font-size:11pt}h2{break-after:avoid}table{break-inside:avoid}}
        """;

    /// <summary>The CSP source that allows this stylesheet and no other inline style.</summary>
    public static string CspSource { get; } = $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css)))}'";
}
