using System.Security.Cryptography;
using System.Text.Json;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;

namespace Steward.Consent;

/// <summary>A cookie category as the banner shows it: <paramref name="Required"/> is always on, <paramref name="Gpc"/> is switched off by Global Privacy Control.</summary>
internal sealed record BannerCategory(string Key, string Name, string Description, bool Required, bool Gpc, IReadOnlyList<string> ConsentMode);

/// <summary>Every text the banner and its settings show, in one language, as shown.</summary>
internal sealed record BannerTexts(string Title, string Intro, string AcceptAll, string RejectAll, string Settings, string SettingsTitle, string Save,
    string Saved, string Notice, string AlwaysOn, string? GpcHonoured, string GpcOff);

/// <summary>
/// What the banner script needs for one policy version, language and jurisdiction, built from the policy alone. The text
/// hash is the SHA-256 of the texts and categories exactly as the script shows them, so a recorded choice names what
/// the person saw.
/// </summary>
internal sealed record BannerConfig(int PolicyVersion, string Language, string Jurisdiction, string TextHash, long MaxAgeSeconds,
    BannerTexts Texts, IReadOnlyList<BannerCategory> Categories, IReadOnlyList<string> GpcPurposeKeys)
{
    /// <summary>How long the choice is kept when the policy names no cookies.max_lifetime.</summary>
    public static readonly Duration DefaultLifetime = new(0, 6, 0, 0, false);

    public static BannerConfig Build(PublishedPolicy policy, string lang, string jurisdiction)
    {
        var p = policy.Document;
        var t = Web.Language.Strings<BannerStrings>(lang);
        var cookies = p.Cookies ?? new Cookies();
        var reach = OptOutReach.Of(p, jurisdiction);
        var categories = cookies.Categories.Select(c => new BannerCategory(c.Key, Text(c.Value.Name, lang), Text(c.Value.Description, lang),
            !c.Value.ConsentRequired, reach.Categories.Contains(c.Key), c.Value.ConsentMode)).ToList();
        string Names(IEnumerable<BannerCategory> cs) => string.Join(t.ListSeparator, cs.Select(c => t.OpenQuote + c.Name + t.CloseQuote));
        var settingsLink = cookies.SettingsLink is null ? t.DefaultSettingsLink : Text(cookies.SettingsLink, lang);
        var texts = new BannerTexts(t.Title,
            Web.Language.Format(t.Intro, Names(categories.Where(c => !c.Required)), t.OpenQuote + settingsLink + t.CloseQuote),
            t.AcceptAll, t.RejectAll, t.Settings, t.SettingsTitle, t.Save, t.Saved, t.Notice, t.AlwaysOn,
            reach.Categories.Count > 0 ? Web.Language.Format(t.GpcHonoured, Names(categories.Where(c => c.Gpc))) : null, t.GpcOff);
        var hash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { texts, categories }, Json)));
        var lifetime = cookies.MaxLifetime is { IsSession: false } max ? max : DefaultLifetime;
        return new BannerConfig(policy.Info.Version, lang, jurisdiction, hash, (long)(lifetime.ApproximateDays * 86400), texts, categories, reach.PurposeKeys);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string Text(LocalizedText? text, string lang) => text?.In(lang) ?? "";
}

/// <summary>
/// What a jurisdiction's opt-out of sale, sharing and targeted advertising reaches where the rule pack makes Global
/// Privacy Control binding: the consent purposes whose data uses it reaches, and the cookie categories those purposes use.
/// </summary>
internal sealed record OptOutReach(IReadOnlySet<string> Categories, IReadOnlyList<string> PurposeKeys)
{
    private static readonly OptOutReach Nothing = new(new HashSet<string>(), []);

    public static OptOutReach Of(PolicyDocument p, string jurisdiction)
    {
        if (JurisdictionCatalogue.Bundled.Find(jurisdiction) is not { GpcBinding: true } law) return Nothing;
        return Reached(p, law, jurisdiction);
    }

    /// <summary>What a person's own request to opt out reaches, whether or not the law makes Global Privacy Control binding.</summary>
    public static OptOutReach OfRequest(PolicyDocument p, string jurisdiction) =>
        JurisdictionCatalogue.Bundled.Find(jurisdiction) is { } law ? Reached(p, law, jurisdiction) : Nothing;

    private static OptOutReach Reached(PolicyDocument p, Jurisdiction law, string jurisdiction)
    {
        var reached = p.Purposes.Where(kv => kv.Value.AppliesIn(jurisdiction) && law.OptOutReaches(kv.Value.Uses)).ToList();
        var categories = reached.SelectMany(kv => kv.Value.CookieCategories)
            .Where(c => p.Cookies?.Categories.GetValueOrDefault(c)?.ConsentRequired == true).ToHashSet(StringComparer.Ordinal);
        // Only keys a person can consent to are recorded; a purpose on another basis is not a consent key.
        var purposes = reached.Where(kv => kv.Value.ReliesOnConsentIn(jurisdiction)).Select(kv => ConsentKeys.PurposePrefix + kv.Key).Order(StringComparer.Ordinal).ToList();
        return new OptOutReach(categories, purposes);
    }
}
