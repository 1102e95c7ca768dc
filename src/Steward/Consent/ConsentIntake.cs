using System.Globalization;
using Steward.Consent.Decisions;
using Steward.People;
using Steward.Policy;

namespace Steward.Consent;

/// <summary>A submission as it arrived (API body or CSV line), before any check.</summary>
internal sealed record RawConsent(string? IdentityType, string? IdentityValue, string? Jurisdiction, int? PolicyVersion, string? TextHash,
    string? Language, string? Method, DateTimeOffset? OccurredAt, string? Ip, string? UserAgent, IReadOnlyList<(string? Key, string? Choice)> Choices,
    string? BirthDate = null, int? Age = null);

/// <summary>A checked submission, or the one problem that rejects it (never quoting an identity value); whether that is a grant by a person below the minimum age.</summary>
internal readonly record struct IntakeResult(ConsentRecord? Record, string? Problem, bool BelowMinimumAge = false);

/// <summary>
/// Checks submissions against the published policy: the identity's form, the jurisdiction and version, each key (see
/// <see cref="ConsentKeys"/>), the proof's form; truncates IP addresses. Nothing is written here. One instance per
/// request or import: it keeps the policy versions it has read.
/// </summary>
internal sealed class ConsentIntake(IdentityParser identities, PolicyStore policies, PeopleDirectory people, ConsentStateCache states, TimeProvider time)
{
    public const int MaxChoices = 100;
    /// <summary>The oldest age taken as stated; anything above is a typing error.</summary>
    public const int MaxAge = 130;
    /// <summary>How far ahead of Steward's clock a caller's clock may run.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly Dictionary<int, PublishedPolicy?> _versions = [];
    private PublishedPolicy? _current;

    /// <summary>Checks one submission. <paramref name="imported"/>: from <c>steward consent import</c> (method import, time required).</summary>
    public Task<IntakeResult> CheckAsync(RawConsent raw, bool imported, CancellationToken ct) =>
        CheckAsync(raw, imported ? ConsentMethod.Import : null, guardianId: null, ct);

    /// <summary>Checks the choices a parent or guardian (subject <paramref name="guardianId"/>) made through a guardian link: method guardian.</summary>
    public Task<IntakeResult> CheckGuardianAsync(RawConsent raw, Guid guardianId, CancellationToken ct) =>
        CheckAsync(raw, ConsentMethod.Guardian, guardianId, ct);

    /// <summary>Checks the choices a rights request carries out (a withdrawal, an opt-out): method rights-request.</summary>
    public Task<IntakeResult> CheckRightsRequestAsync(RawConsent raw, CancellationToken ct) =>
        CheckAsync(raw, ConsentMethod.RightsRequest, guardianId: null, ct);

    private async Task<IntakeResult> CheckAsync(RawConsent raw, ConsentMethod? fixedMethod, Guid? guardianId, CancellationToken ct)
    {
        var imported = fixedMethod == ConsentMethod.Import;
        if (raw.IdentityType is null || !IdentityTypes.TryParse(raw.IdentityType, out var type))
            return Fail($"The identity type is one of: {string.Join(", ", IdentityTypes.All)}.");
        if (string.IsNullOrWhiteSpace(raw.Jurisdiction)) return Fail("The jurisdiction is missing: the key of the jurisdiction whose law applies to the person.");
        var parsed = identities.Parse(type, raw.IdentityValue, raw.Jurisdiction);
        if (parsed.Identity is not { } identity) return Fail(parsed.Problem!);

        var policy = raw.PolicyVersion is { } v ? await VersionAsync(v, ct) : _current ??= await policies.CurrentAsync(ct);
        if (policy is null)
            return Fail(raw.PolicyVersion is { } missing ? $"There is no published policy version {missing}." : "No policy has been published yet.");
        var version = policy.Info.Version;
        if (!policy.Document.Jurisdictions.Contains(raw.Jurisdiction, StringComparer.Ordinal))
            return Fail($"'{Clip(raw.Jurisdiction)}' is not a jurisdiction of policy version {version} ({string.Join(", ", policy.Document.Jurisdictions)}).");

        ConsentMethod method;
        if (fixedMethod is { } given) method = given;
        else if (!ConsentWords.TryParse(raw.Method ?? "api", out method) || method is ConsentMethod.Import or ConsentMethod.RightsRequest)
            return Fail($"'method' is one of: {string.Join(", ", ConsentWords.AllMethods.Where(m => m is not ("import" or "rights-request")))} (import is for 'steward consent import'; rights-request is recorded by a rights request).");
        else if (method == ConsentMethod.Guardian)
            return Fail("A parent's or guardian's consent is recorded only through a guardian request (POST /api/v1/guardian-requests), whose signed link the guardian opens; nothing was recorded.");

        if (ConsentProofs.TextHashProblem(raw.TextHash) is { } hashProblem) return Fail(hashProblem);
        if (ConsentProofs.LanguageProblem(raw.Language) is { } languageProblem) return Fail(languageProblem);
        var now = time.GetUtcNow();
        if (imported && raw.OccurredAt is null) return Fail("The time the choice was made is missing.");
        // Stored in UTC (PostgreSQL keeps no offset); the moment is the same.
        var occurredAt = raw.OccurredAt?.ToUniversalTime() ?? now;
        if (occurredAt > now + ClockSkew) return Fail("The time the choice was made is in the future.");
        var stated = StatedBirthDate(raw, DateOnly.FromDateTime(now.UtcDateTime));
        if (stated.Problem is { } birthProblem) return Fail(birthProblem);

        string? ip = null;
        if (!string.IsNullOrWhiteSpace(raw.Ip) && (ip = ConsentProofs.Truncate(raw.Ip)) is null) return Fail("The IP address is not an IPv4 or IPv6 address.");
        var userAgent = string.IsNullOrWhiteSpace(raw.UserAgent) ? null : raw.UserAgent.Trim();
        if (userAgent is { Length: > ConsentProofs.MaxUserAgentLength }) return Fail($"The user agent is longer than {ConsentProofs.MaxUserAgentLength} characters.");

        if (raw.Choices.Count == 0) return Fail("There are no choices: send at least one key with its choice.");
        if (raw.Choices.Count > MaxChoices) return Fail($"At most {MaxChoices} choices are recorded at once.");
        var choices = new List<KeyChoice>(raw.Choices.Count);
        foreach (var (key, choiceName) in raw.Choices)
        {
            if (ConsentKeys.Problem(policy.Document, version, raw.Jurisdiction, key) is { } keyProblem) return Fail(keyProblem);
            if (!ConsentWords.TryParse(choiceName, out ConsentChoice choice))
                return Fail($"The choice for '{key}' is one of: {string.Join(", ", ConsentWords.AllChoices)}.");
            if (choices.Any(c => c.Key == key)) return Fail($"'{key}' is given twice.");
            choices.Add(new KeyChoice(key!, choice));
        }
        // A child may refuse or withdraw; only a parent or guardian may grant (GDPR Art. 8, PIPL Art. 31).
        if (method != ConsentMethod.Guardian && choices.Any(c => c.Choice == ConsentChoice.Granted)
            && (stated.BirthDate ?? await StoredBirthDateAsync(identity, ct)) is { } born)
        {
            var minimumAge = ConsentRules.MinimumAgeIn(policy.Document, raw.Jurisdiction);
            if (BirthDates.YoungerThan(born, minimumAge, DateOnly.FromDateTime(occurredAt.UtcDateTime)))
                return new IntakeResult(null, $"The person is below the minimum age of {minimumAge} in {raw.Jurisdiction}: consent must be given by a parent or guardian " +
                    "(method guardian, through a guardian request); nothing was recorded.", BelowMinimumAge: true);
        }
        return new IntakeResult(new ConsentRecord(identity, raw.Jurisdiction, version, raw.TextHash, raw.Language, method, occurredAt,
            new BrowserProof(ip, userAgent), choices, stated.BirthDate, guardianId), null);
    }

    /// <summary>The birth date stored for whoever has <paramref name="identity"/>, from the consent state every node keeps current.</summary>
    private async Task<DateOnly?> StoredBirthDateAsync(Identity identity, CancellationToken ct) =>
        await people.FindAsync(identity, ct) is { } subject && await states.GetAsync(subject, ct) is { } state ? state.BirthDate : null;

    /// <summary>
    /// The birth date the submission states: as given, or for an age the latest date consistent with it (the youngest
    /// reading, so that a stated age never makes a child pass for older). Never quotes the value in a problem.
    /// </summary>
    private static (DateOnly? BirthDate, string? Problem) StatedBirthDate(RawConsent raw, DateOnly today)
    {
        if (raw.BirthDate is not null && raw.Age is not null) return (null, "Give the birth date or the age, not both.");
        if (raw.Age is { } age)
            return age is < 0 or > MaxAge ? (null, $"The age is a whole number of years from 0 to {MaxAge}.") : (today.AddYears(-age), null);
        if (raw.BirthDate is not { } text) return (null, null);
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born))
            return (null, "The birth date is a date written yyyy-mm-dd, e.g. 2012-04-30.");
        if (born > today) return (null, "The birth date is in the future.");
        if (born < today.AddYears(-MaxAge)) return (null, $"The birth date is more than {MaxAge} years ago.");
        return (born, null);
    }

    private async Task<PublishedPolicy?> VersionAsync(int version, CancellationToken ct)
    {
        if (!_versions.TryGetValue(version, out var policy)) _versions[version] = policy = await policies.GetAsync(version, ct);
        return policy;
    }

    private static IntakeResult Fail(string problem) => new(null, problem);

    /// <summary>Names a caller's unknown value without letting a long one fill the message.</summary>
    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
