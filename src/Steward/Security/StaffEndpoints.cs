using Microsoft.AspNetCore.Http.HttpResults;

namespace Steward.Security;

/// <summary>Staff users over HTTP (administrators): ending a user's sessions.</summary>
internal static class StaffEndpoints
{
    /// <summary>How many sessions were ended.</summary>
    public sealed record EndedSessionsResponse(Guid UserId, int SessionsEnded);

    /// <summary>Maps under the API root group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapStaff(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/users").WithTags("Users");
        group.MapPost("/{id:guid}/sessions/revoke", RevokeSessionsAsync).RequireRoles(Roles.Admin).WithName("RevokeUserSessions")
            .WithSummary("End every open console session of a user (e.g. a lost laptop); audited.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Ok<EndedSessionsResponse>, ProblemHttpResult>> RevokeSessionsAsync(
        Guid id, StaffDirectory staff, HttpContext http, CancellationToken ct) =>
        await staff.EndSessionsAsync(id, StewardClaims.ActorOf(http.User), ct) is { } ended
            ? TypedResults.Ok(new EndedSessionsResponse(id, ended))
            : TypedResults.Problem(statusCode: 404, title: "No such user", detail: "There is no console user with this id; 'steward admin list' shows the users.");
}
