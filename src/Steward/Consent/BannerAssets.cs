using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Steward.Consent;

/// <summary>
/// The banner's script and stylesheet, written by hand and embedded. The script is served with the stylesheet and a
/// configuration inside (one variant per configuration, made once); every file has a strong ETag (its SHA-256) and, to
/// browsers that take it, gzip.
/// </summary>
internal static class BannerAssets
{
    private const string ConfigSlot = "/*config*/null", StylesSlot = "/*styles*/''";
    private const string ScriptType = "text/javascript; charset=utf-8";
    /// <summary>More variants than languages × jurisdictions × Sec-GPC of a few versions means old versions linger: start again.</summary>
    private const int MostVariants = 512;

    public static readonly BannerAsset Stylesheet = Asset(Read("consent.css"), "text/css; charset=utf-8");
    private static readonly string ScriptSource = Slot(Read("consent.js"), StylesSlot, JsonSerializer.Serialize(Read("consent.css")));
    /// <summary>The script with no configuration inside: it fetches <c>/consent/config</c> (served when nothing is published).</summary>
    public static readonly BannerAsset Script = Asset(Slot(ScriptSource, ConfigSlot, "null"), ScriptType);
    private static readonly ConcurrentDictionary<string, BannerAsset> Variants = new(StringComparer.Ordinal);

    /// <summary>The script with <paramref name="configJson"/> inside, so the banner shows without fetching its configuration.</summary>
    public static BannerAsset ScriptWith(string configJson)
    {
        if (Variants.Count > MostVariants) Variants.Clear();
        return Variants.GetOrAdd(configJson, json => Asset(Slot(ScriptSource, ConfigSlot, json), ScriptType));
    }

    private static string Read(string name)
    {
        using var stream = typeof(BannerAssets).Assembly.GetManifestResourceStream($"Steward.Consent.Banner.{name}")
            ?? throw new InvalidOperationException($"The banner's {name} is not embedded.");
        return new StreamReader(stream, Encoding.UTF8).ReadToEnd();
    }

    private static string Slot(string source, string slot, string value) =>
        source.IndexOf(slot, StringComparison.Ordinal) is var at and >= 0 && source.IndexOf(slot, at + 1, StringComparison.Ordinal) < 0
            ? string.Concat(source.AsSpan(0, at), value, source.AsSpan(at + slot.Length))
            : throw new InvalidOperationException($"The banner's script must hold {slot} exactly once.");

    private static BannerAsset Asset(string text, string contentType)
    {
        var plain = Encoding.UTF8.GetBytes(text);
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(plain);
        return new BannerAsset(plain, gzipped.ToArray(), contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(plain))[..32]}\"");
    }
}

/// <summary>One file, plain and gzipped.</summary>
internal sealed record BannerAsset(byte[] Plain, byte[] Gzipped, string ContentType, string ETag)
{
    /// <summary>Serves the file; <paramref name="revalidate"/> for the script, whose configuration changes with each published version.</summary>
    public IResult Serve(HttpContext http, bool revalidate = false)
    {
        var response = http.Response;
        response.Headers.ETag = ETag;
        response.Headers.CacheControl = revalidate ? "no-cache" : "public, max-age=3600";
        // The configuration inside follows the browser's languages and Global Privacy Control signal.
        response.Headers.Append(HeaderNames.Vary, revalidate ? "Accept-Encoding, Accept-Language, Sec-GPC" : HeaderNames.AcceptEncoding);
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
