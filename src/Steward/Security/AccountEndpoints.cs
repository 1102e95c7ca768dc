using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Steward.Web;

namespace Steward.Security;

/// <summary>Console sign-in and sign-out (cookie), in en and zh-CN, with antiforgery on every form.</summary>
public static class AccountEndpoints
{
    public const string SignInPath = "/account/sign-in";
    public const string SignInRateLimit = "sign-in";

    public static IEndpointRouteBuilder MapAccount(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").ExcludeFromDescription();
        group.MapGet(SignInPath, (HttpContext http, IAntiforgery af, string? returnUrl) =>
                SignInPage(http, af, returnUrl, error: null, status: 200))
            .Public();
        group.MapPost(SignInPath, SignInAsync).Public().RequireRateLimiting(SignInRateLimit);
        group.MapPost("/account/sign-out", async (HttpContext http) =>
            {
                await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                return Results.Redirect(SignInPath);
            })
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .RequireRoles(Roles.Console);
        return routes;
    }

    /// <summary>The sign-in form fields.</summary>
    public sealed class SignInForm
    {
        public string? Email { get; set; }
        public string? Password { get; set; }
        public string? ReturnUrl { get; set; }
    }

    private static async Task<IResult> SignInAsync([FromForm] SignInForm form, HttpContext http, IAntiforgery af, StaffDirectory staff)
    {
        var lang = Language.FromRequest(http.Request);
        var t = Language.Strings<SignInStrings>(lang);
        if (string.IsNullOrWhiteSpace(form.Email) || string.IsNullOrEmpty(form.Password))
            return SignInPage(http, af, form.ReturnUrl, t.Failed, 400);
        var result = await staff.SignInAsync(form.Email, form.Password, http.RequestAborted);
        switch (result.Outcome)
        {
            case SignInOutcome.Success:
                var identity = new ClaimsIdentity(
                    [
                        new Claim(ClaimTypes.NameIdentifier, result.UserId!.Value.ToString()),
                        new Claim(ClaimTypes.Role, result.Role!),
                        new Claim(StewardClaims.Actor, $"user:{result.UserId}"),
                    ], CookieAuthenticationDefaults.AuthenticationScheme);
                await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
                return Results.LocalRedirect(IsLocal(form.ReturnUrl) ? form.ReturnUrl! : "/console");
            case SignInOutcome.LockedOut:
                return SignInPage(http, af, form.ReturnUrl, t.LockedOut, 423);
            default:
                return SignInPage(http, af, form.ReturnUrl, t.Failed, 401);
        }
    }

    /// <summary>A path on this site: no scheme, no host, no backslash or control characters (which browsers reinterpret).</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.Any(c => c == '\\' || char.IsControl(c));

    private static RazorComponentResult<SignInPage> SignInPage(HttpContext http, IAntiforgery af, string? returnUrl, string? error, int status)
    {
        var tokens = af.GetAndStoreTokens(http);
        return Pages.Result<SignInPage>(new
        {
            Lang = Language.FromRequest(http.Request),
            AntiforgeryField = tokens.FormFieldName,
            AntiforgeryToken = tokens.RequestToken ?? "",
            ReturnUrl = IsLocal(returnUrl) ? returnUrl! : "",
            Error = error,
        }, status);
    }
}
