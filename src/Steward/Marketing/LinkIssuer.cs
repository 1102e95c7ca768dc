using Steward.People;
using Steward.Web;

namespace Steward.Marketing;

/// <summary>An issued link and when it stops working (null: never), or the one problem that refused it.</summary>
internal sealed record IssuedLink(string? Url, DateTimeOffset? ExpiresAt, string? Problem);

/// <summary>
/// Issues links for the API and the CLI alike: checks the identity, the channel and the jurisdiction (given, or the one
/// Steward knows for the person) against the policy in force, then seals the token. Issuing records nothing and is not
/// audited: it happens for every message sent, and a link only lets its holder make the choices the person could make.
/// </summary>
internal sealed class LinkIssuer(IdentityParser identities, MarketingPreferences preferences, MarketingLinks links)
{
    /// <summary>A link of <paramref name="kind"/> made from <paramref name="site"/> (<c>Web:PublicUrl</c>, without a trailing slash); the channel only for unsubscribe links.</summary>
    public async Task<IssuedLink> IssueAsync(string site, LinkKind kind, string? identityType, string? identityValue, string? channel,
        string? jurisdiction, string? language, CancellationToken ct)
    {
        if (identityType is null || !IdentityTypes.TryParse(identityType, out var type))
            return Fail($"The identity type is one of: {string.Join(", ", IdentityTypes.All)}.");
        var parsed = identities.Parse(type, identityValue, jurisdiction);
        if (parsed.Identity is not { } identity) return Fail(parsed.Problem!);
        if (language is not null && Language.Normalize(language) is null) return Fail($"The language is one of: {string.Join(", ", Language.All)}.");
        if (await preferences.PolicyAsync(version: null, ct) is not { } policy) return Fail("No policy has been published yet.");
        var version = policy.Info.Version;
        if (kind == LinkKind.Unsubscribe)
        {
            if (string.IsNullOrWhiteSpace(channel)) return Fail("The channel is missing: a key of the policy's marketing_channels, e.g. email.");
            if (!policy.Document.MarketingChannels.ContainsKey(channel))
                return Fail($"'{Clip(channel)}' is not a marketing channel of policy version {version} ({string.Join(", ", policy.Document.MarketingChannels.Keys)}).");
        }
        jurisdiction ??= await preferences.KnownJurisdictionAsync(identity, ct);
        if (jurisdiction is null)
            return Fail("The jurisdiction is missing and Steward does not know this person's: give the key of the jurisdiction whose law applies to them.");
        if (!policy.Document.Jurisdictions.Contains(jurisdiction, StringComparer.Ordinal))
            return Fail($"'{Clip(jurisdiction)}' is not a jurisdiction of policy version {version} ({string.Join(", ", policy.Document.Jurisdictions)}).");
        var (token, expires) = await links.IssueAsync(kind, identity, jurisdiction, kind == LinkKind.Unsubscribe ? channel : null,
            Language.Normalize(language), ct);
        var prefix = kind == LinkKind.Unsubscribe ? MarketingEndpoints.UnsubscribePrefix : MarketingEndpoints.PreferencesPrefix;
        return new IssuedLink($"{site}{prefix}/{token}", expires, null);
    }

    private static IssuedLink Fail(string problem) => new(null, null, problem);

    /// <summary>Names a caller's unknown value without letting a long one fill the message.</summary>
    public static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
