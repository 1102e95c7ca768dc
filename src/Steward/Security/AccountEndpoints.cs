using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Steward.Web;

namespace Steward.Security;

/// <summary>Console sign-in and sign-out (cookie), in en and zh-CN, with antiforgery on every form.</summary>
internal static class AccountEndpoints
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
        group.MapPost("/account/sign-out", async (HttpContext http, IAntiforgery af) =>
            {
                // The antiforgery middleware only records a failure; an endpoint that binds no form must refuse it itself.
                if (!(http.Features.Get<IAntiforgeryValidationFeature>()?.IsValid ?? await af.IsRequestValidAsync(http)))
                    return Results.Problem(statusCode: 400, title: "The form has expired",
                        detail: "Sign out from the console page (the form carries a token that proves it came from Steward).");
                // Revokes the server-side session (StaffSessions.RemoveAsync), so a copy of the cookie stops working too.
                await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                return Results.LocalRedirect(SignInPath);
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

    private static async Task<IResult> SignInAsync([FromForm] SignInForm form, HttpContext http, IAntiforgery af, StaffDirectory staff,
        IDataProtectionProvider dataProtection)
    {
        var lang = Language.FromRequest(http.Request);
        var t = Language.Strings<SignInStrings>(lang);
        if (string.IsNullOrWhiteSpace(form.Email) || string.IsNullOrEmpty(form.Password))
            return SignInPage(http, af, form.ReturnUrl, t.Failed, 400);
        // Time-limited, so a copied cookie does not bypass the per-account limit for ever; bound to the password too.
        var devices = dataProtection.CreateProtector(KnownDevicePurpose).ToTimeLimitedDataProtector();
        var result = await staff.SignInAsync(form.Email, form.Password, KnownDevice(http, devices), http.RequestAborted);
        if (result.Outcome != SignInOutcome.Success)
            // One answer for an unknown email, a wrong password and a throttled account: nothing tells who has an account.
            return SignInPage(http, af, form.ReturnUrl, t.Failed, 401);

        // Only the user id and role go to the session store; the cookie itself will carry just the session key.
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, result.UserId!.Value.ToString()),
                new Claim(ClaimTypes.Role, result.Role!),
            ], CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        // This browser now counts as one the user has signed in on: the per-account throttle does not apply to it.
        http.Response.Cookies.Append(KnownDeviceCookie, devices.Protect($"{result.UserId.Value:N}:{result.DeviceStamp}", KnownDeviceLifetime), new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/account",
            MaxAge = KnownDeviceLifetime,
        });
        return Results.LocalRedirect(IsLocal(form.ReturnUrl) ? form.ReturnUrl! : "/console");
    }

    private const string KnownDeviceCookie = "steward.device";
    private const string KnownDevicePurpose = "Steward.Security.KnownDevice.v2";
    private static readonly TimeSpan KnownDeviceLifetime = TimeSpan.FromDays(90);

    private static KnownDevice? KnownDevice(HttpContext http, ITimeLimitedDataProtector devices)
    {
        if (http.Request.Cookies[KnownDeviceCookie] is not { Length: > 0 and < 1000 } value) return null;
        try
        {
            var parts = devices.Unprotect(value).Split(':');
            return parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var id) ? new KnownDevice(id, parts[1]) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// A path on this site: no scheme, no host, no backslash or control characters (which browsers reinterpret),
    /// and printable ASCII only, since a Location header cannot carry anything else.
    /// </summary>
    internal static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2000 && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)
        && url.All(c => c is > ' ' and < '\x7f' and not '\\');

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
