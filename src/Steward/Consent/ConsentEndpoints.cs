using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Steward.People;
using Steward.Security;

namespace Steward.Consent;

/// <summary>Consent over HTTP: record choices with their proof, read a person's state and history. Identities travel in bodies only.</summary>
internal static class ConsentEndpoints
{
    /// <summary>Largest body either endpoint reads; larger is a 413 before anything is read.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Who the choices are about: an identity type (email, phone, account_id, cookie_id, device_id, hashed_email) and its value.</summary>
    public sealed record IdentityRequest(string? Type, string? Value);

    /// <summary>One choice: a key of the published policy (purpose:KEY, cookie:KEY, channel:KEY) and granted, denied or withdrawn.</summary>
    public sealed record ChoiceRequest(string? Key, string? Choice);

    /// <summary>
    /// Choices one person made at one moment, with the proof: method (default api), the policy version shown (default: the version
    /// in force), SHA-256 of the exact text shown, its language, the jurisdiction, when (default: now), and for a browser its IP
    /// address and user agent (the address is stored truncated to /24 or /48). The person's birth date (yyyy-mm-dd) or age in
    /// whole years, when stated, is kept encrypted: below the policy's minimum age only a parent or guardian can grant consent.
    /// </summary>
    public sealed record RecordConsentRequest(IdentityRequest? Identity, string? Jurisdiction, List<ChoiceRequest>? Choices, string? Method = null,
        int? PolicyVersion = null, string? TextHash = null, string? Language = null, DateTimeOffset? OccurredAt = null, string? Ip = null, string? UserAgent = null,
        string? BirthDate = null, int? Age = null);

    public sealed record RecordedConsentResponse(Guid SubjectId, List<Guid> EventIds);

    public sealed record ConsentQueryRequest(IdentityRequest? Identity);

    /// <summary>One event; ip and userAgent are empty once the person was erased.</summary>
    public sealed record ConsentEventResponse(Guid Id, string Key, string Choice, string Method, int PolicyVersion, string? TextHash, string? Language,
        string Jurisdiction, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string? Ip, string? UserAgent);

    /// <summary>A person's current state (per key, the latest choice) and full history (oldest first).</summary>
    public sealed record ConsentStateResponse(Guid SubjectId, List<ConsentEventResponse> State, List<ConsentEventResponse> History);

    /// <summary>Maps under the API root group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapConsent(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/consents").WithTags("Consent")
            .RequireRoles(Roles.Service, Roles.PrivacyOfficer)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        group.MapPost("", RecordAsync).WithName("RecordConsent")
            .WithSummary("Record one person's choices (granted, denied, withdrawn) with their proof, and optionally their birth date or age; all or nothing. 400 names the problem: an unknown key, a malformed identity, a bad proof field, a grant by a person below the minimum age.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapPost("/query", QueryAsync).WithName("QueryConsent")
            .WithSummary("A person's current consent state and full history, found by an identity sent in the body.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return routes;
    }

    private static async Task<Results<Created<RecordedConsentResponse>, ProblemHttpResult>> RecordAsync(RecordConsentRequest request, ConsentIntake intake,
        ConsentLedger ledger, HttpContext http, CancellationToken ct)
    {
        var raw = new RawConsent(request.Identity?.Type, request.Identity?.Value, request.Jurisdiction, request.PolicyVersion, request.TextHash,
            request.Language, request.Method, request.OccurredAt, request.Ip, request.UserAgent,
            (request.Choices ?? []).Select(c => (c?.Key, c?.Choice)).ToList(), request.BirthDate, request.Age);
        var checkedConsent = await intake.CheckAsync(raw, imported: false, ct);
        if (checkedConsent.Record is not { } record) return Invalid(checkedConsent.Problem!);
        try
        {
            var outcome = await ledger.RecordAsync([record], StewardClaims.ActorOf(http.User), progress: null, ct);
            return TypedResults.Created((string?)null, new RecordedConsentResponse(outcome.SubjectIds[0], outcome.EventIds.ToList()));
        }
        catch (ConsentConflictException e)
        {
            return TypedResults.Problem(statusCode: 409, title: "Changed while recording", detail: e.Message);
        }
    }

    private static async Task<Results<Ok<ConsentStateResponse>, ProblemHttpResult>> QueryAsync(ConsentQueryRequest request, IdentityParser identities,
        ConsentLedger ledger, HttpContext http, CancellationToken ct)
    {
        if (request.Identity?.Type is not { } typeName || !IdentityTypes.TryParse(typeName, out var type))
            return Invalid($"'identity.type' is one of: {string.Join(", ", IdentityTypes.All)}.");
        var parsed = identities.Parse(type, request.Identity.Value);
        if (parsed.Identity is not { } identity) return Invalid(parsed.Problem!);
        if (await ledger.SubjectOfAsync(identity, ct) is not { } subjectId)
            return TypedResults.Problem(statusCode: 404, title: "No such person", detail: $"No one with this {typeName} is known.");
        var history = await ledger.HistoryAsync(subjectId, StewardClaims.ActorOf(http.User), ct);
        return TypedResults.Ok(new ConsentStateResponse(subjectId, history.State.Select(ToResponse).ToList(), history.Events.Select(ToResponse).ToList()));
    }

    private static ConsentEventResponse ToResponse(ConsentEventView e) =>
        new(e.Id, e.Key, ConsentWords.Name(e.Choice), ConsentWords.Name(e.Method), e.PolicyVersion, e.TextHash, e.Language, e.Jurisdiction,
            e.OccurredAt, e.RecordedAt, e.Ip, e.UserAgent);

    private static ProblemHttpResult Invalid(string problem) =>
        TypedResults.Problem(statusCode: 400, title: "The consent request is not valid", detail: problem);
}
