using Microsoft.AspNetCore.Mvc;
using Steward.Audit;
using Steward.Consent.Decisions;
using Steward.Security;

namespace Steward.Consent.Audiences;

/// <summary>Advertising audiences over HTTP: hashes of the people allowed for one key, streamed.</summary>
internal static class AudienceEndpoints
{
    /// <summary>The key the audience is for (e.g. purpose:targeted-advertising) and, optionally, only the people of one jurisdiction.</summary>
    public sealed record AudienceRequest(string? Key, string? Jurisdiction = null);

    public static IEndpointRouteBuilder MapAudiences(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/audiences/export", ExportAsync).WithTags("Consent").WithName("ExportAudience")
            .RequireRoles(Roles.Service, Roles.PrivacyOfficer)
            .WithMetadata(new RequestSizeLimitAttribute(4 * 1024))
            .WithSummary("Streams, as text/plain with one per line, the SHA-256 hashes (hex) of the normalised email addresses of the people whose decision for the key is allowed, never others; audited with its count. 400 names an unknown key or jurisdiction.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return routes;
    }

    private static async Task<IResult> ExportAsync(AudienceRequest request, ConsentDecisions decisions, AudienceExport export, AuditLog audit,
        HttpContext http, CancellationToken ct)
    {
        if (await decisions.RulesAsync(ct) is not { } rules) return Invalid("No policy has been published yet, so no one can be decided.");
        if (string.IsNullOrEmpty(request.Key)) return Invalid("'key' is missing: the key the audience is for, e.g. purpose:targeted-advertising.");
        if (request.Jurisdiction is { } only && !rules.HasJurisdiction(only))
            return Invalid($"'{Clip(only)}' is not a jurisdiction of policy version {rules.Version} ({string.Join(", ", rules.Policy.Jurisdictions)}).");
        if (!rules.Policy.Jurisdictions.Any(j => rules.Find(j, request.Key) is not null))
            return Invalid($"'{Clip(request.Key)}' is not a key of policy version {rules.Version}: keys are purpose:KEY, cookie:KEY or channel:KEY of the policy in force.");

        var tally = new AudienceTally();
        http.Response.ContentType = "text/plain; charset=utf-8";
        try
        {
            await foreach (var hash in export.HashesAsync(rules, request.Key, request.Jurisdiction, tally, ct))
                await http.Response.WriteAsync(hash + "\n", ct);
        }
        finally
        {
            // Also when the caller stopped reading: the entry says how many hashes left Steward.
            await audit.AppendAsync(new AuditEvent(StewardClaims.ActorOf(http.User), "audience.exported", $"audience:{request.Key}",
                new { policyVersion = rules.Version, jurisdiction = request.Jurisdiction, exported = tally.Exported, considered = tally.Considered,
                    withoutJurisdiction = tally.WithoutJurisdiction, complete = !ct.IsCancellationRequested }), CancellationToken.None);
        }
        return Results.Empty;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Invalid(string problem) =>
        TypedResults.Problem(statusCode: 400, title: "The audience request is not valid", detail: problem);

    private static string Clip(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
