using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Steward.People;
using Steward.Security;

namespace Steward.Consent.Decisions;

/// <summary>"May I process this for that purpose?" over HTTP, for a batch of keys about one person. Identities travel in the body.</summary>
internal static class DecisionEndpoints
{
    public const int MaxKeys = 100;

    /// <summary>
    /// The person (an identity; someone Steward has never seen is decided as having no record), the keys, the jurisdiction
    /// whose law applies (default: the one recorded for the person; required for someone unknown) and whether their
    /// browser sends a Global Privacy Control signal now.
    /// </summary>
    public sealed record DecisionRequest(ConsentEndpoints.IdentityRequest? Identity, List<string?>? Keys, string? Jurisdiction = null, bool Gpc = false);

    /// <summary>
    /// One answer. reason: other-basis (basis names it), not-required, not-applicable, granted, denied, withdrawn, expired,
    /// purpose-changed (changedInVersion names the version), no-record-opt-in, no-record-opt-out, gpc, below-minimum-age.
    /// version and at: the choice that decides; explanation: the same in a sentence.
    /// </summary>
    public sealed record DecisionResponse(string Key, bool Allowed, string Reason, List<string>? Basis, int? Version, DateTimeOffset? At,
        int? ChangedInVersion, DateTimeOffset? ExpiredAt, string Explanation);

    public sealed record DecisionsResponse(Guid? SubjectId, string Jurisdiction, int PolicyVersion, List<DecisionResponse> Decisions);

    public static IEndpointRouteBuilder MapDecisions(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/decisions", DecideAsync).WithTags("Consent").WithName("Decide")
            .RequireRoles(Roles.Service, Roles.PrivacyOfficer)
            .WithMetadata(new RequestSizeLimitAttribute(ConsentEndpoints.MaxBodyBytes))
            .WithSummary("For one person and up to 100 keys (purpose:KEY, cookie:KEY, channel:KEY): allowed or not, with the reason. 400 names an unknown key or a missing jurisdiction.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return routes;
    }

    private static async Task<Results<Ok<DecisionsResponse>, ProblemHttpResult>> DecideAsync(DecisionRequest request, IdentityParser identities,
        PeopleDirectory people, ConsentDecisions decisions, CancellationToken ct)
    {
        if (request.Identity?.Type is not { } typeName || !IdentityTypes.TryParse(typeName, out var type))
            return Invalid($"'identity.type' is one of: {string.Join(", ", IdentityTypes.All)}.");
        if (request.Keys is not { Count: > 0 } keys) return Invalid("'keys' is empty: name at least one key (purpose:KEY, cookie:KEY or channel:KEY).");
        if (keys.Count > MaxKeys) return Invalid($"At most {MaxKeys} keys are decided at once.");
        var parsed = identities.Parse(type, request.Identity.Value, request.Jurisdiction);
        if (parsed.Identity is not { } identity) return Invalid(parsed.Problem!);
        if (await decisions.RulesAsync(ct) is not { } rules) return Invalid("No policy has been published yet, so nothing can be decided.");

        var subjectId = await people.FindAsync(identity, ct);
        var state = await decisions.StateAsync(subjectId, ct);
        var jurisdiction = request.Jurisdiction ?? state.Jurisdiction;
        if (jurisdiction is null)
            return Invalid("'jurisdiction' is missing, and no jurisdiction is recorded for this person: name the one whose law applies.");
        if (!rules.HasJurisdiction(jurisdiction))
            return Invalid($"'{Clip(jurisdiction)}' is not a jurisdiction of policy version {rules.Version} ({string.Join(", ", rules.Policy.Jurisdictions)}).");

        var keyRules = new List<KeyRule>(keys.Count);
        foreach (var key in keys)
        {
            if (string.IsNullOrEmpty(key)) return Invalid("A key is empty.");
            if (rules.Find(jurisdiction, key) is not { } rule)
                return Invalid($"'{Clip(key)}' is not a key of policy version {rules.Version}: keys are purpose:KEY, cookie:KEY or channel:KEY of the policy in force.");
            if (keyRules.Any(r => r.Key == key)) return Invalid($"'{Clip(key)}' is asked twice.");
            keyRules.Add(rule);
        }
        var answers = decisions.DecideAll(state, keyRules, request.Gpc);
        return TypedResults.Ok(new DecisionsResponse(subjectId, jurisdiction, rules.Version,
            keyRules.Select((rule, i) => ToResponse(rule, answers[i])).ToList()));
    }

    private static DecisionResponse ToResponse(KeyRule rule, Decision d) =>
        new(rule.Key, d.Allowed, ReasonName(d.Reason),
            d.Reason == DecisionReason.OtherBasis ? rule.Bases.Select(b => JsonNamingPolicy.KebabCaseLower.ConvertName(b.ToString())).ToList() : null,
            d.Version == 0 ? null : d.Version, d.At, d.ChangedInVersion == 0 ? null : d.ChangedInVersion, ExpiredAt(rule, d), Explain(rule, d));

    private static DateTimeOffset? ExpiredAt(KeyRule rule, Decision d) => d.Reason == DecisionReason.Expired ? rule.ExpiresAt(d.At!.Value) : null;

    public static string ReasonName(DecisionReason reason) => JsonNamingPolicy.KebabCaseLower.ConvertName(reason.ToString());

    /// <summary>The decision in one sentence, for the engineer reading the answer or a log of it (no identity in it).</summary>
    public static string Explain(KeyRule rule, Decision d)
    {
        var on = d.At is { } at ? $" on {at:yyyy-MM-dd}" : "";
        return d.Reason switch
        {
            DecisionReason.OtherBasis => $"Allowed without consent: in {rule.Jurisdiction} it rests on {string.Join(" and ", rule.Bases.Select(b => JsonNamingPolicy.KebabCaseLower.ConvertName(b.ToString())))}.",
            DecisionReason.NotRequired => "Allowed: a strictly necessary cookie category, used without consent.",
            DecisionReason.NotApplicable => $"Not allowed: the policy does not pursue this purpose in {rule.Jurisdiction}.",
            DecisionReason.Granted => $"Allowed: consent granted{on} under policy version {d.Version}.",
            DecisionReason.Denied => $"Not allowed: consent denied{on}.",
            DecisionReason.Withdrawn => $"Not allowed: consent withdrawn{on}.",
            DecisionReason.Expired => $"{(d.Allowed ? "Allowed" : "Not allowed")}: the consent given{on} expired on {ExpiredAt(rule, d):yyyy-MM-dd}"
                + (d.Allowed ? $", and {rule.Jurisdiction} allows it until the person objects." : "; ask again."),
            DecisionReason.PurposeChanged => $"{(d.Allowed ? "Allowed" : "Not allowed")}: the consent given{on} under version {d.Version} no longer counts, as version {d.ChangedInVersion} added data categories or uses"
                + (d.Allowed ? $"; {rule.Jurisdiction} allows it until the person objects." : "; ask again."),
            DecisionReason.NoRecordOptIn => $"Not allowed: no choice is recorded, and in {rule.Jurisdiction} consent must come first.",
            DecisionReason.NoRecordOptOut => $"Allowed: no choice is recorded, and {rule.Jurisdiction} allows it after notice until the person objects.",
            DecisionReason.Gpc => $"Not allowed: the browser's Global Privacy Control signal{on} is an opt-out in {rule.Jurisdiction}.",
            DecisionReason.BelowMinimumAge => $"Not allowed: the person is below the minimum age of {rule.MinimumAge} in {rule.Jurisdiction}, and no guardian has consented.",
            _ => throw new ArgumentOutOfRangeException(nameof(d)),
        };
    }

    private static ProblemHttpResult Invalid(string problem) =>
        TypedResults.Problem(statusCode: 400, title: "The decision request is not valid", detail: problem);

    private static string Clip(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
