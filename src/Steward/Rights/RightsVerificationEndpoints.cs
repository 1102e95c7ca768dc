using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Steward.Security;

namespace Steward.Rights;

/// <summary>
/// How a person proves who they are for a request, with the request's id and status token: ask for a code by email
/// and enter it, or upload a copy of an identity document; and how staff look at that document and decide.
/// </summary>
internal static class RightsVerificationEndpoints
{
    /// <summary>The hard ceiling of an upload; Rights:MaxDocumentBytes (default 5 MB) sets the limit below it.</summary>
    public const long MaxUploadBytes = 20 * 1024 * 1024;

    public sealed record TokenBody(string? StatusToken);
    public sealed record CodeBody(string? StatusToken, string? Code);
    public sealed record DecisionBody(bool? Accept, string? Reason);

    public static IEndpointRouteBuilder MapRightsVerification(this IEndpointRouteBuilder api)
    {
        var person = api.MapGroup("/rights-requests/{id:guid}/verification").WithTags("Rights").Public().RequireRateLimiting(RightsSetup.VerificationRateLimit);
        person.MapPost("/code", SendCodeAsync).WithName("SendRightsVerificationCode")
            .WithSummary("Send a new verification code to the address the request gave (statusToken in the body). One a minute and five a day per request; 503 when this service sends no mail.")
            .WithMetadata(new RequestSizeLimitAttribute(RightsEndpoints.MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        person.MapPost("", CheckCodeAsync).WithName("VerifyRightsRequestByCode")
            .WithSummary("Verify the person with the code sent by email (statusToken and code in the body). A code works once, for 15 minutes, and five wrong tries lock it; each problem is named.")
            .WithMetadata(new RequestSizeLimitAttribute(RightsEndpoints.MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests);
        person.MapPost("/document", UploadAsync).WithName("UploadRightsVerificationDocument").DisableAntiforgery()
            .WithSummary("Upload a copy of an identity document (multipart: statusToken and file) where the policy has a photo_id method. JPEG, PNG or WebP, recognised by its bytes; at most Rights:MaxDocumentBytes (default 5 MB). Kept encrypted until staff decide.")
            .WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        var staff = api.MapGroup("/rights-requests/{id:guid}/verification").WithTags("Rights").RequireRoles(Roles.PrivacyOfficer, Roles.DsrAgent);
        staff.MapGet("/document", DocumentAsync).WithName("GetRightsVerificationDocument")
            .WithSummary("The identity document the person uploaded, as the image; audited as a read of personal data. A dsr-agent sees only requests assigned to them.")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);
        staff.MapPost("/decision", DecideAsync).WithName("DecideRightsVerificationDocument")
            .WithSummary("Accept or reject the uploaded document ({accept, reason}; a rejection's reason is told to the person). Where the method says delete_after_verification, the document is deleted with the decision and the audit entry records its SHA-256 and size.")
            .WithMetadata(new RequestSizeLimitAttribute(RightsEndpoints.MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SendCodeAsync(Guid id, TokenBody body, HttpContext http, RightsVerification verification, CancellationToken ct) =>
        Result(await verification.SendCodeAsync(id, body.StatusToken, ct), http);

    private static async Task<Results<NoContent, ProblemHttpResult>> CheckCodeAsync(Guid id, CodeBody body, HttpContext http, RightsVerification verification, CancellationToken ct) =>
        Result(await verification.CheckCodeAsync(id, body.StatusToken, body.Code, ct), http);

    private static async Task<Results<NoContent, ProblemHttpResult>> UploadAsync(Guid id, [FromForm] string? statusToken, IFormFile? file, HttpContext http,
        RightsVerification verification, CancellationToken ct)
    {
        if (file is null) return Invalid("'file' is missing: a photo or scan of the identity document (JPEG, PNG or WebP).");
        await using var stream = file.OpenReadStream();
        return Result(await verification.UploadAsync(id, statusToken, stream, file.Length, ct), http);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DocumentAsync(Guid id, HttpContext http, RightsRequests requests,
        RightsVerification verification, CancellationToken ct)
    {
        if (await RightsEndpoints.VisibleAsync(id, http, requests, ct) is null) return NoRequest(id);
        if (await verification.DocumentAsync(id, StewardClaims.ActorOf(http.User), ct) is not { } copy)
            return TypedResults.Problem(statusCode: 404, title: "No identity document", detail: "No document is kept for this request: none was uploaded, or it was deleted at the decision.");
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(copy.Content, copy.ContentType);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DecideAsync(Guid id, DecisionBody body, HttpContext http, RightsRequests requests,
        RightsVerification verification, CancellationToken ct)
    {
        if (await RightsEndpoints.VisibleAsync(id, http, requests, ct) is null) return NoRequest(id);
        if (body.Accept is not { } accept) return Invalid("'accept' is missing: true when the document proves who the person is, false when it does not.");
        return Result(await verification.DecideAsync(id, accept, body.Reason, StewardClaims.ActorOf(http.User), ct), http);
    }

    private static Results<NoContent, ProblemHttpResult> Result(ProofOutcome outcome, HttpContext http)
    {
        if (outcome.Ok) return TypedResults.NoContent();
        if (outcome.RetryAfter is { } wait) http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: outcome.Status, title: outcome.Title, detail: outcome.Detail);
    }

    private static ProblemHttpResult NoRequest(Guid id) =>
        TypedResults.Problem(statusCode: 404, title: "No such rights request", detail: $"There is no rights request {id} that you may see.");

    private static ProblemHttpResult Invalid(string problem) => TypedResults.Problem(statusCode: 400, title: "The request is not valid", detail: problem);
}
