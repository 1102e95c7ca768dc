using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steward.Security;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>Read access to the audit log for auditors and admins.</summary>
internal static class AuditEndpoints
{
    /// <summary>
    /// One audit entry as the API shows it. <c>Id</c> is the insertion id; <c>Sequence</c>, <c>PreviousHash</c>
    /// and <c>Hash</c> (the chain MAC) are null until the entry is chained.
    /// </summary>
    public sealed record AuditEntryResponse(long Id, long? Sequence, DateTimeOffset Timestamp, string Actor, string Action, string Target,
        System.Text.Json.JsonElement Details, int KeyVersion, string EntryMac, string? PreviousHash, string? Hash);

    /// <summary>
    /// The result of verifying the log: chained entries that hold, entries not yet chained, checkpoints,
    /// and the first thing that disagrees (<c>Where</c>: an entry, a checkpoint or a record such as <c>policy:3</c>).
    /// </summary>
    public sealed record AuditVerificationResponse(bool Ok, long Entries, long? BrokenAt, string? Problem, string? Where,
        long Unchained, long Checkpoints, IReadOnlyList<string> Warnings, AuditCheckpointSummary? NewestCheckpoint);

    /// <summary>Maps under the API root group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/audit").WithTags("Audit").RequireRoles(Roles.Auditor, Roles.Admin);
        group.MapGet("/entries", ListAsync).WithName("ListAuditEntries")
            .WithSummary("Audit entries, newest first; page with 'before' (an insertion id).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/verification", async (AuditChainer chainer, AuditVerifier verifier, CancellationToken ct) =>
            {
                // As the CLI does: chain what is pending first (unless another node is at it), so the answer covers the newest entries.
                await chainer.ChainPendingAsync(wait: false, ct);
                var v = await verifier.VerifyAsync(ct);
                return TypedResults.Ok(new AuditVerificationResponse(v.Ok, v.Entries, v.BrokenAt, v.Problem, v.Where, v.Unchained, v.Checkpoints,
                    v.Warnings, v.NewestCheckpoint));
            })
            .WithName("VerifyAuditLog")
            .WithSummary("Verifies the chain, the unchained tail, the signed checkpoints and the audited records; reports the first that disagrees.");
        group.MapGet("/checkpoints/newest", async Task<Results<Ok<AuditCheckpointExport>, ProblemHttpResult>> (
                IDbContextFactory<StewardDbContext> contexts, CancellationToken ct) =>
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                return await AuditCheckpoints.NewestAsync(db, ct) is { } c
                    ? TypedResults.Ok(AuditCheckpoints.ToExport(c))
                    : TypedResults.Problem(statusCode: 404, title: "No checkpoint yet", detail: "No checkpoint has been signed yet; run 'steward audit checkpoint'.");
            })
            .WithName("GetNewestAuditCheckpoint")
            .WithSummary("The newest signed checkpoint in the exported form an auditor keeps outside Steward.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Ok<List<AuditEntryResponse>>, ProblemHttpResult>> ListAsync(
        IDbContextFactory<StewardDbContext> contexts, CancellationToken ct, long? before = null, int limit = 50)
    {
        if (limit is < 1 or > 500)
            return TypedResults.Problem(statusCode: 400, title: "Invalid limit", detail: "'limit' must be between 1 and 500.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.AuditEntries.AsNoTracking();
        if (before is { } b) query = query.Where(e => e.Id < b);
        var rows = await query.OrderByDescending(e => e.Id).Take(limit).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ToResponse).ToList());
    }

    internal static AuditEntryResponse ToResponse(AuditEntry e)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(e.Details);
        return new(e.Id, e.Sequence, e.Timestamp, e.Actor, e.Action, e.Target, doc.RootElement.Clone(), e.KeyVersion, e.EntryMac, e.PreviousHash, e.Hash);
    }
}
