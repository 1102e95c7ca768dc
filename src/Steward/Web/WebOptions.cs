using System.Net;
using Microsoft.Extensions.Options;

namespace Steward.Web;

/// <summary>Reverse proxies and the public address (section <c>Web</c>); <c>AllowedHosts</c> is the standard top-level key.</summary>
internal sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>Addresses of proxies whose X-Forwarded-For/-Proto headers are believed, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR form, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>
    /// The address people reach Steward at, e.g. <c>https://privacy.example.com</c>: links that leave the site (in marketing
    /// mail) are made from it, never from a request's Host header. HTTPS, except on this machine (localhost) for trials.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>The public address without a trailing slash, or null when it is not set.</summary>
    public string? PublicBase => string.IsNullOrWhiteSpace(PublicUrl) ? null : PublicUrl.Trim().TrimEnd('/');
}

/// <summary>One line per bad setting, naming its key.</summary>
internal sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.KnownProxies.Count; i++)
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
                failures.Add($"Web:KnownProxies:{i} '{options.KnownProxies[i]}' is not an IP address (e.g. 10.0.0.5 or fd00::5).");
        for (var i = 0; i < options.KnownNetworks.Count; i++)
            if (!IPNetwork.TryParse(options.KnownNetworks[i], out _))
                failures.Add($"Web:KnownNetworks:{i} '{options.KnownNetworks[i]}' is not a network in CIDR form (e.g. 10.0.0.0/8).");
        if (options.PublicBase is { } url && PublicUrlProblem(url) is { } problem) failures.Add($"Web:PublicUrl {problem}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Mail programs follow only HTTPS unsubscribe links (RFC 8058); plain HTTP is for trying Steward on this machine.</summary>
    private static string? PublicUrlProblem(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
            return "is not an absolute https:// address (e.g. https://privacy.example.com).";
        if (uri.Scheme == "http" && !uri.IsLoopback) return "must be https:// (plain http only for localhost): mail programs refuse other unsubscribe links.";
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0) return "is an address without user, query or fragment (e.g. https://privacy.example.com).";
        return null;
    }
}
