using Steward.Policy.Model;

namespace Steward.Consent;

/// <summary>
/// The keys a person can consent to, all named by the published policy and namespaced by what they are:
/// <c>purpose:KEY</c> for a purpose whose legal basis in the person's jurisdiction is consent, <c>cookie:KEY</c> for a
/// cookie category that needs consent, <c>channel:KEY</c> for a marketing channel. Nothing is configured twice.
/// </summary>
internal static class ConsentKeys
{
    public const int MaxLength = 200;
    public const string PurposePrefix = "purpose:";
    public const string CookiePrefix = "cookie:";
    public const string ChannelPrefix = "channel:";

    /// <summary>Why <paramref name="key"/> is not something a person in <paramref name="jurisdiction"/> can consent to under <paramref name="policy"/>, or null when it is.</summary>
    public static string? Problem(PolicyDocument policy, int version, string jurisdiction, string? key)
    {
        if (string.IsNullOrEmpty(key)) return "A choice has no key.";
        if (key.Length > MaxLength) return $"A key has more than {MaxLength} characters.";
        if (key.StartsWith(PurposePrefix, StringComparison.Ordinal))
        {
            var name = key[PurposePrefix.Length..];
            if (!policy.Purposes.TryGetValue(name, out var purpose)) return $"'{key}' is not a purpose of policy version {version}.";
            if (!purpose.AppliesIn(jurisdiction)) return $"'{key}' does not apply in {jurisdiction} under policy version {version}.";
            if (!purpose.ReliesOnConsentIn(jurisdiction))
                return $"'{key}' does not rest on consent in {jurisdiction} under policy version {version} (its basis: {string.Join(", ", purpose.LegalBasesIn(jurisdiction).Select(b => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(b.ToString())))}).";
            return null;
        }
        if (key.StartsWith(CookiePrefix, StringComparison.Ordinal))
        {
            var name = key[CookiePrefix.Length..];
            if (policy.Cookies?.Categories.TryGetValue(name, out var category) != true) return $"'{key}' is not a cookie category of policy version {version}.";
            return category!.ConsentRequired ? null : $"'{key}' is used without consent (consent_required is false in policy version {version}).";
        }
        if (key.StartsWith(ChannelPrefix, StringComparison.Ordinal))
            return policy.MarketingChannels.ContainsKey(key[ChannelPrefix.Length..]) ? null : $"'{key}' is not a marketing channel of policy version {version}.";
        return $"'{key}' is not a key the policy defines: keys are purpose:KEY, cookie:KEY or channel:KEY.";
    }
}
