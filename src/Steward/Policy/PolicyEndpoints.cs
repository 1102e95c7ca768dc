using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Steward.Notices;
using Steward.Security;
using Steward.Web;

namespace Steward.Policy;

/// <summary>The policy over HTTP: read the versions (public), publish (privacy officers), the record of processing.</summary>
internal static class PolicyEndpoints
{
    /// <summary>A published version without its content.</summary>
    public sealed record PolicyVersionResponse(int Version, DateOnly EffectiveDate, bool Significant, string? Summary, DateTimeOffset PublishedAt, string ContentHash);

    /// <summary>A version with its policy; the policy uses the field names of the YAML format (docs/policy.schema.json).</summary>
    public sealed record PolicyResponse(PolicyVersionResponse Version, JsonElement Policy);

    /// <summary>Publish a policy: the YAML text of one policy file (includes are not followed).</summary>
    public sealed record PublishPolicyRequest(string Policy, bool Significant = false, string? Summary = null, DateOnly? EffectiveDate = null,
        string? BackdatedReason = null);

    /// <summary>One validation problem, located in the submitted YAML.</summary>
    public sealed record PolicyProblem(int Line, int Column, string Severity, string Code, string Message);

    /// <summary>Maps under the API root group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapPolicy(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/policy").WithTags("Policy");
        group.MapGet("", GetCurrentAsync).Public().WithName("GetPolicy").WithSummary("The policy version in force today.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/versions", ListAsync).Public().WithName("ListPolicyVersions").WithSummary("Every published version, oldest first.");
        group.MapGet("/versions/{version:int}", GetAsync).Public().WithName("GetPolicyVersion").WithSummary("One published version with its policy.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/versions", PublishAsync).RequireRoles(Roles.PrivacyOfficer, Roles.Admin).WithName("PublishPolicy")
            .WithSummary("Validate and publish a policy (YAML). 201 for a new version, 200 when identical to the latest, 422 with located problems when invalid, 422 for an effective date before today without a backdatedReason.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        routes.MapGet("/ropa", GetRopaAsync).WithTags("Policy").RequireRoles(Roles.PrivacyOfficer, Roles.Auditor, Roles.Admin)
            .WithName("GetRecordOfProcessing")
            .WithSummary("The record of processing activities of the version in force: format=json|csv, lang=en|zh-CN; the controller's record (GDPR Art. 30(1)), or with processor=true the processor's record (Art. 30(2)), one row per category of processing done for clients.")
            .Produces<List<Steward.Notices.RopaRow>>(StatusCodes.Status200OK, "application/json").Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static PolicyVersionResponse ToResponse(PolicyVersionInfo v) =>
        new(v.Version, v.EffectiveDate, v.Significant, v.Summary, v.PublishedAt, v.ContentHash);

    private static PolicyResponse ToResponse(PublishedPolicy p) =>
        new(ToResponse(p.Info), JsonSerializer.SerializeToElement(p.Document, PolicyLoader.Json));

    private static async Task<Results<Ok<PolicyResponse>, ProblemHttpResult>> GetCurrentAsync(PolicyStore store, CancellationToken ct) =>
        await store.CurrentAsync(ct) is { } p
            ? TypedResults.Ok(ToResponse(p))
            : TypedResults.Problem(statusCode: 404, title: "No policy published", detail: "No policy has been published yet.");

    private static async Task<Ok<List<PolicyVersionResponse>>> ListAsync(PolicyStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Select(ToResponse).ToList());

    private static async Task<Results<Ok<PolicyResponse>, ProblemHttpResult>> GetAsync(int version, PolicyStore store, CancellationToken ct) =>
        await store.GetAsync(version, ct) is { } p
            ? TypedResults.Ok(ToResponse(p))
            : TypedResults.Problem(statusCode: 404, title: "No such version", detail: $"There is no policy version {version}.");

    private static async Task<Results<Created<PolicyVersionResponse>, Ok<PolicyVersionResponse>, ProblemHttpResult>> PublishAsync(
        PublishPolicyRequest request, PolicyStore store, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Policy))
            return TypedResults.Problem(statusCode: 400, title: "The policy is empty", detail: "Send the YAML text of the policy in 'policy'.");
        if (request.Policy.Length > PolicyLoader.MaxFileBytes)
            return TypedResults.Problem(statusCode: 413, title: "The policy is too large",
                detail: $"A policy may be at most {PolicyLoader.MaxFileBytes / 1024 / 1024} MiB.");
        if (request.Summary is { Length: > 2000 })
            return TypedResults.Problem(statusCode: 400, title: "The summary is too long", detail: "The summary may have at most 2000 characters.");
        var checkedPolicy = PolicyCheck.RunOnText(request.Policy, "policy.yaml");
        if (!checkedPolicy.IsValid)
        {
            var errors = checkedPolicy.Errors.ToList();
            return TypedResults.Problem(statusCode: 422, title: "The policy is not valid",
                detail: $"{errors.Count} error(s); the first: {errors[0]}",
                extensions: new Dictionary<string, object?>
                {
                    // Set here too: when the client's Accept rules out problem+json, the fallback writer adds no trace id.
                    ["traceId"] = http.TraceIdentifier,
                    ["problems"] = checkedPolicy.Diagnostics.Select(d => new PolicyProblem(d.Location.Line, d.Location.Column,
                        d.Severity == Severity.Error ? "error" : "warning", d.Code, d.Message)).ToList(),
                });
        }
        if (store.IsBackdated(request.EffectiveDate) && string.IsNullOrWhiteSpace(request.BackdatedReason))
            return TypedResults.Problem(statusCode: 422, title: "The effective date is in the past",
                detail: store.BackdatedProblem(request.EffectiveDate!.Value),
                extensions: new Dictionary<string, object?> { ["traceId"] = http.TraceIdentifier });
        var outcome = await store.PublishAsync(checkedPolicy, request.Significant, request.Summary, request.EffectiveDate,
            request.BackdatedReason, StewardClaims.ActorOf(http.User), ct);
        if (outcome.Conflicted)
            return TypedResults.Problem(statusCode: 409, title: "Published at the same moment", detail: PublishOutcome.ConflictMessage);
        var response = ToResponse(outcome.Version);
        return outcome.Created
            ? TypedResults.Created($"/api/v1/policy/versions/{response.Version}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<IResult> GetRopaAsync(PolicyStore store, HttpContext http, CancellationToken ct, string format = "json", string? lang = null,
        bool processor = false)
    {
        if (format is not ("json" or "csv"))
            return TypedResults.Problem(statusCode: 400, title: "Unknown format", detail: "'format' is json or csv.");
        var language = Language.Normalize(lang) ?? (lang is null ? Language.FromRequest(http.Request) : null);
        if (language is null)
            return TypedResults.Problem(statusCode: 400, title: "Unknown language", detail: "'lang' is en or zh-CN.");
        if (await store.CurrentAsync(ct) is not { } policy)
            return TypedResults.Problem(statusCode: 404, title: "No policy published", detail: "No policy has been published yet.");
        var text = await RecordOfProcessing.RenderAsync(policy.Document, policy.Info, format, language, processor);
        return Results.Text(text, format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8");
    }
}
