using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Steward.Policy.Model;

/// <summary>A right offered to people.</summary>
internal sealed class Right
{
    [Required] public RightKind Kind { get; set; }
    [Required] public LocalizedText? Name { get; set; }
    [Required] public LocalizedText? Description { get; set; }
    [Description("Jurisdictions where it is offered (default: all in scope).")]
    public List<string> Jurisdictions { get; set; } = [];
    [Description("Where and how to exercise it.")]
    public LocalizedText? HowToExercise { get; set; }
    [Description("Limits the law sets (e.g. other people's data); the reason is given when a request is refused.")]
    public LocalizedText? Limitations { get; set; }
}

/// <summary>The rights Steward knows how to fulfil.</summary>
internal enum RightKind { Access, Rectification, Erasure, Portability, Objection, Restriction, WithdrawConsent, OptOutOfSale, Explanation, Complaint, NotBeSubjectToAutomatedDecisions, DeceasedNextOfKin }

/// <summary>How the identity of a requester is verified.</summary>
internal sealed class IdentityVerification
{
    [Required] public Dictionary<string, VerificationMethod> Methods { get; set; } = [];
}

/// <summary>One verification method.</summary>
internal sealed class VerificationMethod
{
    [Required] public LocalizedText? Description { get; set; }
    [Description("Whether a copy of an identity document is asked for.")]
    public bool PhotoId { get; set; }
    [Description("Whether the proof is deleted right after verification.")]
    public bool DeleteAfterVerification { get; set; }
}

/// <summary>How rights requests are recorded and shown.</summary>
internal sealed class RightsRequests
{
    [Required, Description("What a request collects (name, contact details).")]
    public LocalizedText? Collects { get; set; }
    [Required, Description("How long the status stays visible after completion (S18.7: P90D).")]
    public Duration? StatusVisibleFor { get; set; }
    [Required, Description("How long request records are kept after the last communication (S18.8: P3Y).")]
    public Duration? RecordsKeptFor { get; set; }
    [Description("Where requests are submitted.")]
    public string? Url { get; set; }
    public string? Email { get; set; }
}

/// <summary>How long the proof of a consent is kept after the consent stops being relied on.</summary>
internal sealed class ConsentRecords
{
    [Required, Description("How long a consent event is kept after it stops being relied on (superseded by a later choice, its validity ended, or the person erased): the limitation period for claims in which the consent must be proved (e.g. P3Y). The choice that stands is kept as long as it stands.")]
    public Duration? KeptFor { get; set; }
}

/// <summary>The minimum age for using services without a guardian's consent.</summary>
internal sealed class Children
{
    [Required, Description("Minimum age unless a jurisdiction says otherwise (S13.1: 16).")]
    public int DefaultMinimumAge { get; set; }
    [Description("Minimum age per jurisdiction key, where different.")]
    public Dictionary<string, int> MinimumAge { get; set; } = [];
    [Description("How a parent or guardian consents for a child below the minimum age; absent: the services are not meant for such children.")]
    public LocalizedText? GuardianConsent { get; set; }
    public LocalizedText? Statement { get; set; }
}

/// <summary>Where people can complain.</summary>
internal sealed class Complaints
{
    [Required] public LocalizedText? SupervisoryAuthority { get; set; }
    [Description("Dispute-resolution providers (e.g. in the United States), by key.")]
    public Dictionary<string, Contact> DisputeResolution { get; set; } = [];
}

/// <summary>A supplementary notice that adds to the main one.</summary>
internal sealed class SupplementaryNotice
{
    [Required] public LocalizedText? Title { get; set; }
    [Required] public string? Url { get; set; }
    public LocalizedText? Description { get; set; }
    public List<string> Jurisdictions { get; set; } = [];
}

/// <summary>Texts of the notice itself.</summary>
internal sealed class NoticeTexts
{
    [Required] public LocalizedText? Title { get; set; }
    [Required, Description("The opening of the introduction.")]
    public LocalizedText? Introduction { get; set; }
    [Description("How changes are announced (S20.1).")]
    public LocalizedText? Updates { get; set; }
    [Description("When the privacy office last reviewed the statement (YYYY-MM-DD).")]
    public DateOnly? LastReviewed { get; set; }
    [Description("Languages the statement exists in besides en and zh-CN, as names.")]
    public List<string> OtherLanguages { get; set; } = [];
}
