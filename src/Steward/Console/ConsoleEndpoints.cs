using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Steward.Audit;
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
        var group = routes.MapGroup("/console").ExcludeFromDescription().RequireRoles(Roles.Console);
        group.MapGet("", HomeAsync);
        return routes;
    }

    private static async Task<IResult> HomeAsync(HttpContext http, IAntiforgery af, PolicyStore policies, AuditVerifier verifier, CancellationToken ct)
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
            AntiforgeryField = tokens.FormFieldName,
            AntiforgeryToken = tokens.RequestToken ?? "",
        });
    }
}
