using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Steward.Consent;

/// <summary>
/// The banner's script and stylesheet, written by hand and embedded: served with a strong ETag (their SHA-256), an
/// hour of caching and, to browsers that take it, gzip made once at start.
/// </summary>
internal static class BannerAssets
{
    public static readonly BannerAsset Script = Load("consent.js", "text/javascript; charset=utf-8");
    public static readonly BannerAsset Stylesheet = Load("consent.css", "text/css; charset=utf-8");

    private static BannerAsset Load(string name, string contentType)
    {
        using var stream = typeof(BannerAssets).Assembly.GetManifestResourceStream($"Steward.Consent.Banner.{name}")
            ?? throw new InvalidOperationException($"The banner's {name} is not embedded.");
        using var plain = new MemoryStream();
        stream.CopyTo(plain);
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(plain.ToArray());
        return new BannerAsset(plain.ToArray(), gzipped.ToArray(), contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(plain.ToArray()))[..32]}\"");
    }
}

/// <summary>One embedded file, plain and gzipped.</summary>
internal sealed record BannerAsset(byte[] Plain, byte[] Gzipped, string ContentType, string ETag)
{
    public IResult Serve(HttpContext http)
    {
        var response = http.Response;
        response.Headers.ETag = ETag;
        response.Headers.CacheControl = "public, max-age=3600";
        response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
        // Embedded by other sites in their pages: a cross-origin load must not be blocked by resource policy.
        response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
        if (Matches(http.Request, ETag)) return Results.StatusCode(StatusCodes.Status304NotModified);
        var gzip = http.Request.GetTypedHeaders().AcceptEncoding.Any(e => e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) && e.Quality is not <= 0);
        if (gzip) response.Headers.ContentEncoding = "gzip";
        return Results.Bytes(gzip ? Gzipped : Plain, ContentType);
    }

    /// <summary>Whether the browser already has this version (If-None-Match names the ETag or *).</summary>
    public static bool Matches(HttpRequest request, string etag) =>
        request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*"));
}
