using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Steward.Policy.Model;

/// <summary>Someone who receives personal data.</summary>
internal sealed class Recipient
{
    [Required] public RecipientKind Kind { get; set; }
    [Required] public LocalizedText? Name { get; set; }
    public LocalizedText? Description { get; set; }
    [Description("Data categories they receive.")]
    public List<string> Receives { get; set; } = [];
    [Description("Checks and controls applied before sharing (due diligence, contracts, need to know).")]
    public LocalizedText? Safeguards { get; set; }
    [Description("ISO country codes where they process the data, if known.")]
    public List<string> Countries { get; set; } = [];
    [Description("How to contact them (PIPL Arts. 23 and 39).")]
    public string? Email { get; set; }
    public string? Url { get; set; }
    public LocalizedText? Address { get; set; }
    [Description("How they process the data (e.g. store and use it to deliver parcels).")]
    public LocalizedText? ProcessingMethod { get; set; }
    [Description("How people exercise their rights against them.")]
    public LocalizedText? ExerciseRights { get; set; }
}

/// <summary>The kinds of recipients a notice distinguishes.</summary>
internal enum RecipientKind { Internal, Processor, Partner, Adviser, ContractParty, Authority, Acquirer, Public }

/// <summary>What the law makes of a kind of recipient.</summary>
internal static class RecipientKinds
{
    /// <summary>
    /// Whether the recipient decides for itself what it does with the data (another handler, PIPL Art. 23), not processing
    /// on our instructions (a processor, Art. 21). Companies of the same group are separate handlers: PIPL has no group
    /// exception. Authorities, buyers of a business and the public are left out: disclosure required by law, a merger
    /// (Art. 22) and publication (Art. 25) follow rules of their own.
    /// </summary>
    public static bool IsOtherHandler(this RecipientKind kind) =>
        kind is RecipientKind.Internal or RecipientKind.Partner or RecipientKind.Adviser or RecipientKind.ContractParty;
}

/// <summary>An international transfer and its safeguard.</summary>
internal sealed class Transfer
{
    /// <summary>The destination that stands for every country.</summary>
    public const string Worldwide = "worldwide";

    [Description("A heading for the notice, e.g. 'Within our group worldwide'; by default the destination's name.")]
    public LocalizedText? Name { get; set; }
    [Required, Description("ISO 3166-1 alpha-2 code of the destination, or 'worldwide'.")]
    public string? Destination { get; set; }
    [Description("Jurisdictions the data leaves (default: all in scope).")]
    public List<string> From { get; set; } = [];
    [Description("Keys of the recipients in the destination.")]
    public List<string> Recipients { get; set; } = [];
    [Description("Safeguards relied on; empty only where the destination is adequate for every origin.")]
    public List<Safeguard> Safeguards { get; set; } = [];
    [Description("Safeguards per origin jurisdiction, where they differ from 'safeguards' (e.g. eu-gdpr: [eu-scc], cn-pipl: [pipl-standard-contract]).")]
    public Dictionary<string, List<Safeguard>> SafeguardsByOrigin { get; set; } = [];
    [Description("How to get a copy of the safeguard (e.g. the standard contractual clauses).")]
    public LocalizedText? CopyAvailable { get; set; }
    public LocalizedText? Description { get; set; }

    /// <summary>The safeguards that apply to data leaving one jurisdiction: its own entry, else the common list.</summary>
    public IReadOnlyList<Safeguard> SafeguardsFor(string origin) =>
        SafeguardsByOrigin.TryGetValue(origin, out var own) ? own : Safeguards;

    /// <summary>Whether this transfer carries data of people in <paramref name="origin"/> to <paramref name="country"/>.</summary>
    public bool Reaches(string origin, string country) =>
        (From.Count == 0 || From.Contains(origin)) && (Destination == Worldwide || Destination == country);

    /// <summary>The same, for one recipient: a transfer that names its recipients covers only them.</summary>
    public bool Covers(string origin, string country, string recipient) =>
        Reaches(origin, country) && (Recipients.Count == 0 || Recipients.Contains(recipient));
}

/// <summary>Transfer mechanisms.</summary>
internal enum Safeguard
{
    Adequacy,
    EuScc,
    UkIdta,
    /// <summary>Brazil: the ANPD's standard contractual clauses.</summary>
    BrScc,
    BcrC,
    BcrP,
    ApecCbpr,
    ApecPrp,
    PiplStandardContract,
    PiplCertification,
    PiplSecurityAssessment,
    ExplicitConsent,
    ContractNecessity,
}

/// <summary>A security measure (GDPR Art. 32), as described to people.</summary>
internal sealed class SecurityMeasure
{
    [Required] public SecurityMeasureKind Kind { get; set; }
    [Required] public LocalizedText? Description { get; set; }
}

/// <summary>Kinds of safeguards.</summary>
internal enum SecurityMeasureKind { Physical, Administrative, Technical, Contractual }

/// <summary>Cookies and similar technologies.</summary>
internal sealed class Cookies
{
    [Description("Longest lifetime a persistent cookie may have (S12.2: P12M).")]
    public Duration? MaxLifetime { get; set; }
    [Description("Where people reopen the cookie settings, e.g. the footer link name.")]
    public LocalizedText? SettingsLink { get; set; }
    public LocalizedText? Description { get; set; }
    [Required] public Dictionary<string, CookieCategory> Categories { get; set; } = [];
    public Dictionary<string, Cookie> Items { get; set; } = [];
}

/// <summary>A cookie category shown in the banner.</summary>
internal sealed class CookieCategory
{
    [Required] public LocalizedText? Name { get; set; }
    [Required] public LocalizedText? Description { get; set; }
    [Description("Whether the category is only set after consent (false for strictly necessary).")]
    public bool ConsentRequired { get; set; } = true;
    [Description("Google Consent Mode v2 signals this category grants when it is on: ad_storage, ad_user_data, ad_personalization, analytics_storage, functionality_storage, personalization_storage, security_storage.")]
    public List<string> ConsentMode { get; set; } = [];
}

/// <summary>The signals of Google Consent Mode v2, the only names <see cref="CookieCategory.ConsentMode"/> accepts.</summary>
internal static class ConsentModeSignals
{
    public static readonly IReadOnlyList<string> All =
        ["ad_storage", "ad_user_data", "ad_personalization", "analytics_storage", "functionality_storage", "personalization_storage", "security_storage"];
}

/// <summary>One cookie or similar technology.</summary>
internal sealed class Cookie
{
    [Required] public string? Category { get; set; }
    [Required, Description("'session' or an ISO 8601 period.")]
    public Duration? Lifetime { get; set; }
    [Description("Who sets it: first-party or a third party's name.")]
    public string? Provider { get; set; }
    public LocalizedText? Purpose { get; set; }
    public CookieType Type { get; set; } = CookieType.Cookie;
}

/// <summary>A software development kit of another company built into an app, which collects data itself.</summary>
internal sealed class Sdk
{
    [Required, Description("The SDK's name as its provider calls it.")]
    public string? Name { get; set; }
    [Required, Description("The company that provides it.")]
    public LocalizedText? Provider { get; set; }
    [Required, Description("What it is used for in the app.")]
    public LocalizedText? Purpose { get; set; }
    [Required, Description("Data categories it collects.")]
    public List<string> DataCategories { get; set; } = [];
    [Description("Link to the provider's privacy policy.")]
    public string? PrivacyPolicy { get; set; }
    [Description("Key of the cookie (consent) category that switches it on; absent or a category without consent_required: always on.")]
    public string? Category { get; set; }
    [Description("Apps or platforms it is in (e.g. Android, iOS).")]
    public List<string> Platforms { get; set; } = [];
}

/// <summary>Cookies and similar technologies.</summary>
internal enum CookieType { Cookie, LocalStorage, WebBeacon, Pixel, Sdk }

/// <summary>A direct-marketing channel.</summary>
internal sealed class MarketingChannel
{
    [Required] public LocalizedText? Name { get; set; }
    [Description("How a person unsubscribes on this channel.")]
    [Required] public LocalizedText? Unsubscribe { get; set; }
    [Description("Whether every message carries one-click unsubscribe (RFC 8058 for email).")]
    public bool OneClickUnsubscribe { get; set; }
}
