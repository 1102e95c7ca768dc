using Microsoft.AspNetCore.Http.HttpResults;
using Steward.Hosting;
using Steward.Security;

namespace Steward.Retention;

/// <summary>The retention plan over HTTP, for the privacy office, auditors and admins: the same as <c>steward retention plan</c>.</summary>
internal static class RetentionEndpoints
{
    /// <summary>One step of a collection's sweep: what is done to rows whose clock is before the cutoff, the rule that decided, rows due now.</summary>
    public sealed record RetentionStepResponse(string Action, IReadOnlyList<string> Fields, string Clock, DateTimeOffset Cutoff, string Period, string Purpose, string Category, long Due);

    /// <summary>A collection: its steps, and what is left unswept with the reason.</summary>
    public sealed record CollectionRetentionResponse(string Connection, string Collection, IReadOnlyList<RetentionStepResponse> Steps, IReadOnlyList<string> NotSwept);

    /// <summary>One kind of Steward's own records: how long it is kept and how many are due (absent: counted by another job).</summary>
    public sealed record OwnRecordsResponse(string Records, string KeptFor, long? Due);

    public sealed record RetentionPlanResponse(IReadOnlyList<CollectionRetentionResponse> Collections, IReadOnlyList<OwnRecordsResponse> Own);

    /// <summary>Maps under the API root group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapRetention(this IEndpointRouteBuilder api)
    {
        api.MapGet("/retention/plan", PlanAsync).WithTags("Retention").WithName("GetRetentionPlan")
            .RequireRoles(Roles.PrivacyOfficer, Roles.Auditor, Roles.Admin)
            .WithSummary("What the published policy's retention periods mean today for each collection of the connected databases (rule, cutoff, action, rows due) and for Steward's own records. Changes nothing; 409 before a policy is published.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<Ok<RetentionPlanResponse>, ProblemHttpResult>> PlanAsync(RetentionSweep sweep, OwnDataRetention own, CancellationToken ct)
    {
        List<CollectionRetention> plans;
        try
        {
            plans = await sweep.PlanAsync(SweepScope.Everything, ct);
        }
        catch (StewardException e)
        {
            return TypedResults.Problem(statusCode: 409, title: "No retention plan", detail: e.Message);
        }
        var collections = new List<CollectionRetentionResponse>();
        foreach (var c in plans)
        {
            var steps = new List<RetentionStepResponse>();
            foreach (var s in c.Steps)
                steps.Add(new(s.Action == SweepAction.Delete ? "delete" : "mask", s.Fields.Select(f => f.Name).ToList(), s.Clock, s.Cutoff, s.Period, s.Purpose, s.Category,
                    await sweep.CountDueAsync(s, ct)));
            collections.Add(new(c.Connection, c.Target, steps, c.NotSwept));
        }
        var ownRecords = (await own.PlanAsync(ct)).Select(o => new OwnRecordsResponse(o.Records, o.KeptFor, o.Due)).ToList();
        return TypedResults.Ok(new RetentionPlanResponse(collections, ownRecords));
    }
}
