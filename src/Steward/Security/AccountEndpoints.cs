using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Steward.Web;
using static Steward.Web.Html;

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
        group.MapGet("/console", ConsoleHome).RequireRoles(Roles.Console);
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
        var t = UiText.For(lang);
        if (string.IsNullOrWhiteSpace(form.Email) || string.IsNullOrEmpty(form.Password))
            return SignInPage(http, af, form.ReturnUrl, t.SignInFailed, 400);
        var devices = dataProtection.CreateProtector(KnownDevicePurpose);
        var result = await staff.SignInAsync(form.Email, form.Password, KnownDevice(http, devices), http.RequestAborted);
        if (result.Outcome != SignInOutcome.Success)
            // One answer for an unknown email, a wrong password and a throttled account: nothing tells who has an account.
            return SignInPage(http, af, form.ReturnUrl, t.SignInFailed, 401);

        // Only the user id and role go to the session store; the cookie itself will carry just the session key.
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, result.UserId!.Value.ToString()),
                new Claim(ClaimTypes.Role, result.Role!),
            ], CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        // This browser now counts as one the user has signed in on: the per-account throttle does not apply to it.
        http.Response.Cookies.Append(KnownDeviceCookie, devices.Protect(result.UserId.Value.ToString("N")), new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/account",
            MaxAge = TimeSpan.FromDays(90),
        });
        return Results.LocalRedirect(IsLocal(form.ReturnUrl) ? form.ReturnUrl! : "/console");
    }

    private const string KnownDeviceCookie = "steward.device";
    private const string KnownDevicePurpose = "Steward.Security.KnownDevice.v1";

    private static Guid? KnownDevice(HttpContext http, IDataProtector devices)
    {
        if (http.Request.Cookies[KnownDeviceCookie] is not { Length: > 0 and < 1000 } value) return null;
        try
        {
            return Guid.TryParseExact(devices.Unprotect(value), "N", out var id) ? id : null;
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

    private static IResult SignInPage(HttpContext http, IAntiforgery af, string? returnUrl, string? error, int status)
    {
        var lang = Language.FromRequest(http.Request);
        var t = UiText.For(lang);
        var tokens = af.GetAndStoreTokens(http);
        var body = $"""
            <h1>{E(t.SignInTitle)}</h1>
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
            <form class="stack" method="post" action="{SignInPath}?lang={E(lang)}">
              <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
              <input type="hidden" name="returnUrl" value="{E(IsLocal(returnUrl) ? returnUrl : "")}">
              <label for="email">{E(t.Email)}</label>
              <input id="email" name="email" type="email" autocomplete="username" required>
              <label for="password">{E(t.Password)}</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required>
              <button type="submit">{E(t.SignInButton)}</button>
            </form>
            """;
        return Result(Page(lang, t.SignInTitle, body, LanguageSwitch(lang, SignInPath)), status);
    }

    private static async Task<IResult> ConsoleHome(HttpContext http, IAntiforgery af, Policy.PolicyStore policies, Audit.AuditVerifier verifier, CancellationToken ct)
    {
        var lang = Language.FromRequest(http.Request);
        var t = UiText.For(lang);
        var tokens = af.GetAndStoreTokens(http);
        var role = http.User.FindFirstValue(ClaimTypes.Role) ?? "";
        var body = new System.Text.StringBuilder($"""
            <h1>{E(t.ConsoleTitle)}</h1>
            <p>{E(t.SignedInAs)}: <strong>{E(role)}</strong></p>
            """);
        var versions = await policies.ListAsync(ct);
        var current = (await policies.CurrentAsync(ct))?.Info.Version;
        body.Append("<h2>").Append(E(t.PolicyVersions)).Append("</h2>\n");
        if (versions.Count == 0) body.Append("<p>").Append(E(t.NoPolicy)).Append("</p>\n");
        else
        {
            body.Append("<table><caption>").Append(E(t.PolicyVersions)).Append("</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">")
                .Append(E(t.Effective)).Append("</th><th scope=\"col\">").Append(E(t.Summary)).Append("</th></tr></thead><tbody>\n");
            foreach (var v in versions.AsEnumerable().Reverse())
                body.Append("<tr><th scope=\"row\"><a href=\"/privacy/versions/").Append(v.Version).Append("?lang=").Append(E(lang)).Append("\">")
                    .Append(v.Version).Append("</a>").Append(v.Version == current ? " ✓" : "").Append("</th><td>")
                    .Append(v.EffectiveDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Append("</td><td>")
                    .Append(E(v.Summary ?? "")).Append("</td></tr>\n");
            body.Append("</tbody></table>\n");
        }
        if (role is Roles.Admin or Roles.Auditor)
        {
            var audit = await verifier.VerifyAsync(ct);
            body.Append("<h2>").Append(E(t.AuditLog)).Append("</h2>\n<p>")
                .Append(E(audit.Ok ? string.Format(System.Globalization.CultureInfo.InvariantCulture, t.AuditOk, audit.Entries)
                                   : string.Format(System.Globalization.CultureInfo.InvariantCulture, t.AuditBroken, audit.BrokenAt, audit.Problem)))
                .Append("</p>\n");
        }
        body.Append(System.Globalization.CultureInfo.InvariantCulture, $"""
            <p><a href="/privacy?lang={E(lang)}">{E(t.ViewNotice)}</a> · <a href="/openapi/v1.json">{E(t.ApiDocument)}</a></p>
            <form method="post" action="/account/sign-out">
              <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
              <button type="submit">{E(t.SignOut)}</button>
            </form>
            """);
        return Result(Page(lang, t.ConsoleTitle, body.ToString(), LanguageSwitch(lang, "/console")));
    }
}
