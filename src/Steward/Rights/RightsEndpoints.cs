using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Steward.Security;

namespace Steward.Rights;

/// <summary>
/// <c>/api/v1/rights-requests</c>: the public intake (rate-limited per address), and the queue for the privacy team.
/// A dsr-agent sees and works only the requests assigned to them (need-to-know, S14.1); a privacy officer sees all.
/// </summary>
internal static class RightsEndpoints
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>What a person asks. <c>corrections</c> (field → corrected value) belong to a rectification.
    /// <c>signedIn</c>: a company app (role service) submits for an account holder signed in to it, verified by the policy's <c>signed-in</c> method.</summary>
    public sealed record SubmitBody(string? Kind, string? Email, string? Jurisdiction, string? Language, string? Name, string? Message,
        Dictionary<string, string>? Corrections, bool? SignedIn = null);

    /// <summary>
    /// The request taken in: its id and the status token that, with the id, opens its status page (shown once; Steward keeps
    /// only its hash). <c>duplicateOf</c> names the open request this one repeats and now follows.
    /// <c>verificationCodeSent</c>: a code went out by email with the receipt; <c>emailVerification</c> says whether a code can be sent at all
    /// (false when this service sends no mail or the policy has no email-code method).
    /// </summary>
    public sealed record SubmittedBody(Guid Id, string StatusToken, string State, Guid? DuplicateOf, DateTimeOffset? DueAt, bool VerificationCodeSent = false,
        bool EmailVerification = false);

    /// <summary>A request with its timeline, for staff.</summary>
    public sealed record RequestBody(RequestSummary Request, List<TimelineStep> Timeline);

    public sealed record ReasonBody(string? Reason);
    public sealed record AnswerBody(string? Answer);
    public sealed record AssignBody(Guid? UserId);
    public sealed record VerifyBody(string? Method);

    public static IEndpointRouteBuilder MapRights(this IEndpointRouteBuilder api)
    {
        var requests = api.ServiceProvider.GetRequiredService<RightsRequests>();
        Hosting.Telemetry.StewardMetrics.ObserveRightsOverdue(requests.CountOverdue);

        api.MapPost("/rights-requests", SubmitAsync).WithTags("Rights").WithName("SubmitRightsRequest")
            .WithSummary("Take in a person's request to exercise a right, or a question for the privacy team. Public and rate-limited per address (Rights:SubmissionsPerHour). A repeat of an open request of the same kind is linked to it. 400 names the problem: an unknown kind or jurisdiction, a right not offered there, a malformed email address.")
            .Public().RequireRateLimiting(RightsSetup.IntakeRateLimit)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapRightsVerification();

        var staff = api.MapGroup("/rights-requests").WithTags("Rights").RequireRoles(Roles.PrivacyOfficer, Roles.DsrAgent)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        staff.MapGet("", ListAsync).WithName("ListRightsRequests")
            .WithSummary("The queue: open requests first by due date. Filters: state, kind, jurisdiction, open, overdue, assignedTo (a user id), limit (1-1000). A dsr-agent sees only the requests assigned to them.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        staff.MapGet("/{id:guid}", GetAsync).WithName("GetRightsRequest")
            .WithSummary("One request with its timeline; texts written to the person are opened, and the read is audited.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        staff.MapGet("/{id:guid}/details", DetailsAsync).WithName("GetRightsRequestDetails")
            .WithSummary("What the person gave (email address, name, message, corrections); audited as a read of personal data.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        staff.MapGet("/{id:guid}/package", PackageAsync).WithName("GetRightsRequestPackage")
            .WithSummary("The access or portability package (zip: data.json, one CSV per collection, index.html) while it is kept; audited as a read of personal data.")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip").ProducesProblem(StatusCodes.Status404NotFound);
        staff.MapPost("/{id:guid}/verify", VerifyAsync).WithName("VerifyRightsRequest")
            .WithSummary("Record that staff verified the person's identity by other means; the deadline starts where the law paused it.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        staff.MapPost("/{id:guid}/approve", ApproveAsync).WithName("ApproveRightsRequest")
            .WithSummary("Approve a verified request that waits for approval (by default erasure, rectification, deceased-next-of-kin).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        staff.MapPost("/{id:guid}/deny", DenyAsync).WithName("DenyRightsRequest")
            .WithSummary("Refuse an open request; the reason is told to the person, with their right to complain to the supervisory authority.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        staff.MapPost("/{id:guid}/extend", ExtendAsync).WithName("ExtendRightsRequest")
            .WithSummary("Extend the deadline once, as far as the person's law allows and only while it still allows telling them; the reason is told to the person.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        staff.MapPost("/{id:guid}/complete", CompleteAsync).WithName("CompleteRightsRequest")
            .WithSummary("Complete a request in progress that staff answered themselves, with the answer for the person.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/rights-requests/{id:guid}/assign", AssignAsync).WithTags("Rights").RequireRoles(Roles.PrivacyOfficer).WithName("AssignRightsRequest")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithSummary("Assign an open request to a staff member (a user id), or to nobody with a null userId. Privacy officers only.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Accepted<SubmittedBody>, ProblemHttpResult>> SubmitAsync(SubmitBody body, HttpContext http, RightsRequests requests,
        RightsMail mail, Policy.PolicyStore policies, CancellationToken ct)
    {
        var policy = (await policies.CurrentAsync(ct))?.Document;
        string? verifiedBy = null;
        var actor = "person:api";
        if (body.SignedIn == true)
        {
            // Only a company app vouches for a session; anyone else could claim one.
            if (!http.User.IsInRole(Roles.Service))
                return TypedResults.Problem(statusCode: 403, title: "Only a company app may say the person is signed in",
                    detail: "'signedIn' is accepted from an API key with the service role, sent by the app the person is signed in to; leave it out otherwise.");
            if (!RightsVerification.HasSignedIn(policy))
                return Invalid("'signedIn': the privacy policy has no 'signed-in' verification method, so a session does not verify the person.");
            verifiedBy = RightsVerification.SignedIn;
            actor = StewardClaims.ActorOf(http.User);
        }
        var submitted = await requests.SubmitAsync(new RequestIntake(body.Kind, body.Email, body.Jurisdiction, body.Language, body.Name, body.Message, body.Corrections),
            channel: "api", actor: actor, verifiedBy, ct);
        return TypedResults.Accepted((string?)null,
            new SubmittedBody(submitted.Id, submitted.StatusToken, RequestStates.Name(submitted.State), submitted.DuplicateOf, submitted.DueAt,
                submitted.CodeSent, mail.IsOn && RightsVerification.EmailCodeMethod(policy) is not null));
    }

    private static async Task<Results<Ok<List<RequestSummary>>, ProblemHttpResult>> ListAsync(HttpContext http, RightsRequests requests, string? state, string? kind,
        string? jurisdiction, bool? open, bool? overdue, Guid? assignedTo, int? limit, CancellationToken ct)
    {
        RequestState? s = null;
        if (state is not null)
        {
            if (!RequestStates.TryParse(state, out var parsed))
                return Invalid($"'state' is one of: {string.Join(", ", Enum.GetValues<RequestState>().Select(RequestStates.Name))}.");
            s = parsed;
        }
        if (kind is not null && !RequestKinds.All.Contains(kind)) return Invalid($"'kind' is one of: {string.Join(", ", RequestKinds.All)}.");
        if (limit is < 1 or > 1000) return Invalid("'limit' is between 1 and 1000.");
        var assignee = assignedTo is { } a ? $"user:{a:D}" : null;
        if (!SeesAll(http)) assignee = StewardClaims.ActorOf(http.User);
        return TypedResults.Ok(await requests.ListAsync(new RequestFilter(s, kind, jurisdiction, overdue ?? false, open ?? false, assignee, limit ?? 100), ct));
    }

    private static async Task<Results<Ok<RequestBody>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, RightsRequests requests, CancellationToken ct)
    {
        if (await VisibleAsync(id, http, requests, ct) is not { } summary) return NotFound(id);
        return TypedResults.Ok(new RequestBody(summary, await requests.TimelineAsync(id, visibleOnly: false, StewardClaims.ActorOf(http.User), ct)));
    }

    private static async Task<Results<Ok<RequestDetails>, ProblemHttpResult>> DetailsAsync(Guid id, HttpContext http, RightsRequests requests, CancellationToken ct)
    {
        if (await VisibleAsync(id, http, requests, ct) is null) return NotFound(id);
        return await requests.RevealAsync(id, StewardClaims.ActorOf(http.User), ct) is { } details ? TypedResults.Ok(details)
            : TypedResults.Problem(statusCode: 404, title: "The details are gone", detail: "The person's data was erased, so what they gave can no longer be read.");
    }

    private static async Task<IResult> PackageAsync(Guid id, HttpContext http, RightsRequests requests, RequestPackages packages, CancellationToken ct)
    {
        if (await VisibleAsync(id, http, requests, ct) is null) return NotFound(id);
        return await packages.OpenAsync(id, StewardClaims.ActorOf(http.User), ct) is { } package
            ? TypedResults.File(package.Zip, "application/zip", package.FileName)
            : TypedResults.Problem(statusCode: 404, title: "No package", detail: "The request has no package: it is not an access or portability request, it is not done yet, or its package expired and was deleted.");
    }

    private static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> VerifyAsync(Guid id, HttpContext http, RightsRequests requests, CancellationToken ct) =>
        ActAsync(id, http, requests, actor => requests.VerifyAsync(id, RightsRequests.VerifiedByStaff, actor, ct), ct);

    private static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> ApproveAsync(Guid id, HttpContext http, RightsRequests requests, CancellationToken ct) =>
        ActAsync(id, http, requests, actor => requests.ApproveAsync(id, actor, ct), ct);

    private static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> DenyAsync(Guid id, ReasonBody body, HttpContext http, RightsRequests requests, CancellationToken ct) =>
        ActAsync(id, http, requests, actor => requests.DenyAsync(id, body.Reason ?? "", actor, ct), ct);

    private static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> ExtendAsync(Guid id, ReasonBody body, HttpContext http, RightsRequests requests, CancellationToken ct) =>
        ActAsync(id, http, requests, actor => requests.ExtendAsync(id, body.Reason ?? "", actor, ct), ct);

    private static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> CompleteAsync(Guid id, AnswerBody body, HttpContext http, RightsRequests requests, CancellationToken ct) =>
        ActAsync(id, http, requests, actor => requests.CompleteAsync(id, body.Answer, actor, ct), ct);

    private static async Task<Results<Ok<RequestSummary>, ProblemHttpResult>> AssignAsync(Guid id, AssignBody body, HttpContext http, RightsRequests requests,
        StaffDirectory staffDirectory, CancellationToken ct)
    {
        if (body.UserId is { } user && !await IsRightsStaffAsync(staffDirectory, user, ct))
            return Invalid("The user is not an active privacy officer or dsr-agent.");
        return await ActAsync(id, http, requests, actor => requests.AssignAsync(id, body.UserId is { } u ? $"user:{u:D}" : null, actor, ct), ct);
    }

    private static async Task<Results<Ok<RequestSummary>, ProblemHttpResult>> ActAsync(Guid id, HttpContext http, RightsRequests requests,
        Func<string, Task<RequestSummary>> act, CancellationToken ct)
    {
        if (await VisibleAsync(id, http, requests, ct) is null) return NotFound(id);
        return TypedResults.Ok(await act(StewardClaims.ActorOf(http.User)));
    }

    /// <summary>The request if the caller may see it: a privacy officer all, an agent those assigned to them.</summary>
    internal static async Task<RequestSummary?> VisibleAsync(Guid id, HttpContext http, RightsRequests requests, CancellationToken ct) =>
        await requests.FindAsync(id, ct) is { } found && (SeesAll(http) || found.AssignedTo == StewardClaims.ActorOf(http.User)) ? found : null;

    private static bool SeesAll(HttpContext http) => http.User.IsInRole(Roles.PrivacyOfficer);

    public static async Task<bool> IsRightsStaffAsync(StaffDirectory staff, Guid userId, CancellationToken ct)
    {
        var (users, _) = await staff.ListAsync(ct);
        return users.Any(u => u.Id == userId && u.DisabledAt is null && u.Role is Roles.PrivacyOfficer or Roles.DsrAgent);
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: 404, title: "No such rights request", detail: $"There is no rights request {id} that you may see.");

    private static ProblemHttpResult Invalid(string problem) => TypedResults.Problem(statusCode: 400, title: "The request is not valid", detail: problem);
}
