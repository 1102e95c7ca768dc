using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Steward.Consent.Decisions;
using Steward.Marketing;
using Steward.People;
using Steward.Policy;
using Steward.Policy.Model;
using Steward.Security;
using Steward.Web;

namespace Steward.Consent;

/// <summary>
/// Consent for a child below the minimum age, given by a parent or guardian: staff or a service ask for it and get a signed
/// link (<c>/g/TOKEN</c>) to send to the guardian; the guardian's choice is recorded for the child with method <c>guardian</c>,
/// naming the guardian, a person of their own. The link holds who is who, sealed; the page names neither.
/// </summary>
internal static class GuardianEndpoints
{
    public const string Prefix = "/g";
    public const int MaxKeys = 20;
    /// <summary>Who recorded a guardian's choice, in the audit log: the guardian, through a link, signed in nowhere.</summary>
    public const string Actor = "person:guardian-link";

    /// <summary>
    /// The child (an identity), the jurisdiction whose law applies to them, the keys asked for (purpose:KEY, cookie:KEY,
    /// channel:KEY) and the guardian's email address; the page's language (en or zh-CN, default: the browser's).
    /// </summary>
    public sealed record GuardianRequest(ConsentEndpoints.IdentityRequest? Child, string? Jurisdiction, List<string>? Keys, string? GuardianEmail,
        string? Language = null);

    /// <summary>The link to send to the guardian, and when it stops working.</summary>
    public sealed record GuardianLinkResponse(string Url, DateTimeOffset? ExpiresAt);

    /// <summary>Maps under the API root group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapGuardianRequests(this IEndpointRouteBuilder api)
    {
        api.MapPost("/guardian-requests", RequestAsync).WithTags("Consent").WithName("RequestGuardianConsent")
            .WithSummary("A signed link that asks a child's parent or guardian to consent (or refuse) for the child, to send to the guardian; it expires after Marketing:GuardianLinkLifetime. 400 when the policy has no children.guardian_consent, or names the problem.")
            .RequireRoles(Roles.Service, Roles.PrivacyOfficer)
            .WithMetadata(new RequestSizeLimitAttribute(ConsentEndpoints.MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    /// <summary>The page the link opens: public, no sign-in, never cached, limited per address like the marketing links.</summary>
    public static IEndpointRouteBuilder MapGuardianPages(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Prefix).ExcludeFromDescription().Public().RequireRateLimiting(MarketingEndpoints.LinkRateLimit)
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024));
        group.MapGet("/{token}", ShowAsync);
        group.MapPost("/{token}", DecideAsync).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return routes;
    }

    private static async Task<Results<Ok<GuardianLinkResponse>, ProblemHttpResult>> RequestAsync(GuardianRequest request, IdentityParser identities,
        PolicyStore policies, MarketingLinks links, IOptions<WebOptions> web, CancellationToken ct)
    {
        if (web.Value.PublicBase is not { } site)
            return TypedResults.Problem(statusCode: 503, title: "The public address is not configured",
                detail: "Links are made from Web:PublicUrl (e.g. https://privacy.example.com); set it and restart.");
        if (request.Child?.Type is not { } typeName || !IdentityTypes.TryParse(typeName, out var type))
            return Invalid($"'child.type' is one of: {string.Join(", ", IdentityTypes.All)}.");
        if (string.IsNullOrWhiteSpace(request.Jurisdiction)) return Invalid("The jurisdiction is missing: the key of the jurisdiction whose law applies to the child.");
        var parsed = identities.Parse(type, request.Child.Value, request.Jurisdiction);
        if (parsed.Identity is not { } child) return Invalid(parsed.Problem!);
        var guardianParsed = identities.Parse(IdentityType.Email, request.GuardianEmail);
        if (guardianParsed.Identity is not { } guardian) return Invalid($"'guardianEmail': {guardianParsed.Problem}");
        if (guardian == child) return Invalid("The guardian's email address is the child's own: the link goes to the parent or guardian.");
        if (request.Language is not null && Language.Normalize(request.Language) is null) return Invalid($"The language is one of: {string.Join(", ", Language.All)}.");
        if (await policies.CurrentAsync(ct) is not { } policy) return Invalid("No policy has been published yet.");
        var version = policy.Info.Version;
        if (policy.Document.Children?.GuardianConsent is null)
            return Invalid($"Policy version {version} has no children.guardian_consent: its services are not meant for children below the minimum age, so no guardian's consent is asked.");
        if (!policy.Document.Jurisdictions.Contains(request.Jurisdiction, StringComparer.Ordinal))
            return Invalid($"'{LinkIssuer.Clip(request.Jurisdiction)}' is not a jurisdiction of policy version {version} ({string.Join(", ", policy.Document.Jurisdictions)}).");
        var keys = request.Keys ?? [];
        if (keys.Count == 0) return Invalid("There are no keys: name at least one purpose:KEY, cookie:KEY or channel:KEY to ask consent for.");
        if (keys.Count > MaxKeys) return Invalid($"At most {MaxKeys} keys are asked for at once.");
        foreach (var key in keys)
        {
            if (ConsentKeys.Problem(policy.Document, version, request.Jurisdiction, key) is { } problem) return Invalid(problem);
            if (keys.Count(k => k == key) > 1) return Invalid($"'{key}' is given twice.");
        }
        var (token, expires) = await links.IssueAsync(LinkKind.Guardian,
            new LinkClaims(child, request.Jurisdiction, Channel: null, Language.Normalize(request.Language), ExpiresAt: null, keys, guardian), ct);
        if (token.Length > MarketingLinks.MaxTokenLength) return Invalid("The identities and keys are too long for one link: ask for fewer keys at once.");
        return TypedResults.Ok(new GuardianLinkResponse($"{site}{MarketingEndpoints.PathOf(Prefix, token)}", expires));
    }

    private static async Task<IResult> ShowAsync(string token, HttpContext http, MarketingLinks links, PolicyStore policies, IAntiforgery af, CancellationToken ct)
    {
        var link = await links.ReadAsync(LinkKind.Guardian, token, ct);
        var lang = MarketingEndpoints.PageLanguage(http.Request, link?.Language);
        MarketingEndpoints.Private(http);
        if (link is null || await AskedAsync(link, policies, version: null, ct) is not { } asked) return LinkInvalid(lang);
        var tokens = af.GetAndStoreTokens(http);
        return Pages.Result<GuardianPage>(new
        {
            Lang = lang,
            Path = MarketingEndpoints.PathOf(Prefix, token),
            Asked = PreferenceRules.Rows(asked.Items, lang, new Dictionary<string, ConsentChoice>()),
            GuardianConsent = asked.GuardianConsent.In(lang),
            PolicyVersion = asked.Policy.Info.Version,
            AntiforgeryField = tokens.FormFieldName,
            AntiforgeryToken = tokens.RequestToken ?? "",
        });
    }

    private static async Task<IResult> DecideAsync(string token, HttpContext http, MarketingLinks links, PolicyStore policies, IAntiforgery af,
        PeopleDirectory people, ConsentStateCache states, ConsentKeyIds ids, ConsentIntake intake, ConsentLedger ledger, CancellationToken ct)
    {
        var link = await links.ReadAsync(LinkKind.Guardian, token, ct);
        var lang = MarketingEndpoints.PageLanguage(http.Request, link?.Language);
        var t = Language.Strings<GuardianStrings>(lang);
        MarketingEndpoints.Private(http);
        if (link?.Guardian is not { } guardian) return LinkInvalid(lang);
        if (!await Pages.IsValidFormAsync(http, af))
            return Pages.Result<MessagePage>(new { Lang = lang, Title = t.Title, Text = t.FormExpired }, StatusCodes.Status400BadRequest);
        var form = await http.Request.ReadFormAsync(ct);
        bool grant;
        switch (form["decision"].ToString())
        {
            case "grant": grant = true; break;
            case "refuse": grant = false; break;
            default: return Pages.Result<MessagePage>(new { Lang = lang, Title = t.Title, Text = t.FormExpired }, StatusCodes.Status400BadRequest);
        }
        var shown = int.TryParse(form["policyVersion"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : (int?)null;
        if (await AskedAsync(link, policies, shown, ct) is not { } asked) return LinkInvalid(lang);

        var changes = await ChangesAsync(link, grant, people, states, ids, ct);
        if (changes.Count > 0)
        {
            // The guardian is a person of their own, so the proof can name them and they can exercise their rights about it.
            var guardianId = (await people.FindOrCreateAsync(guardian, link.Jurisdiction, Actor, ct)).SubjectId;
            var userAgent = http.Request.Headers.UserAgent.ToString();
            if (userAgent.Length > ConsentProofs.MaxUserAgentLength) userAgent = userAgent[..ConsentProofs.MaxUserAgentLength];
            var raw = new RawConsent(IdentityTypes.Name(link.Identity.Type), link.Identity.Value, link.Jurisdiction, asked.Policy.Info.Version,
                PreferenceRules.TextHash([new PreferenceItem("children", asked.GuardianConsent, null), .. asked.Items], lang), lang,
                Method: null, OccurredAt: null, http.Connection.RemoteIpAddress?.ToString(), userAgent,
                changes.Select(c => ((string?)c.Key, (string?)ConsentWords.Name(c.Choice))).ToList());
            if ((await intake.CheckGuardianAsync(raw, guardianId, ct)).Record is not { } record) return LinkInvalid(lang);
            try
            {
                await ledger.RecordAsync([record], Actor, progress: null, ct);
            }
            catch (ConsentConflictException)
            {
                return Pages.Result<MessagePage>(new { Lang = lang, Title = t.NotRecordedTitle, Text = t.NotRecordedText }, StatusCodes.Status409Conflict);
            }
        }
        return Pages.Result<GuardianPage>(new
        {
            Lang = lang,
            Path = MarketingEndpoints.PathOf(Prefix, token),
            Asked = (IReadOnlyList<PreferenceRow>)[],
            GuardianConsent = asked.GuardianConsent.In(lang),
            PolicyVersion = asked.Policy.Info.Version,
            AntiforgeryField = "",
            AntiforgeryToken = "",
            Done = (bool?)grant,
        });
    }

    private sealed record Asked(PublishedPolicy Policy, LocalizedText GuardianConsent, IReadOnlyList<PreferenceItem> Items);

    /// <summary>What the link asks, as the policy (the version shown, else the one in force) names it; null when that policy no longer asks guardians or no longer has a key.</summary>
    private static async Task<Asked?> AskedAsync(LinkClaims link, PolicyStore policies, int? version, CancellationToken ct)
    {
        var policy = version is { } v && await policies.GetAsync(v, ct) is { } shown ? shown : await policies.CurrentAsync(ct);
        if (policy?.Document.Children?.GuardianConsent is not { } text || link.Keys is not { Count: > 0 } keys) return null;
        var items = new List<PreferenceItem>(keys.Count);
        foreach (var key in keys)
        {
            if (ConsentKeys.Problem(policy.Document, policy.Info.Version, link.Jurisdiction, key) is not null || Describe(policy.Document, key) is not { } item) return null;
            items.Add(item);
        }
        return new Asked(policy, text, items);
    }

    /// <summary>A key's name and description as the policy gives them.</summary>
    private static PreferenceItem? Describe(PolicyDocument policy, string key)
    {
        if (key.StartsWith(ConsentKeys.PurposePrefix, StringComparison.Ordinal))
            return policy.Purposes.TryGetValue(key[ConsentKeys.PurposePrefix.Length..], out var p) ? new PreferenceItem(key, p.Name!, p.Description) : null;
        if (key.StartsWith(ConsentKeys.CookiePrefix, StringComparison.Ordinal))
            return policy.Cookies?.Categories.TryGetValue(key[ConsentKeys.CookiePrefix.Length..], out var c) == true ? new PreferenceItem(key, c.Name!, c.Description) : null;
        return policy.MarketingChannels.TryGetValue(key[ConsentKeys.ChannelPrefix.Length..], out var m) ? new PreferenceItem(key, m.Name!, null) : null;
    }

    /// <summary>
    /// What the guardian's decision changes for the child: a grant where the standing choice is not already a guardian's
    /// grant; a refusal withdraws a grant and is recorded where nothing was chosen. The same decision again records nothing.
    /// </summary>
    private static async Task<List<KeyChoice>> ChangesAsync(LinkClaims link, bool grant, PeopleDirectory people, ConsentStateCache states,
        ConsentKeyIds ids, CancellationToken ct)
    {
        var state = await people.FindAsync(link.Identity, ct) is { } child ? await states.GetAsync(child, ct) : null;
        var changes = new List<KeyChoice>();
        foreach (var key in link.Keys ?? [])
        {
            StandingChoice standing = default;
            var had = state is { } s && s.TryFind(ids.Of(key), out standing);
            if (grant && !(had && standing.Choice == ConsentChoice.Granted && standing.Method == ConsentMethod.Guardian))
                changes.Add(new KeyChoice(key, ConsentChoice.Granted));
            else if (!grant && !had) changes.Add(new KeyChoice(key, ConsentChoice.Denied));
            else if (!grant && standing.Choice == ConsentChoice.Granted) changes.Add(new KeyChoice(key, ConsentChoice.Withdrawn));
        }
        return changes;
    }

    private static RazorComponentResult<MessagePage> LinkInvalid(string lang)
    {
        var t = Language.Strings<GuardianStrings>(lang);
        return Pages.Result<MessagePage>(new { Lang = lang, Title = t.LinkInvalidTitle, Text = t.LinkInvalidText }, StatusCodes.Status400BadRequest);
    }

    private static ProblemHttpResult Invalid(string problem) =>
        TypedResults.Problem(statusCode: 400, title: "The guardian request is not valid", detail: problem);
}
