using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steward.People;

namespace Steward.Consent;

/// <summary>A person's choice about one key.</summary>
internal enum ConsentChoice { Granted, Denied, Withdrawn }

/// <summary>How the choice was made (the proof's "method").</summary>
internal enum ConsentMethod { Banner, PreferenceCentre, Api, Import, UnsubscribeLink, Gpc, Guardian, RightsRequest }

/// <summary>
/// One choice of one person about one key, as it was made: an immutable event in the spirit of ISO/IEC TS 27560
/// (the current state is derived from the events, never stored). The skeleton (key, choice, method, version, text
/// hash, language, jurisdiction, times) is kept in clear so decisions need no key; the browser's truncated address
/// and user agent are personal data and sit in <see cref="Proof"/>, sealed with the subject's data key, so erasing
/// the subject (destroying the key) leaves them unreadable. Entity; never leaves the process; never updated except
/// when a merge of two subjects re-homes it.
/// </summary>
internal sealed class ConsentEvent
{
    public Guid Id { get; init; }
    public Guid SubjectId { get; init; }
    /// <summary>Namespaced key of the policy: <c>purpose:KEY</c>, <c>cookie:KEY</c> or <c>channel:KEY</c>.</summary>
    public required string Key { get; init; }
    public ConsentChoice Choice { get; init; }
    public ConsentMethod Method { get; init; }
    /// <summary>The published policy version the person saw.</summary>
    public int PolicyVersion { get; init; }
    /// <summary>SHA-256 (64 lower-case hex digits) of the exact text shown, when the caller sent it.</summary>
    public string? TextHash { get; init; }
    /// <summary>Language of the text shown (a BCP 47 tag such as <c>en</c> or <c>zh-CN</c>).</summary>
    public string? Language { get; init; }
    /// <summary>Key of the jurisdiction whose law applied (a key of the policy's <c>jurisdictions</c>).</summary>
    public required string Jurisdiction { get; init; }
    /// <summary>When the person made the choice (for imports: as the other tool recorded it).</summary>
    public DateTimeOffset OccurredAt { get; init; }
    /// <summary>When Steward recorded it.</summary>
    public DateTimeOffset RecordedAt { get; init; }
    /// <summary>Truncated IP address and user agent, sealed (AES-256-GCM) with the subject's data key; null when the caller had neither.</summary>
    public byte[]? Proof { get; init; }
    /// <summary>The parent or guardian who made the choice for a child (method guardian), a subject of their own; null otherwise.</summary>
    public Guid? GuardianId { get; init; }
}

/// <summary>The stored names of choices and methods: they are the API's and the CSV's words too, so they never change.</summary>
internal static class ConsentWords
{
    private static readonly Dictionary<ConsentChoice, string> Choices = new()
    {
        [ConsentChoice.Granted] = "granted",
        [ConsentChoice.Denied] = "denied",
        [ConsentChoice.Withdrawn] = "withdrawn",
    };

    private static readonly Dictionary<ConsentMethod, string> Methods = new()
    {
        [ConsentMethod.Banner] = "banner",
        [ConsentMethod.PreferenceCentre] = "preference-centre",
        [ConsentMethod.Api] = "api",
        [ConsentMethod.Import] = "import",
        [ConsentMethod.UnsubscribeLink] = "unsubscribe-link",
        [ConsentMethod.Gpc] = "gpc",
        [ConsentMethod.Guardian] = "guardian",
        [ConsentMethod.RightsRequest] = "rights-request",
    };

    private static readonly Dictionary<string, ConsentChoice> ChoiceByName = Choices.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);
    private static readonly Dictionary<string, ConsentMethod> MethodByName = Methods.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> AllChoices => Choices.Values;
    public static IReadOnlyCollection<string> AllMethods => Methods.Values;

    public static string Name(ConsentChoice choice) => Choices[choice];
    public static string Name(ConsentMethod method) => Methods[method];
    public static bool TryParse(string? name, out ConsentChoice choice) => ChoiceByName.TryGetValue(name ?? "", out choice);
    public static bool TryParse(string? name, out ConsentMethod method) => MethodByName.TryGetValue(name ?? "", out method);
}

internal sealed class ConsentEventConfiguration : IEntityTypeConfiguration<ConsentEvent>
{
    public void Configure(EntityTypeBuilder<ConsentEvent> e)
    {
        e.ToTable("consent_events");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Key).HasMaxLength(ConsentKeys.MaxLength);
        e.Property(x => x.Choice).HasMaxLength(16).HasConversion(c => ConsentWords.Name(c), s => ParseChoice(s));
        e.Property(x => x.Method).HasMaxLength(24).HasConversion(m => ConsentWords.Name(m), s => ParseMethod(s));
        e.Property(x => x.TextHash).HasMaxLength(64);
        e.Property(x => x.Language).HasMaxLength(ConsentProofs.MaxLanguageLength);
        e.Property(x => x.Jurisdiction).HasMaxLength(PeopleDirectory.MaxJurisdictionLength);
        // A subject's history in order, and the state per key: both read by subject.
        e.HasIndex(x => new { x.SubjectId, x.Key, x.OccurredAt });
        // Events are evidence: a subject row that still has them cannot be deleted.
        e.HasOne<DataSubject>().WithMany().HasForeignKey(x => x.SubjectId).OnDelete(DeleteBehavior.Restrict);
        // The guardian named in the proof stays as long as the proof does.
        e.HasOne<DataSubject>().WithMany().HasForeignKey(x => x.GuardianId).OnDelete(DeleteBehavior.Restrict);
    }

    private static ConsentChoice ParseChoice(string name) =>
        ConsentWords.TryParse(name, out ConsentChoice c) ? c : throw new InvalidOperationException("A stored consent event has an unknown choice.");

    private static ConsentMethod ParseMethod(string name) =>
        ConsentWords.TryParse(name, out ConsentMethod m) ? m : throw new InvalidOperationException("A stored consent event has an unknown method.");
}
