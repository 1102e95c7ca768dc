using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Steward.Policy.Model;

/// <summary>Why personal data is processed: the unit of the notice, the record of processing, consent and retention.</summary>
internal sealed class Purpose
{
    [Required] public LocalizedText? Name { get; set; }
    [Required, Description("What is done with the data and why, in plain sentences.")]
    public LocalizedText? Description { get; set; }
    [Required, Description("Key of the activity this purpose belongs to.")]
    public string? Activity { get; set; }
    [Description("Data uses (fideslang keys or custom).")]
    public List<string> Uses { get; set; } = [];
    [Required, Description("Data categories processed (fideslang keys or custom).")]
    public List<string> DataCategories { get; set; } = [];
    [Required, Description("Data subjects concerned.")]
    public List<string> Subjects { get; set; } = [];
    [Description("Keys of the sources the data comes from.")]
    public List<string> Sources { get; set; } = [];
    [Description("Jurisdictions where this purpose applies (default: all in scope); legal bases are asked for only there.")]
    public List<string> Jurisdictions { get; set; } = [];
    [Description("Legal basis per jurisdiction key, one or a list; 'default' covers jurisdictions not listed. None for a processor purpose.")]
    public Dictionary<string, LegalBases> LegalBasis { get; set; } = [];
    [Description("The legitimate interests pursued, where a legal basis is legitimate-interests.")]
    public LocalizedText? LegitimateInterests { get; set; }
    [Description("How consent is asked and withdrawn, where a legal basis is consent.")]
    public ConsentRule? Consent { get; set; }
    [Required] public Retention? Retention { get; set; }
    [Description("Keys of the recipients of this purpose's data.")]
    public List<string> Recipients { get; set; } = [];
    [Description("Keys of the international transfers of this purpose's data.")]
    public List<string> Transfers { get; set; } = [];
    [Description("Keys of the marketing channels used (marketing purposes).")]
    public List<string> MarketingChannels { get; set; } = [];
    [Description("Keys of the cookie categories that serve this purpose.")]
    public List<string> CookieCategories { get; set; } = [];
    [Description("Whether the person must provide the data and what happens if not (GDPR Art. 13(2)(e)).")]
    public LocalizedText? ProvisionRequirement { get; set; }
    [Description("Automated decisions or profiling, with their logic and consequences; absent means none.")]
    public LocalizedText? AutomatedDecisions { get; set; }
    [Description("Role: controller (default) or processor on behalf of a business client.")]
    public ProcessingRole Role { get; set; } = ProcessingRole.Controller;
    [Description("For a processor purpose: the controllers on whose behalf the data is processed (GDPR Art. 30(2)(a)).")]
    public LocalizedText? Client { get; set; }
    [Description("Where the purpose processes sensitive personal information: why that is necessary and how it affects the person (PIPL Arts. 28-30).")]
    public SensitiveProcessing? Sensitive { get; set; }

    /// <summary>Whether the purpose applies to people in a jurisdiction: listed, or no list at all.</summary>
    public bool AppliesIn(string jurisdiction) => Jurisdictions.Count == 0 || Jurisdictions.Contains(jurisdiction);

    /// <summary>
    /// The legal bases that apply in a jurisdiction: its own entry, else the default; none where the purpose does not
    /// apply there or none is given.
    /// </summary>
    public IReadOnlyList<LegalBasis> LegalBasesIn(string jurisdiction) =>
        !AppliesIn(jurisdiction) ? []
        : LegalBasis.TryGetValue(jurisdiction, out var own) ? own
        : LegalBasis.TryGetValue(PolicyDocument.DefaultKey, out var fallback) ? fallback : [];

    /// <summary>Whether consent is one of the bases in a jurisdiction (the consent duties of that law then apply).</summary>
    public bool ReliesOnConsentIn(string jurisdiction) => LegalBasesIn(jurisdiction).Contains(Model.LegalBasis.Consent);
}

/// <summary>
/// The legal bases of a purpose in one jurisdiction: one (<c>consent</c>) or a list (<c>[contract, legal-obligation]</c>)
/// where different parts of the processing rest on different bases.
/// </summary>
internal sealed class LegalBases : List<LegalBasis>
{
    public LegalBases() { }
    public LegalBases(IEnumerable<LegalBasis> bases) : base(bases) { }
}

/// <summary>Whether Steward's organisation decides the purpose or processes for a client.</summary>
internal enum ProcessingRole { Controller, Processor, JointController }

/// <summary>Legal bases across the laws in the jurisdiction catalogue.</summary>
internal enum LegalBasis
{
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
    /// <summary>Brazil LGPD Art. 7 X.</summary>
    CreditProtection,
    /// <summary>Exercise or defence of rights in judicial, administrative or arbitral proceedings.</summary>
    LegalClaims,
    /// <summary>PIPL: human-resources management under labour rules or collective contracts.</summary>
    HumanResources,
    /// <summary>PIPL: public-health emergencies, protection of life, health and property.</summary>
    PublicHealth,
    /// <summary>PIPL: news reporting and public-opinion supervision in the public interest.</summary>
    NewsReporting,
    /// <summary>PIPL: data the person made public or otherwise lawfully public, within reason.</summary>
    PubliclyAvailable,
    /// <summary>US-style regimes without legal bases: notice at collection and the right to opt out.</summary>
    NoticeAndOptOut,
}

/// <summary>How consent for a purpose is obtained and withdrawn.</summary>
internal sealed class ConsentRule
{
    [Required] public ConsentMechanism Mechanism { get; set; }
    [Description("How to withdraw, as easy as giving it.")]
    public LocalizedText? Withdrawal { get; set; }
    [Description("How long a consent stays valid before it is asked again (e.g. P12M).")]
    public Duration? Validity { get; set; }
    [Description("Whether consent is asked for this purpose alone, apart from any other consent or terms (PIPL separate consent, 单独同意).")]
    public bool Separate { get; set; }
}

/// <summary>What a notice must say where sensitive personal information is processed (PIPL Art. 30).</summary>
internal sealed class SensitiveProcessing
{
    [Required, Description("Why processing the sensitive information is necessary for the purpose.")]
    public LocalizedText? Necessity { get; set; }
    [Required, Description("How the processing affects the person's rights and interests.")]
    public LocalizedText? Impact { get; set; }
}

/// <summary>Where consent is collected.</summary>
internal enum ConsentMechanism { CookieBanner, PreferenceCentre, Checkbox, DoubleOptIn, Form, AppSetting }

/// <summary>How long data is kept: a period, criteria, or both; optionally per data category.</summary>
internal sealed class Retention
{
    [Description("ISO 8601 period, e.g. P3Y, P6M, P30D.")]
    public Duration? Period { get; set; }
    [Description("What the period counts from, or the criteria when there is no fixed period.")]
    public LocalizedText? Criteria { get; set; }
    [Description("Longer or shorter periods for some data categories (key: category).")]
    public Dictionary<string, CategoryRetention> Categories { get; set; } = [];
    [Description("What happens at the end: delete (default) or anonymise.")]
    public RetentionAction Action { get; set; } = RetentionAction.Delete;
}

/// <summary>The retention of one data category within a purpose.</summary>
internal sealed class CategoryRetention
{
    public Duration? Period { get; set; }
    public LocalizedText? Criteria { get; set; }
}

/// <summary>The end of retention.</summary>
internal enum RetentionAction { Delete, Anonymise }
