using System.Text.Json;
using Steward.Policy.Model;

namespace Steward.Policy.Catalogue;

/// <summary>
/// What Steward knows about one law: its legal bases, children's age, transfer regime, the data it treats as sensitive,
/// and which of the consent and notice duties that go beyond the common ones it imposes (see the catalogue's "about").
/// </summary>
internal sealed record Jurisdiction(
    string Key,
    LocalizedText Name,
    bool RequiresLegalBasis,
    IReadOnlyList<LegalBasis> LegalBases,
    int MinimumChildAge,
    bool RestrictsTransfers,
    IReadOnlyList<string> Domestic,
    IReadOnlyList<string> Adequate,
    string? Notes,
    IReadOnlyList<Safeguard>? Safeguards = null,
    Safeguard? SuggestedSafeguard = null,
    IReadOnlyList<AbsentBasis>? AbsentBases = null,
    IReadOnlyList<string>? SensitiveCategories = null,
    bool SeparateConsent = false,
    bool SensitiveExplained = false,
    bool RecipientDetails = false,
    bool ExplicitConsentForSensitive = false,
    LawfulnessRule? LawfulnessRule = null,
    ConsentDefault? ConsentDefault = null,
    bool GpcBinding = false,
    IReadOnlyList<string>? OptOutUses = null,
    RequestDeadlines? Deadlines = null)
{
    /// <summary>Whether the law's opt-out (of sale, sharing, targeted advertising, profiling) reaches a purpose with these data uses.</summary>
    public bool OptOutReaches(IEnumerable<string> uses) =>
        OptOutUses is { Count: > 0 } reach && uses.Any(u => reach.Any(r => u == r || u.StartsWith(r + ".", StringComparison.Ordinal)));

    /// <summary>Whether a country is outside the law's own territory, where data that goes there has been transferred.</summary>
    public bool IsAbroad(string country) => country == Transfer.Worldwide || !Domestic.Contains(country);
}

/// <summary>
/// How a law without a list of legal bases allows processing, so the notice can say it right: consent with the
/// exceptions the law lists (Singapore, Canada, India), use within the purposes stated with consent for anything
/// beyond (Japan), or notice at collection with the right to opt out (US states).
/// </summary>
internal enum LawfulnessRule { ConsentWithExceptions, PurposeAndConsent, NoticeAndOptOut }

/// <summary>What no recorded choice means for something a person can consent to: nothing until they agree, or allowed until they object.</summary>
internal enum ConsentDefault { OptIn, OptOut }

/// <summary>
/// A legal basis people commonly assume a law has but it does not (legitimate interests under PIPL): a problem with
/// its own code and an explanation, instead of the generic "not provided by that law".
/// </summary>
internal sealed record AbsentBasis(LegalBasis Basis, string Code, string Reason, string Instead);

/// <summary>The bundled rule pack of jurisdictions (Catalogue/jurisdictions.json).</summary>
internal sealed class JurisdictionCatalogue
{
    public IReadOnlyDictionary<string, Jurisdiction> ByKey { get; }

    private JurisdictionCatalogue(IEnumerable<Jurisdiction> all) =>
        ByKey = all.ToDictionary(j => j.Key, StringComparer.Ordinal);

    public static JurisdictionCatalogue Bundled { get; } = Load();

    public Jurisdiction? Find(string key) => ByKey.GetValueOrDefault(key);

    private sealed record File(List<Jurisdiction> Jurisdictions);

    private static JurisdictionCatalogue Load()
    {
        using var stream = typeof(JurisdictionCatalogue).Assembly.GetManifestResourceStream("Steward.Policy.Catalogue.jurisdictions.json")
            ?? throw new InvalidOperationException("The jurisdiction catalogue is not embedded.");
        var file = JsonSerializer.Deserialize<File>(stream, PolicyLoader.Json)!;
        // A law that restricts transfers gets problems that propose a safeguard; the data must say which.
        if (file.Jurisdictions.FirstOrDefault(j => j.RestrictsTransfers && j.SuggestedSafeguard is null) is { } missing)
            throw new InvalidOperationException($"The jurisdiction catalogue names no suggested_safeguard for {missing.Key}.");
        // A law without legal bases gets a sentence in the notice that says how it allows processing instead.
        if (file.Jurisdictions.FirstOrDefault(j => !j.RequiresLegalBasis && j.LawfulnessRule is null) is { } unruled)
            throw new InvalidOperationException($"The jurisdiction catalogue names no lawfulness_rule for {unruled.Key}.");
        // Decisions need to know what silence means in every law.
        if (file.Jurisdictions.FirstOrDefault(j => j.ConsentDefault is null) is { } silent)
            throw new InvalidOperationException($"The jurisdiction catalogue names no consent_default for {silent.Key}.");
        // Every rights request gets a due date from its law.
        if (file.Jurisdictions.FirstOrDefault(j => j.Deadlines is null) is { } undated)
            throw new InvalidOperationException($"The jurisdiction catalogue names no deadlines for {undated.Key}.");
        return new JurisdictionCatalogue(file.Jurisdictions);
    }
}
