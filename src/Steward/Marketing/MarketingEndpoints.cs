using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Steward.Consent;
using Steward.Policy;
using Steward.Security;
using Steward.Web;

namespace Steward.Marketing;

/// <summary>
/// Marketing mail: links to unsubscribe in one click (RFC 8058) and to the person's preference centre, issued to senders;
/// the pages those links open; the suppression list senders read. Tokens travel in paths only, never logged.
/// </summary>
internal static class MarketingEndpoints
{
    public const string UnsubscribePrefix = "/u";
    public const string PreferencesPrefix = "/p";
    public const string LinkRateLimit = "marketing-links";
    /// <summary>The one-click body RFC 8058 has mail programs send.</summary>
    public const string OneClickField = "List-Unsubscribe";
    public const string OneClickValue = "One-Click";
    private const int MaxFormBytes = 16 * 1024;

    /// <summary>
    /// A person (identity type and value) and a channel (a key of the policy's marketing_channels). The jurisdiction defaults
    /// to the one Steward knows for the person; the language (en or zh-CN) is the page's default, else the browser's.
    /// </summary>
    public sealed record UnsubscribeLinkRequest(ConsentEndpoints.IdentityRequest? Identity, string? Channel, string? Jurisdiction = null, string? Language = null);

    /// <summary>The link, the two headers to put on the message as they are, and when the link stops working (absent: never).</summary>
    public sealed record UnsubscribeLinkResponse(string Url, string ListUnsubscribe, string ListUnsubscribePost, DateTimeOffset? ExpiresAt);

    /// <summary>A person (identity type and value); jurisdiction and language as for unsubscribe links.</summary>
    public sealed record PreferenceLinkRequest(ConsentEndpoints.IdentityRequest? Identity, string? Jurisdiction = null, string? Language = null);

    public sealed record PreferenceLinkResponse(string Url, DateTimeOffset? ExpiresAt);

    /// <summary>The path with a link's token replaced, for traces and anything else that records paths; other paths unchanged.</summary>
    public static string WithoutToken(string path) =>
        path.StartsWith(UnsubscribePrefix + "/", StringComparison.OrdinalIgnoreCase) ? UnsubscribePrefix + "/{token}"
        : path.StartsWith(PreferencesPrefix + "/", StringComparison.OrdinalIgnoreCase) ? PreferencesPrefix + "/{token}"
        : path.StartsWith(Consent.GuardianEndpoints.Prefix + "/", StringComparison.OrdinalIgnoreCase) ? Consent.GuardianEndpoints.Prefix + "/{token}"
        : path;

    /// <summary>Maps under the API root group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapMarketing(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("").WithTags("Marketing").WithMetadata(new RequestSizeLimitAttribute(ConsentEndpoints.MaxBodyBytes));
        group.MapPost("/unsubscribe-links", IssueUnsubscribeLinkAsync).WithName("IssueUnsubscribeLink")
            .WithSummary("A one-click unsubscribe link for one person and one marketing channel, with the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058) to put on the message. The link is opaque and signed; it names no one.")
            .RequireRoles(Roles.Service, Roles.PrivacyOfficer)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/preference-links", IssuePreferenceLinkAsync).WithName("IssuePreferenceLink")
            .WithSummary("A link to one person's preference centre, where they see and change their choices for each marketing channel and consent purpose. Opaque and signed; expires after Marketing:PreferenceLinkLifetime.")
            .RequireRoles(Roles.Service, Roles.PrivacyOfficer, Roles.DsrAgent)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/suppression", SuppressionAsync).WithName("SuppressionList")
            .WithSummary("Streams text/plain, one line per address: the SHA-256 (64 lower-case hex digits) of each normalised email address that must not be contacted on the channel (standing choice denied or withdrawn). 400 names an unknown channel.")
            .RequireRoles(Roles.Service, Roles.PrivacyOfficer)
            .Produces<string>(StatusCodes.Status200OK, "text/plain").ProducesProblem(StatusCodes.Status400BadRequest);
        return api;
    }

    /// <summary>The pages the links open: public, no sign-in, never cached, limited per address.</summary>
    public static IEndpointRouteBuilder MapMarketingPages(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").ExcludeFromDescription().Public().RequireRateLimiting(LinkRateLimit)
            .WithMetadata(new RequestSizeLimitAttribute(MaxFormBytes));
        group.MapGet(UnsubscribePrefix + "/{token}", ConfirmUnsubscribeAsync);
        // Mail programs post without cookies or a form token (RFC 8058); the token in the path is the only proof needed.
        group.MapPost(UnsubscribePrefix + "/{token}", UnsubscribeAsync).DisableAntiforgery();
        group.MapGet(PreferencesPrefix + "/{token}", PreferencesAsync);
        group.MapPost(PreferencesPrefix + "/{token}", SavePreferencesAsync).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return routes;
    }

    private static async Task<Results<Ok<UnsubscribeLinkResponse>, ProblemHttpResult>> IssueUnsubscribeLinkAsync(UnsubscribeLinkRequest request,
        LinkIssuer issuer, IOptions<WebOptions> web, CancellationToken ct)
    {
        if (web.Value.PublicBase is not { } site) return NotConfigured();
        var link = await issuer.IssueAsync(site, LinkKind.Unsubscribe, request.Identity?.Type, request.Identity?.Value, request.Channel,
            request.Jurisdiction, request.Language, ct);
        if (link.Url is not { } url) return Invalid(link.Problem!);
        return TypedResults.Ok(new UnsubscribeLinkResponse(url, $"<{url}>", $"{OneClickField}={OneClickValue}", link.ExpiresAt));
    }

    private static async Task<Results<Ok<PreferenceLinkResponse>, ProblemHttpResult>> IssuePreferenceLinkAsync(PreferenceLinkRequest request,
        LinkIssuer issuer, IOptions<WebOptions> web, CancellationToken ct)
    {
        if (web.Value.PublicBase is not { } site) return NotConfigured();
        var link = await issuer.IssueAsync(site, LinkKind.Preferences, request.Identity?.Type, request.Identity?.Value, channel: null,
            request.Jurisdiction, request.Language, ct);
        return link.Url is { } url ? TypedResults.Ok(new PreferenceLinkResponse(url, link.ExpiresAt)) : Invalid(link.Problem!);
    }

    private static async Task<IResult> SuppressionAsync(string? channel, PolicyStore policies, SuppressionList suppression, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(channel)) return Invalid("'channel' is missing: ?channel=KEY, a key of the policy's marketing_channels (e.g. email).");
        var policy = await policies.CurrentAsync(ct);
        var channels = policy?.Document.MarketingChannels ?? [];
        if (!channels.ContainsKey(channel))
            return Invalid($"'{LinkIssuer.Clip(channel)}' is not a marketing channel of the policy in force ({(channels.Count == 0 ? "it has none" : string.Join(", ", channels.Keys))}).");
        http.Response.ContentType = "text/plain; charset=utf-8";
        await using var body = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
        await suppression.WriteAsync(channel, body, StewardClaims.ActorOf(http.User), ct);
        return Results.Empty;
    }

    private static async Task<IResult> ConfirmUnsubscribeAsync(string token, HttpContext http, MarketingLinks links, MarketingPreferences preferences, CancellationToken ct)
    {
        var found = await UnsubscribeTargetAsync(token, links, preferences, ct);
        var lang = PageLanguage(http.Request, found?.Link.Language);
        Private(http);
        if (found is not { } f) return LinkInvalid(lang);
        return Pages.Result<UnsubscribePage>(new { Lang = lang, Path = PathOf(UnsubscribePrefix, token), Channel = f.Channel.Name!.In(lang), Done = false });
    }

    private static async Task<IResult> UnsubscribeAsync(string token, HttpContext http, MarketingLinks links, MarketingPreferences preferences, CancellationToken ct)
    {
        Private(http);
        if (await UnsubscribeTargetAsync(token, links, preferences, ct) is not { } found)
            return TypedResults.Problem(statusCode: 404, title: "No such link", detail: "The unsubscribe link is incomplete, expired or not issued by this site; nothing was recorded.");
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
        if (form?[OneClickField].ToString() != OneClickValue)
            return TypedResults.Problem(statusCode: 400, title: "Not a one-click unsubscribe",
                detail: $"The body is the form field {OneClickField}={OneClickValue} (RFC 8058); nothing was recorded.");
        var lang = PageLanguage(http.Request, found.Link.Language);
        var current = await preferences.CurrentAsync(found.Link.Identity, ct);
        var changes = PreferenceRules.Unsubscribe(found.Policy.Document, found.Policy.Info.Version, found.Link.Jurisdiction, found.Link.Channel!, current);
        var recorded = await RecordAsync(preferences, found.Link, found.Policy, ConsentMethod.UnsubscribeLink, changes, lang, textHash: null, http, ct);
        if (recorded is not null) return recorded;
        return Pages.Result<UnsubscribePage>(new { Lang = lang, Path = PathOf(UnsubscribePrefix, token), Channel = found.Channel.Name!.In(lang), Done = true });
    }

    private sealed record UnsubscribeTarget(LinkClaims Link, PublishedPolicy Policy, Policy.Model.MarketingChannel Channel);

    /// <summary>A genuine unsubscribe link whose channel the policy in force still has.</summary>
    private static async Task<UnsubscribeTarget?> UnsubscribeTargetAsync(string token, MarketingLinks links, MarketingPreferences preferences, CancellationToken ct) =>
        await links.ReadAsync(LinkKind.Unsubscribe, token, ct) is { Channel: { } channel } link
        && await preferences.PolicyAsync(version: null, ct) is { } policy
        && policy.Document.MarketingChannels.TryGetValue(channel, out var found)
            ? new UnsubscribeTarget(link, policy, found) : null;

    private static async Task<IResult> PreferencesAsync(string token, HttpContext http, MarketingLinks links, MarketingPreferences preferences, IAntiforgery af,
        CancellationToken ct)
    {
        var link = await links.ReadAsync(LinkKind.Preferences, token, ct);
        var lang = PageLanguage(http.Request, link?.Language);
        Private(http);
        if (link is null || await preferences.PolicyAsync(version: null, ct) is not { } policy) return LinkInvalid(lang);
        return PreferencePage(http, af, token, lang, policy, link, await preferences.CurrentAsync(link.Identity, ct), message: null);
    }

    private static async Task<IResult> SavePreferencesAsync(string token, HttpContext http, MarketingLinks links, MarketingPreferences preferences, IAntiforgery af,
        CancellationToken ct)
    {
        var link = await links.ReadAsync(LinkKind.Preferences, token, ct);
        var lang = PageLanguage(http.Request, link?.Language);
        var t = Language.Strings<MarketingStrings>(lang);
        Private(http);
        if (link is null) return LinkInvalid(lang);
        if (!await Pages.IsValidFormAsync(http, af))
            return Pages.Result<MessagePage>(new { Lang = lang, Title = t.PreferencesTitle, Text = t.FormExpired }, StatusCodes.Status400BadRequest);
        var form = await http.Request.ReadFormAsync(ct);
        var shownVersion = int.TryParse(form["policyVersion"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : (int?)null;
        if (await preferences.PolicyAsync(shownVersion, ct) is not { } policy) return LinkInvalid(lang);
        var offered = Offered(policy, link.Jurisdiction);
        var answers = offered.Where(i => form[i.Key].ToString() is "yes" or "no").ToDictionary(i => i.Key, i => form[i.Key].ToString() == "yes", StringComparer.Ordinal);
        var current = await preferences.CurrentAsync(link.Identity, ct);
        var changes = PreferenceRules.Save(offered, answers, current);
        var failed = await RecordAsync(preferences, link, policy, ConsentMethod.PreferenceCentre, changes, lang, PreferenceRules.TextHash(offered, lang), http, ct);
        if (failed is not null) return failed;
        var now = changes.Count == 0 ? current : await preferences.CurrentAsync(link.Identity, ct);
        return PreferencePage(http, af, token, lang, policy, link, now, changes.Count == 0 ? t.NothingChanged : t.Saved);
    }

    private static List<PreferenceItem> Offered(PublishedPolicy policy, string jurisdiction) =>
        [.. PreferenceRules.Channels(policy.Document), .. PreferenceRules.Purposes(policy.Document, policy.Info.Version, jurisdiction)];

    private static RazorComponentResult<PreferencePage> PreferencePage(HttpContext http, IAntiforgery af, string token, string lang, PublishedPolicy policy, LinkClaims link,
        IReadOnlyDictionary<string, ConsentChoice> current, string? message)
    {
        var tokens = af.GetAndStoreTokens(http);
        return Pages.Result<PreferencePage>(new
        {
            Lang = lang,
            Path = PathOf(PreferencesPrefix, token),
            Channels = PreferenceRules.Rows(PreferenceRules.Channels(policy.Document), lang, current),
            Purposes = PreferenceRules.Rows(PreferenceRules.Purposes(policy.Document, policy.Info.Version, link.Jurisdiction), lang, current),
            PolicyVersion = policy.Info.Version,
            AntiforgeryField = tokens.FormFieldName,
            AntiforgeryToken = tokens.RequestToken ?? "",
            Message = message,
        });
    }

    /// <summary>Records the changes; null when done, else the answer that says why not (nothing recorded).</summary>
    private static async Task<IResult?> RecordAsync(MarketingPreferences preferences, LinkClaims link, PublishedPolicy policy, ConsentMethod method,
        IReadOnlyList<KeyChoice> changes, string lang, string? textHash, HttpContext http, CancellationToken ct)
    {
        var t = Language.Strings<MarketingStrings>(lang);
        try
        {
            // A person's choice is not refused for an overlong user agent: the proof keeps its start.
            var userAgent = http.Request.Headers.UserAgent.ToString();
            if (userAgent.Length > ConsentProofs.MaxUserAgentLength) userAgent = userAgent[..ConsentProofs.MaxUserAgentLength];
            var outcome = await preferences.RecordAsync(link, policy, method, changes, lang, textHash,
                new BrowserProof(http.Connection.RemoteIpAddress?.ToString(), userAgent), ct);
            if (outcome.BelowMinimumAge)
                return Pages.Result<MessagePage>(new { Lang = lang, Title = t.NotRecordedTitle, Text = t.ChildCannotConsent }, StatusCodes.Status400BadRequest);
            // The link is genuine but no longer fits the policy in force (its jurisdiction or a key was removed).
            return outcome.Problem is null ? null : LinkInvalid(lang);
        }
        catch (ConsentConflictException)
        {
            return Pages.Result<MessagePage>(new { Lang = lang, Title = t.NotRecordedTitle, Text = t.NotRecordedText }, StatusCodes.Status409Conflict);
        }
    }

    /// <summary><c>?lang=</c>, then the language the link was issued with, then the browser's.</summary>
    public static string PageLanguage(HttpRequest request, string? linkLanguage) =>
        Language.Normalize(request.Query["lang"].ToString()) ?? Language.Normalize(linkLanguage) ?? Language.FromRequest(request);

    public static string PathOf(string prefix, string token) => $"{prefix}/{Uri.EscapeDataString(token)}";

    /// <summary>A person's page behind a secret link: kept by no cache and by no search engine.</summary>
    public static void Private(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Robots-Tag"] = "noindex";
    }

    private static RazorComponentResult<MessagePage> LinkInvalid(string lang)
    {
        var t = Language.Strings<MarketingStrings>(lang);
        return Pages.Result<MessagePage>(new { Lang = lang, Title = t.LinkInvalidTitle, Text = t.LinkInvalidText }, StatusCodes.Status404NotFound);
    }

    private static ProblemHttpResult Invalid(string problem) =>
        TypedResults.Problem(statusCode: 400, title: "The request is not valid", detail: problem);

    private static ProblemHttpResult NotConfigured() =>
        TypedResults.Problem(statusCode: 503, title: "The public address is not configured",
            detail: "Links in mail are made from Web:PublicUrl (e.g. https://privacy.example.com); set it and restart.");
}
