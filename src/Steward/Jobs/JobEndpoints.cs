using Microsoft.AspNetCore.Http.HttpResults;
using Steward.Security;

namespace Steward.Jobs;

/// <summary>Background jobs over HTTP, read-only, for admins and auditors (the console shows them).</summary>
internal static class JobEndpoints
{
    /// <summary>One job: its kind, state, attempts, when it runs next and why its last attempt failed (no payload).</summary>
    public sealed record JobResponse(Guid Id, string Kind, string State, int Attempts, int MaxAttempts, DateTimeOffset RunAfter,
        DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string? LastError);

    /// <summary>Maps under the API root group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/jobs", ListAsync).WithTags("Jobs").RequireRoles(Roles.Admin, Roles.Auditor).WithName("ListJobs")
            .WithSummary("Background jobs, newest first; filter with state=queued|running|succeeded|failed|dead, limit 1-500.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return routes;
    }

    private static async Task<Results<Ok<List<JobResponse>>, ProblemHttpResult>> ListAsync(BackgroundJobs jobs, CancellationToken ct,
        string? state = null, int limit = 50)
    {
        if (limit is < 1 or > 500)
            return TypedResults.Problem(statusCode: 400, title: "Invalid limit", detail: "'limit' must be between 1 and 500.");
        JobState? filter = null;
        if (state is not null)
        {
            if (!JobStates.TryParse(state, out var s))
                return TypedResults.Problem(statusCode: 400, title: "Invalid state", detail: $"'state' must be one of: {string.Join(", ", JobStates.Names)}.");
            filter = s;
        }
        var list = await jobs.ListAsync(filter, limit, ct);
        return TypedResults.Ok(list.Select(ToResponse).ToList());
    }

    internal static JobResponse ToResponse(JobInfo j) =>
        new(j.Id, j.Kind, Job.Name(j.State), j.Attempts, j.MaxAttempts, j.RunAfter, j.CreatedAt, j.FinishedAt, j.LastError);
}

/// <summary>The state names as the API, the CLI and the database spell them.</summary>
internal static class JobStates
{
    public static readonly string[] Names = Enum.GetValues<JobState>().Select(Job.Name).ToArray();

    public static bool TryParse(string name, out JobState state)
    {
        state = default;
        var i = Array.IndexOf(Names, name);
        if (i < 0) return false;
        state = Enum.GetValues<JobState>()[i];
        return true;
    }
}
