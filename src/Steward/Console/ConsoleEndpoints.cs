using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Steward.Audit;
using Steward.Jobs;
using Steward.Policy;
using Steward.Security;
using Steward.Web;

// Not Steward.Console: that would hide System.Console from every Steward namespace.
namespace Steward.StaffConsole;

/// <summary>The staff console's pages (signed in; sign-in and sign-out live in Security).</summary>
internal static class ConsoleEndpoints
{
    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder routes)
    {
        // Each page declares its own roles: declarations on a group and its page would both apply.
        var group = routes.MapGroup("/console").ExcludeFromDescription();
        group.MapGet("", HomeAsync).RequireRoles(Roles.Console);
        group.MapGet("/jobs", JobsAsync).RequireRoles(Roles.Admin, Roles.Auditor);
        return routes;
    }

    private const int JobsShown = 100;

    private static async Task<IResult> JobsAsync(HttpContext http, BackgroundJobs jobs, CancellationToken ct) =>
        Pages.Result<JobsPage>(new
        {
            Lang = Language.FromRequest(http.Request),
            Jobs = await jobs.ListAsync(null, JobsShown, ct),
            Shown = JobsShown,
        });

    private static async Task<IResult> HomeAsync(HttpContext http, IAntiforgery af, PolicyStore policies, AuditVerifier verifier,
        People.Erasures.ErasureTombstones tombstones, CancellationToken ct)
    {
        var tokens = af.GetAndStoreTokens(http);
        var role = http.User.FindFirstValue(ClaimTypes.Role) ?? "";
        return Pages.Result<ConsoleHomePage>(new
        {
            Lang = Language.FromRequest(http.Request),
            Role = role,
            Versions = await policies.ListAsync(ct),
            Current = (await policies.CurrentAsync(ct))?.Info.Version,
            Audit = role is Roles.Admin or Roles.Auditor ? await verifier.VerifyAsync(ct) : null,
            Comebacks = role is Roles.Admin or Roles.PrivacyOfficer ? await tombstones.RecentComebacksAsync(TimeSpan.FromDays(30), ct) : 0,
            AntiforgeryField = tokens.FormFieldName,
            AntiforgeryToken = tokens.RequestToken ?? "",
        });
    }
}
