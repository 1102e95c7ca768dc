using System.Net;
using Microsoft.Extensions.Options;

namespace Steward.Web;

/// <summary>Reverse proxies (section <c>Web</c>); <c>AllowedHosts</c> is the standard top-level key.</summary>
internal sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>Addresses of proxies whose X-Forwarded-For/-Proto headers are believed, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR form, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
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
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
