using Microsoft.Extensions.Options;
using Steward.Policy.Catalogue;

namespace Steward.Consent;

/// <summary>The cookie banner's settings (section <c>Consent</c>).</summary>
internal sealed class BannerOptions
{
    public const string Section = "Consent";

    /// <summary>
    /// Origins of the sites that embed <c>/consent.js</c> and may send their visitors' choices, e.g.
    /// <c>https://www.example.com</c>. Steward's own origin is always allowed.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>The jurisdiction whose law applies when the script tag has no <c>data-jurisdiction</c> (a key of the catalogue).</summary>
    public string? DefaultJurisdiction { get; set; }

    /// <summary>Requests one client address may make to the banner's endpoints per minute.</summary>
    public int RequestsPerMinute { get; set; } = 120;
}

/// <summary>One line per bad setting, naming its key.</summary>
internal sealed class BannerOptionsValidator : IValidateOptions<BannerOptions>
{
    public ValidateOptionsResult Validate(string? name, BannerOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.AllowedOrigins.Count; i++)
            if (BannerOrigins.Normalize(options.AllowedOrigins[i]) is null)
                failures.Add($"Consent:AllowedOrigins:{i} '{options.AllowedOrigins[i]}' is not an origin: scheme, host and port only, e.g. https://www.example.com.");
        if (options.DefaultJurisdiction is { Length: > 0 } j && JurisdictionCatalogue.Bundled.Find(j) is null)
            failures.Add($"Consent:DefaultJurisdiction '{j}' is not a jurisdiction key ({string.Join(", ", JurisdictionCatalogue.Bundled.ByKey.Keys)}).");
        if (options.RequestsPerMinute is < 1 or > 100_000)
            failures.Add("Consent:RequestsPerMinute must be between 1 and 100000.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Which sites may call the banner's endpoints from a browser.</summary>
internal sealed class BannerOrigins(IOptions<BannerOptions> options)
{
    private readonly HashSet<string> _allowed = options.Value.AllowedOrigins.Select(o => Normalize(o)!).ToHashSet(StringComparer.Ordinal);

    /// <summary>An origin as browsers send it (<c>https://host[:port]</c>, lower case, default port left out), or null when it is none.</summary>
    public static string? Normalize(string? origin)
    {
        if (!Uri.TryCreate(origin?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.PathAndQuery != "/" || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
            return null;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }

    /// <summary>Whether a browser on <paramref name="origin"/> may send choices: a configured site, or Steward's own pages.</summary>
    public bool Allows(string? origin, HttpRequest request) =>
        Normalize(origin) is { } o && (_allowed.Contains(o) || o == Normalize($"{request.Scheme}://{request.Host}"));

    /// <summary>For the CORS policy, which only sees the origin: configured sites (the own origin needs no CORS).</summary>
    public bool AllowsCrossOrigin(string origin) => Normalize(origin) is { } o && _allowed.Contains(o);
}
