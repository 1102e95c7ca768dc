using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steward.Security;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>Read access to the audit log for auditors and admins.</summary>
public static class AuditEndpoints
{
    /// <summary>One audit entry as the API shows it.</summary>
    public sealed record AuditEntryResponse(long Sequence, DateTimeOffset Timestamp, string Actor, string Action, string Target,
        System.Text.Json.JsonElement Details, string PreviousHash, string Hash);

    /// <summary>The result of recomputing the chain.</summary>
    public sealed record AuditVerificationResponse(bool Ok, long Entries, long? BrokenAt, string? Problem);

    /// <summary>Maps under the API root group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/audit").WithTags("Audit").RequireRoles(Roles.Auditor, Roles.Admin);
        group.MapGet("/entries", ListAsync).WithName("ListAuditEntries")
            .WithSummary("Audit entries, newest first; page with 'before' (a sequence number).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/verification", async (AuditVerifier verifier, CancellationToken ct) =>
            {
                var v = await verifier.VerifyAsync(ct);
                return TypedResults.Ok(new AuditVerificationResponse(v.Ok, v.Entries, v.BrokenAt, v.Problem));
            })
            .WithName("VerifyAuditLog").WithSummary("Recomputes the hash chain and reports the first broken entry, if any.");
        return routes;
    }

    private static async Task<Results<Ok<List<AuditEntryResponse>>, ProblemHttpResult>> ListAsync(
        IDbContextFactory<StewardDbContext> contexts, CancellationToken ct, long? before = null, int limit = 50)
    {
        if (limit is < 1 or > 500)
            return TypedResults.Problem(statusCode: 400, title: "Invalid limit", detail: "'limit' must be between 1 and 500.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.AuditEntries.AsNoTracking();
        if (before is { } b) query = query.Where(e => e.Sequence < b);
        var rows = await query.OrderByDescending(e => e.Sequence).Take(limit).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ToResponse).ToList());
    }

    internal static AuditEntryResponse ToResponse(AuditEntry e)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(e.Details);
        return new(e.Sequence, e.Timestamp, e.Actor, e.Action, e.Target, doc.RootElement.Clone(), e.PreviousHash, e.Hash);
    }
}
