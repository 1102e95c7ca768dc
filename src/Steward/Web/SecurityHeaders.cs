namespace Steward.Web;

/// <summary>Headers every page and API answer carries.</summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var h = context.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h.ContentSecurityPolicy = $"default-src 'self'; style-src 'self' {Stylesheet.CspSource}; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";
            await next(context);
        });
}
