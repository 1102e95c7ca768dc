using Microsoft.AspNetCore.Diagnostics;
using static Steward.Web.Html;

namespace Steward.Web;

/// <summary>
/// Bodies for bare error statuses: an HTML page for people browsing the privacy centre,
/// problem details for everyone else (API clients, scripts).
/// </summary>
internal static class StatusPages
{
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var wantsHtml = !http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
        if (!wantsHtml)
        {
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = http.Response.StatusCode },
            });
            return;
        }
        var lang = Language.FromRequest(http.Request);
        var zh = lang == Language.Chinese;
        var (title, text) = http.Response.StatusCode switch
        {
            404 => zh ? ("未找到页面", "此页面不存在或尚未提供。") : ("Page not found", "This page does not exist or is not available yet."),
            _ => zh ? ("无法显示此页面", "请稍后再试。") : ("This page cannot be shown", "Please try again later."),
        };
        var back = zh ? "返回隐私声明" : "Back to the privacy notice";
        var body = $"<h1>{E(title)}</h1><p>{E(text)}</p><p><a href=\"/privacy?lang={E(lang)}\">{E(back)}</a></p>";
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(Page(lang, title, body));
    }
}
