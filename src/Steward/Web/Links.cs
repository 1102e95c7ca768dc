namespace Steward.Web;

/// <summary>Which link targets Steward writes into pages and files.</summary>
internal static class Links
{
    /// <summary>
    /// The target if it is safe to follow: absolute http(s) or mailto, or a path or anchor on this site.
    /// The policy validator rejects other URLs already; this holds even for a policy that skipped it,
    /// so no <c>javascript:</c> or <c>data:</c> link can reach a reader.
    /// </summary>
    public static string? Safe(string? href)
    {
        if (string.IsNullOrWhiteSpace(href) || href.Any(char.IsControl)) return null;
        if (href[0] == '#' || (href[0] == '/' && !href.StartsWith("//", StringComparison.Ordinal) && !href.Contains('\\', StringComparison.Ordinal))) return href;
        return Uri.TryCreate(href, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "mailto" ? href : null;
    }
}
