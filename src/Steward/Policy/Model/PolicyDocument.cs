using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Steward.Policy.Model;

/// <summary>
/// The privacy policy as data: the root of a policy file (or of the merged files of a folder).
/// Maps are keyed by the policy's own keys, which every other part refers to.
/// </summary>
[Description("A Steward privacy policy: the promises of a privacy statement as data.")]
internal sealed class PolicyDocument
{
    /// <summary>The key that stands for "everywhere not listed" in jurisdiction-keyed maps (controllers, legal bases).</summary>
    public const string DefaultKey = "default";

    private Catalogue.Taxonomy? _taxonomy;

    /// <summary>
    /// The bundled taxonomy with this policy's own entries, built on first use and kept: validation, the notice,
    /// the record of processing and diffs all read it. A loaded policy is not changed afterwards.
    /// </summary>
    internal Catalogue.Taxonomy Taxonomy => _taxonomy ??= Catalogue.Taxonomy.Bundled.ExtendedBy(this);

    [Required, Description("Format version of this file; 1.")]
    public int Steward { get; set; }

    [Description("Other policy files to merge into this one (paths relative to this file).")]
    public List<string> Include { get; set; } = [];

    [Required] public Organisation Organisation { get; set; } = new();
    [Description("Legal entities of the group (parent, subsidiaries), by key.")]
    public Dictionary<string, Entity> Entities { get; set; } = [];
    [Description("Which entity is the controller for people in which country or region; 'default' for the rest.")]
    public Dictionary<string, string> Controllers { get; set; } = [];
    [Description("Legal representatives by area (eea, uk, ...).")]
    public Dictionary<string, Representative> Representatives { get; set; } = [];
    [Description("The data protection officer.")]
    public Contact? Dpo { get; set; }
    [Description("Ways to reach the privacy team.")]
    public Dictionary<string, Contact> Contacts { get; set; } = [];
    [Required, Description("Jurisdictions in scope (keys of the bundled jurisdiction catalogue: eu-gdpr, uk-gdpr, us-ca, br-lgpd, cn-pipl, ...).")]
    public List<string> Jurisdictions { get; set; } = [];

    [Description("Data subjects beyond the bundled fideslang taxonomy.")]
    public Dictionary<string, TaxonomyExtension> DataSubjects { get; set; } = [];
    [Description("Data categories beyond the bundled fideslang taxonomy.")]
    public Dictionary<string, TaxonomyExtension> DataCategories { get; set; } = [];
    [Description("Data uses beyond the bundled fideslang taxonomy.")]
    public Dictionary<string, TaxonomyExtension> DataUses { get; set; } = [];

    [Description("Where personal data comes from.")]
    public Dictionary<string, Source> Sources { get; set; } = [];
    [Description("Processing activities (accounts, websites, marketing, ...): how the notice groups purposes.")]
    public Dictionary<string, Activity> Activities { get; set; } = [];
    [Required, Description("Purposes of processing, by key.")]
    public Dictionary<string, Purpose> Purposes { get; set; } = [];
    public Cookies? Cookies { get; set; }
    [Description("Software development kits of other companies in the apps, by key.")]
    public Dictionary<string, Sdk> Sdks { get; set; } = [];
    [Description("Where personal data is stored, per jurisdiction key of the people it concerns; 'default' for the rest.")]
    public Dictionary<string, DataStorage> Storage { get; set; } = [];
    [Description("Channels of direct marketing (email, phone, post, ...).")]
    public Dictionary<string, MarketingChannel> MarketingChannels { get; set; } = [];
    [Description("Who receives personal data, by key.")]
    public Dictionary<string, Recipient> Recipients { get; set; } = [];
    [Description("International transfers, by key.")]
    public Dictionary<string, Transfer> Transfers { get; set; } = [];
    [Description("Technical and organisational security measures, by key.")]
    public Dictionary<string, SecurityMeasure> SecurityMeasures { get; set; } = [];
    [Description("Rights offered to people and how to exercise them, by key (access, erasure, ...).")]
    public Dictionary<string, Right> Rights { get; set; } = [];
    public IdentityVerification? IdentityVerification { get; set; }
    [Required] public RightsRequests RightsRequests { get; set; } = new();
    [Description("How long consent records are kept once no longer relied on (S17.3); absent: they are kept.")]
    public ConsentRecords? ConsentRecords { get; set; }
    [Required] public Children Children { get; set; } = new();
    public Complaints? Complaints { get; set; }
    [Description("Supplementary notices (per product, service or region) that add to this one.")]
    public Dictionary<string, SupplementaryNotice> SupplementaryNotices { get; set; } = [];
    [Required] public NoticeTexts Notice { get; set; } = new();
}

/// <summary>The organisation that publishes the notice.</summary>
internal sealed class Organisation
{
    [Required] public LocalizedText? Name { get; set; }
    [Description("Who the statement covers, e.g. the company and its subsidiaries unless one has its own statement.")]
    public LocalizedText? Scope { get; set; }
    public string? Website { get; set; }
}

/// <summary>A legal entity of the group.</summary>
internal sealed class Entity
{
    [Required] public LocalizedText? Name { get; set; }
    public LocalizedText? Address { get; set; }
    [Description("ISO 3166-1 alpha-2 country code.")]
    public string? Country { get; set; }
    public string? Email { get; set; }
    public string? Url { get; set; }
}

/// <summary>A legal representative (GDPR Art. 27 and the like).</summary>
internal sealed class Representative
{
    [Required] public LocalizedText? Area { get; set; }
    [Required] public LocalizedText? Name { get; set; }
    public LocalizedText? Address { get; set; }
    public string? Email { get; set; }
}

/// <summary>A way to reach someone about privacy.</summary>
internal sealed class Contact
{
    [Required] public LocalizedText? Name { get; set; }
    public LocalizedText? Description { get; set; }
    public string? Email { get; set; }
    public string? Url { get; set; }
    public LocalizedText? Address { get; set; }
}

/// <summary>A data subject, category or use added to the bundled taxonomy.</summary>
internal sealed class TaxonomyExtension
{
    [Required] public LocalizedText? Name { get; set; }
    public LocalizedText? Description { get; set; }
    [Description("Key of the parent entry (bundled or custom).")]
    public string? Parent { get; set; }
    [Description("For a data category: the jurisdictions where it is sensitive personal information (PIPL Art. 28, GDPR Art. 9).")]
    public List<string> SensitiveIn { get; set; } = [];
}

/// <summary>Where the personal data of people in one jurisdiction is stored.</summary>
internal sealed class DataStorage
{
    [Required, Description("ISO 3166-1 alpha-2 codes of the countries where it is stored.")]
    public List<string> Countries { get; set; } = [];
    [Description("Countries that hold a copy (backup, disaster recovery).")]
    public List<string> Copies { get; set; } = [];
    public LocalizedText? Description { get; set; }
}

/// <summary>Where personal data comes from.</summary>
internal sealed class Source
{
    [Required] public SourceKind Kind { get; set; }
    [Required] public LocalizedText? Name { get; set; }
    public LocalizedText? Description { get; set; }
    [Description("For third-party sources: how the lawful collection and the permission to share were checked.")]
    public LocalizedText? LawfulSourceAttestation { get; set; }
}

/// <summary>Whether data comes from the person, from the organisation's own systems, or from others.</summary>
internal enum SourceKind { FirstParty, Observed, ThirdParty, Public }

/// <summary>A processing activity: a heading of the notice that groups purposes.</summary>
internal sealed class Activity
{
    [Required] public LocalizedText? Name { get; set; }
    [Description("What the activity is, in plain words, as the first paragraph of its part of the notice.")]
    public LocalizedText? Summary { get; set; }
    public int Order { get; set; }
}
