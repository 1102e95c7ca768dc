using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Steward.Consent;

/// <summary>
/// Reads the JSON body of the banner's two POSTs. The script sends it as <c>text/plain</c>: a CORS "simple" request, which
/// a browser sends without a preflight, so a returning visitor's check of their cookie is one round trip, not two. Other
/// callers may send <c>application/json</c>. Where the request may come from is checked by the endpoints' origin filter.
/// </summary>
internal static class BannerBody
{
    public static async ValueTask<T?> ReadAsync<T>(HttpContext http)
    {
        var request = http.Request;
        if (!request.HasJsonContentType() && !(request.ContentType ?? "").StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
            throw new BadHttpRequestException("The body is JSON, sent as Content-Type application/json or text/plain.", StatusCodes.Status415UnsupportedMediaType);
        var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, json, http.RequestAborted)
                ?? throw new BadHttpRequestException("The body is empty or null; it is a JSON object.");
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException("The body is not valid JSON.", e);
        }
    }
}
