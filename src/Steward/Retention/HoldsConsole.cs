using Microsoft.AspNetCore.Antiforgery;
using Steward.Hosting;
using Steward.People;
using Steward.Security;
using Steward.Web;

namespace Steward.Retention;

/// <summary>
/// <c>/console/holds</c>: the legal holds for the rights staff and auditors to see, and for privacy officers to place
/// (on a person by email address, or a collection) and release. Forms post back to the page, antiforgery-checked.
/// </summary>
internal static class HoldsConsole
{
    public static IEndpointRouteBuilder MapHoldsConsole(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/console/holds").ExcludeFromDescription();
        group.MapGet("", (HttpContext http, IAntiforgery af, LegalHolds holds, string? show, CancellationToken ct) => PageAsync(http, af, holds, show == "all", null, 200, ct))
            .RequireRoles(Roles.PrivacyOfficer, Roles.DsrAgent, Roles.Auditor);
        group.MapPost("", AddAsync).RequireRoles(Roles.PrivacyOfficer).WithMetadata(new RequireAntiforgeryTokenAttribute());
        group.MapPost("/{id:guid}/release", ReleaseAsync).RequireRoles(Roles.PrivacyOfficer).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return routes;
    }

    private static async Task<IResult> PageAsync(HttpContext http, IAntiforgery af, LegalHolds holds, bool all, string? notice, int status, CancellationToken ct)
    {
        var tokens = af.GetAndStoreTokens(http);
        return Pages.Result<HoldsPage>(new
        {
            Lang = Language.FromRequest(http.Request),
            Holds = await holds.ListAsync(all, ct),
            ShowAll = all,
            CanChange = http.User.IsInRole(Roles.PrivacyOfficer),
            Notice = notice,
            AntiforgeryField = tokens.FormFieldName,
            AntiforgeryToken = tokens.RequestToken ?? "",
        }, status);
    }

    private static async Task<IResult> AddAsync(HttpContext http, IAntiforgery af, LegalHolds holds, CancellationToken ct)
    {
        var t = Language.Strings<HoldStrings>(Language.FromRequest(http.Request));
        if (await FormProblemAsync(http, af) is { } expired) return await PageAsync(http, af, holds, false, expired, 400, ct);
        var form = await http.Request.ReadFormAsync(ct);
        var (email, collection) = (form["email"].ToString().Trim(), form["collection"].ToString().Trim());
        var actor = StewardClaims.ActorOf(http.User);
        try
        {
            if ((email.Length > 0) == (collection.Length > 0)) throw new StewardException($"{t.Email} / {t.Collection}: fill in exactly one.");
            var until = form["until"].ToString() is { Length: > 0 } day ? HoldCommands.ParseUntil(day) : null;
            if (email.Length > 0)
            {
                var parsed = IdentityNormalisation.Parse(IdentityType.Email, email);
                await holds.HoldPersonAsync(parsed.Identity ?? throw new StewardException(parsed.Problem!), form["reason"], until, actor, ct);
            }
            else await holds.HoldCollectionAsync(collection, form["reason"], until, actor, ct);
        }
        catch (StewardException problem)
        {
            return await PageAsync(http, af, holds, false, $"{t.Problem} {problem.Message}", 400, ct);
        }
        return await PageAsync(http, af, holds, false, t.Added, 200, ct);
    }

    private static async Task<IResult> ReleaseAsync(Guid id, HttpContext http, IAntiforgery af, LegalHolds holds, CancellationToken ct)
    {
        var t = Language.Strings<HoldStrings>(Language.FromRequest(http.Request));
        if (await FormProblemAsync(http, af) is { } expired) return await PageAsync(http, af, holds, false, expired, 400, ct);
        try
        {
            await holds.ReleaseAsync(id, StewardClaims.ActorOf(http.User), ct);
        }
        catch (StewardException problem)
        {
            return await PageAsync(http, af, holds, false, $"{t.Problem} {problem.Message}", 404, ct);
        }
        return await PageAsync(http, af, holds, false, t.Released, 200, ct);
    }

    private static async Task<string?> FormProblemAsync(HttpContext http, IAntiforgery af) =>
        await Pages.IsValidFormAsync(http, af) ? null : Language.Strings<Rights.RightsStrings>(Language.FromRequest(http.Request)).FormExpired;
}
