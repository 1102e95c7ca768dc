using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Storage;

namespace Steward.Security;

/// <summary>Authenticates <c>Authorization: Bearer KEY</c> against the stored key hashes.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<StewardDbContext> contexts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var key = header["Bearer ".Length..].Trim();
        if (key.Length == 0) return AuthenticateResult.Fail("Empty bearer key.");

        var hash = ApiKeys.Hash(key);
        await using var db = await contexts.CreateDbContextAsync(Context.RequestAborted);
        var found = await db.ApiKeys.AsNoTracking()
            .Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .Select(k => new { k.Id, k.Name, k.Role })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("Unknown or revoked API key.");

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, found.Id.ToString()),
                new Claim(ClaimTypes.Name, found.Name),
                new Claim(ClaimTypes.Role, found.Role),
                new Claim(StewardClaims.Actor, $"key:{found.Name}"),
            ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(statusCode: 401, title: "Authentication required",
            detail: "Send a valid API key as 'Authorization: Bearer KEY', or sign in to the console.").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(statusCode: 403, title: "Forbidden",
            detail: "Your role may not call this endpoint.").ExecuteAsync(Context);
    }
}

/// <summary>Claim types of Steward's own.</summary>
internal static class StewardClaims
{
    /// <summary>How the caller is named in the audit log: <c>user:{id}</c> or <c>key:{name}</c>.</summary>
    public const string Actor = "steward:actor";

    public static string ActorOf(ClaimsPrincipal user) => user.FindFirstValue(Actor) ?? "anonymous";
}

/// <summary>Creating and hashing API keys.</summary>
internal static class ApiKeys
{
    public const string Prefix = "stw_";

    /// <summary>256 random bits; high entropy, so a plain SHA-256 is a sufficient stored form.</summary>
    public static string NewKey() => Prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
