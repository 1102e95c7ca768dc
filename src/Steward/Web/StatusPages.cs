using Microsoft.AspNetCore.Diagnostics;

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
        var t = Language.Strings<PageStrings>(lang);
        var notFound = http.Response.StatusCode == StatusCodes.Status404NotFound;
        await Pages.Result<MessagePage>(new
        {
            Lang = lang,
            Title = notFound ? t.NotFoundTitle : t.ErrorTitle,
            Text = notFound ? t.NotFoundText : t.ErrorText,
            LinkHref = $"/privacy?lang={lang}",
            LinkText = t.BackToNotice,
        }, http.Response.StatusCode).ExecuteAsync(http);
    }
}
