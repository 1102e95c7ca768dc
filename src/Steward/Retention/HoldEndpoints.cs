using Microsoft.AspNetCore.Http.HttpResults;
using Steward.Hosting;
using Steward.People;
using Steward.Security;

namespace Steward.Retention;

/// <summary>Legal holds over HTTP: privacy officers place and release them; the rights staff and auditors see them.</summary>
internal static class HoldEndpoints
{
    /// <summary>
    /// A hold to place on exactly one of: the person with <c>email</c>, the person <c>subjectId</c>, or a <c>collection</c>
    /// (<c>connection:collection</c>). <c>until</c> is the last day (UTC) it is in force; without it, it lasts until released.
    /// </summary>
    public sealed record AddHoldRequest(string? Email, Guid? SubjectId, string? Collection, string? Reason, DateOnly? Until);

    /// <summary>A hold: what it covers (<c>subjectId</c> or <c>collection</c>), why, its last day, who placed and released it, whether it is in force.</summary>
    public sealed record HoldResponse(Guid Id, Guid? SubjectId, string? Collection, string Reason, DateOnly? Until, DateTimeOffset CreatedAt, string CreatedBy,
        DateTimeOffset? ReleasedAt, string? ReleasedBy, bool InForce);

    /// <summary>Maps under the API root group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapLegalHolds(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/holds").WithTags("Legal holds");
        group.MapGet("", ListAsync).WithName("ListHolds").RequireRoles(Roles.PrivacyOfficer, Roles.DsrAgent, Roles.Auditor)
            .WithSummary("Legal holds in force, newest first; with all=true also those released or run out.");
        group.MapGet("/{id:guid}", FindAsync).WithName("GetHold").RequireRoles(Roles.PrivacyOfficer, Roles.DsrAgent, Roles.Auditor)
            .WithSummary("One legal hold.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("", AddAsync).WithName("AddHold").RequireRoles(Roles.PrivacyOfficer)
            .WithSummary("Place a legal hold on a person (email or subjectId) or a collection (connection:collection): retention and erasure leave it alone while it is in force. The reason is told to a person whose erasure request it stops.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/release", ReleaseAsync).WithName("ReleaseHold").RequireRoles(Roles.PrivacyOfficer)
            .WithSummary("End a legal hold now; 404 for an unknown id. Releasing a hold that ended already changes nothing.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<List<HoldResponse>>> ListAsync(LegalHolds holds, CancellationToken ct, bool all = false) =>
        TypedResults.Ok((await holds.ListAsync(all, ct)).Select(Response).ToList());

    private static async Task<Results<Ok<HoldResponse>, ProblemHttpResult>> FindAsync(Guid id, LegalHolds holds, CancellationToken ct) =>
        await holds.FindAsync(id, ct) is { } hold ? TypedResults.Ok(Response(hold)) : NoSuchHold(id);

    private static async Task<Results<Created<HoldResponse>, ProblemHttpResult>> AddAsync(AddHoldRequest request, LegalHolds holds, HttpContext http, CancellationToken ct)
    {
        var targets = new object?[] { request.Email, request.SubjectId, request.Collection }.Count(v => v is not null);
        if (targets != 1)
            return TypedResults.Problem(statusCode: 400, title: "Say what the hold covers", detail: "Send exactly one of 'email', 'subjectId' or 'collection' (connection:collection).");
        var until = request.Until is { } day ? LegalHold.UntilAfter(day) : (DateTimeOffset?)null;
        var actor = StewardClaims.ActorOf(http.User);
        try
        {
            HoldInfo hold;
            if (request.Email is { } email)
            {
                var parsed = IdentityNormalisation.Parse(IdentityType.Email, email);
                if (parsed.Identity is not { } identity) return TypedResults.Problem(statusCode: 400, title: "The email address is not valid", detail: parsed.Problem);
                hold = await holds.HoldPersonAsync(identity, request.Reason, until, actor, ct);
            }
            else if (request.SubjectId is { } subject) hold = await holds.HoldSubjectAsync(subject, request.Reason, until, actor, ct);
            else hold = await holds.HoldCollectionAsync(request.Collection!, request.Reason, until, actor, ct);
            return TypedResults.Created($"/api/v1/holds/{hold.Id:D}", Response(hold));
        }
        catch (StewardException e)
        {
            // Usage problems (reason, dates, the form of a collection) are the caller's to fix; the rest name something unknown.
            return TypedResults.Problem(statusCode: e.ExitCode == Cli.ExitCodes.Usage ? 400 : 404, title: "The hold cannot be placed", detail: e.Message);
        }
    }

    private static async Task<Results<Ok<HoldResponse>, ProblemHttpResult>> ReleaseAsync(Guid id, LegalHolds holds, HttpContext http, CancellationToken ct)
    {
        if (await holds.FindAsync(id, ct) is null) return NoSuchHold(id);
        await holds.ReleaseAsync(id, StewardClaims.ActorOf(http.User), ct);
        return TypedResults.Ok(Response((await holds.FindAsync(id, ct))!));
    }

    private static ProblemHttpResult NoSuchHold(Guid id) => TypedResults.Problem(statusCode: 404, title: "No such hold", detail: $"There is no hold {id:D}.");

    private static HoldResponse Response(HoldInfo h) => new(h.Id, h.SubjectId, h.Connection is null ? null : $"{h.Connection}:{h.Collection}", h.Reason,
        h.Until is { } u ? LegalHold.LastDayOf(u) : null, h.CreatedAt, h.CreatedBy, h.ReleasedAt, h.ReleasedBy, h.InForce);
}
