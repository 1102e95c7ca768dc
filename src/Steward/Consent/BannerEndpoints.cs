using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Notices;
using Steward.Policy.Model;
using Steward.Security;
using Steward.Web;

namespace Steward.Consent;

/// <summary>
/// The cookie banner any site embeds with one script tag: its script and stylesheet, its configuration, the public
/// endpoint its choices are recorded through (with Global Privacy Control), the check of its signed cookie, and
/// <c>/.well-known/gpc.json</c>.
/// </summary>
internal static class BannerEndpoints
{
    public const string RateLimit = "consent-banner";
    public const string Cors = "consent-banner";
    /// <summary>Largest body the banner's endpoints read; a real one is well under 2 KiB.</summary>
    public const int MaxBodyBytes = 8 * 1024;

    /// <summary>
    /// A banner's configuration for one policy version, language and jurisdiction: every text it shows with their SHA-256
    /// (<c>textHash</c>), the cookie categories (always on, switched off by Global Privacy Control, Consent Mode signals),
    /// how long the choice is kept, and whether this request carried <c>Sec-GPC: 1</c>.
    /// </summary>
    public sealed record BannerConfigResponse(int PolicyVersion, string Language, string Jurisdiction, string TextHash, long MaxAge, bool GpcSignal,
        BannerTexts Texts, IReadOnlyList<BannerCategory> Categories);

    /// <summary>
    /// The choices a visitor made on the banner or the preference centre (<c>choices</c>: every cookie category that needs
    /// consent, granted or denied), or a Global Privacy Control signal alone (method <c>gpc</c>, no choices). The
    /// visitor is the consent id, a random UUID the script made; <c>cookie</c> is the visitor's current cookie, if any.
    /// </summary>
    public sealed record BannerChoicesRequest(string? ConsentId, string? Method, int? PolicyVersion, string? TextHash, string? Language,
        string? Jurisdiction, Dictionary<string, string?>? Choices, bool Gpc = false, string? Cookie = null)
    {
        public static ValueTask<BannerChoicesRequest?> BindAsync(HttpContext http) => BannerBody.ReadAsync<BannerChoicesRequest>(http);
    }

    public sealed record CookieRequest(string? Cookie)
    {
        public static ValueTask<CookieRequest?> BindAsync(HttpContext http) => BannerBody.ReadAsync<CookieRequest>(http);
    }

    /// <summary>What the cookie holds, in words, and the signed cookie value to store.</summary>
    public sealed record BannerStateResponse(string Cookie, Guid ConsentId, int PolicyVersion, DateTimeOffset RecordedAt, Dictionary<string, string> Choices, bool Gpc);

    public sealed record GpcResponse(bool Gpc, string LastUpdate);

    public static IServiceCollection AddConsentBanner(this IServiceCollection services)
    {
        services.AddOptions<BannerOptions>().BindConfiguration(BannerOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BannerOptions>, BannerOptionsValidator>();
        services.AddSingleton<BannerOrigins>();
        services.AddSingleton<ConsentCookies>();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<BannerOrigins>((o, origins) => o.AddPolicy(Cors, p => p
            .SetIsOriginAllowed(origins.AllowsCrossOrigin).WithMethods("GET", "POST").WithHeaders("Content-Type")
            .SetPreflightMaxAge(TimeSpan.FromHours(2))));
        services.AddRateLimiter(o => o.AddPolicy(RateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
            ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = ctx.RequestServices.GetRequiredService<IOptions<BannerOptions>>().Value.RequestsPerMinute,
                Window = TimeSpan.FromMinutes(1),
            })));
        return services;
    }

    public static IEndpointRouteBuilder MapConsentBanner(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/consent.js", ScriptAsync).Public().ExcludeFromDescription();
        routes.MapGet("/consent.css", (HttpContext http) => BannerAssets.Stylesheet.Serve(http)).Public().ExcludeFromDescription();
        routes.MapGet("/.well-known/gpc.json", GpcAsync).Public().ExcludeFromDescription();
        var pages = routes.MapGroup("/privacy").ExcludeFromDescription().Public().CacheOutput(NoticeCache.PolicyName);
        pages.MapGet("/cookies", CookiesPageAsync);
        pages.MapGet("/preferences", PreferencesPage);

        var group = routes.MapGroup("/consent").WithTags("Cookie banner").Public().RequireCors(Cors).RequireRateLimiting(RateLimit);
        group.MapGet("/config", ConfigAsync).WithName("BannerConfig")
            .WithSummary("The banner's texts (with their SHA-256), cookie categories and lifetime for the version in force, a language (en, zh-CN) and a jurisdiction (default: Consent:DefaultJurisdiction).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        var posts = group.MapGroup("").WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).AddEndpointFilter(RefuseForeignOrigins);
        posts.MapPost("/choices", ChoicesAsync).WithName("RecordBannerChoices").Accepts<BannerChoicesRequest>("application/json", "text/plain")
            .WithSummary("Record a visitor's banner or preference-centre choices, or their Global Privacy Control signal, and return the signed cookie. Only from Steward's own pages and Consent:AllowedOrigins; nothing is recorded from a refused request.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        posts.MapPost("/state", StateAsync).WithName("ReadBannerCookie").Accepts<CookieRequest>("application/json", "text/plain")
            .WithSummary("What a banner cookie holds, after checking its signature; 400 when it is malformed or was changed.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return routes;
    }

    private static async ValueTask<object?> RefuseForeignOrigins(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        // A browser always names the page's origin; a server-to-server caller names none, and could name any, so CORS is no defence against it.
        var http = context.HttpContext;
        if (http.Request.Headers.Origin.ToString() is { Length: > 0 } origin && !http.RequestServices.GetRequiredService<BannerOrigins>().Allows(origin, http.Request))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Origin not allowed",
                detail: "Choices are accepted from Steward's own pages and the sites listed in Consent:AllowedOrigins only.");
        return await next(context);
    }

    // lang: en or zh-CN (else the browser's Accept-Language); jurisdiction: the script tag's data-jurisdiction.
    private static async Task<Results<Ok<BannerConfigResponse>, StatusCodeHttpResult, ProblemHttpResult>> ConfigAsync(string? lang, string? jurisdiction, HttpContext http,
        PolicyStore store, IOptions<BannerOptions> options, CancellationToken ct)
    {
        if (await ConfigOfAsync(lang, jurisdiction, http, store, options, ct) is not { } config)
            return TypedResults.Problem(statusCode: 503, title: "Nothing published", detail: "No policy has been published yet.");
        if (config.Problem is { } problem) return Invalid(problem);
        http.Response.Headers.CacheControl = "no-cache";
        // Appended: the CORS middleware's Vary: Origin must stay.
        http.Response.Headers.Append("Vary", "Sec-GPC, Accept-Language");
        var etag = $"\"{config.Response!.PolicyVersion}-{config.Response.TextHash[..32]}{(config.Response.GpcSignal ? "-gpc" : "")}\"";
        http.Response.Headers.ETag = etag;
        if (BannerAsset.Matches(http.Request, etag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Ok(config.Response);
    }

    /// <summary>
    /// The script, with the configuration <c>/consent/config</c> would answer for the same <c>?lang=</c>,
    /// <c>?jurisdiction=</c> and headers inside: the banner shows as soon as it runs. With nothing published or an unknown
    /// jurisdiction the script holds none and asks <c>/consent/config</c>, which says why (and the banner stays hidden).
    /// </summary>
    private static async Task<IResult> ScriptAsync(string? lang, string? jurisdiction, HttpContext http, PolicyStore store, IOptions<BannerOptions> options,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var config = await ConfigOfAsync(lang, jurisdiction, http, store, options, ct);
        var script = config?.Response is { } response
            ? BannerAssets.ScriptWith(System.Text.Json.JsonSerializer.Serialize(response, json.Value.SerializerOptions))
            : BannerAssets.Script;
        return script.Serve(http, revalidate: true);
    }

    /// <summary>What a banner shows for the version in force (null when nothing is published), or why it cannot.</summary>
    private sealed record ConfigOrProblem(BannerConfigResponse? Response, string? Problem);

    private static async Task<ConfigOrProblem?> ConfigOfAsync(string? lang, string? jurisdiction, HttpContext http, PolicyStore store,
        IOptions<BannerOptions> options, CancellationToken ct)
    {
        if (await store.CurrentAsync(ct) is not { } policy) return null;
        jurisdiction = string.IsNullOrEmpty(jurisdiction) ? options.Value.DefaultJurisdiction : jurisdiction;
        if (JurisdictionProblem(policy, jurisdiction) is { } problem) return new(null, problem);
        var config = BannerConfig.Build(policy, Language.Normalize(lang) ?? Language.FromRequest(http.Request), jurisdiction!);
        return new(new BannerConfigResponse(config.PolicyVersion, config.Language, config.Jurisdiction, config.TextHash, config.MaxAgeSeconds,
            http.Request.Headers["Sec-GPC"] == "1", config.Texts, config.Categories), null);
    }

    private static async Task<Results<Created<BannerStateResponse>, ProblemHttpResult>> ChoicesAsync(BannerChoicesRequest request, HttpContext http,
        PolicyStore store, ConsentIntake intake, ConsentLedger ledger, ConsentCookies cookies, TimeProvider time, CancellationToken ct)
    {
        if (!Guid.TryParseExact(request.ConsentId, "D", out var consentId))
            return Invalid("'consentId' is the visitor's consent id, a UUID such as 0b8e2f3c-6c1e-4c59-9a55-2f0e43d1a7b4.");
        if (request.Language is not (Language.English or Language.Chinese)) return Invalid("'language' is the language of the banner shown: en or zh-CN.");
        if (request.PolicyVersion is not { } version || await store.GetAsync(version, ct) is not { } policy)
            return Invalid("'policyVersion' is the published policy version the banner showed.");
        if (JurisdictionProblem(policy, request.Jurisdiction) is { } jurisdictionProblem) return Invalid(jurisdictionProblem);
        var config = BannerConfig.Build(policy, request.Language, request.Jurisdiction!);
        if (request.TextHash != config.TextHash)
            return Invalid($"'textHash' is not the SHA-256 of the banner shown for policy version {version} in {request.Language} (see textHash in /consent/config).");

        ConsentCookieState? previous = null;
        if (request.Cookie is not null && (previous = await cookies.OpenAsync(request.Cookie, ct)) is null) return BadCookie();
        if (previous is not null && previous.ConsentId != consentId) return Invalid("'cookie' belongs to another consent id.");

        var gpcKeys = OptOutKeys(config);
        var gpc = (request.Gpc || http.Request.Headers["Sec-GPC"] == "1") && gpcKeys.Count > 0;
        var method = request.Method;
        var choices = new Dictionary<string, int>(previous?.Choices ?? [], StringComparer.Ordinal);
        var raws = new List<RawConsent>();
        var ip = http.Connection.RemoteIpAddress?.ToString();
        var userAgent = http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, ConsentProofs.MaxUserAgentLength)] : null;
        RawConsent Raw(string methodName, List<(string?, string?)> keys) =>
            new("cookie_id", consentId.ToString("D"), config.Jurisdiction, version, config.TextHash, config.Language, methodName, null, ip, userAgent, keys);

        if (method == "gpc")
        {
            if (!gpc) return Invalid($"No Global Privacy Control signal applies: the request carries none, or {config.Jurisdiction} does not make it binding for anything in policy version {version}.");
            if (request.Choices is { Count: > 0 }) return Invalid("A Global Privacy Control record carries no choices: the signal decides them.");
        }
        else if (method is "banner" or "preference-centre")
        {
            var banner = new List<(string?, string?)>();
            foreach (var (category, choice) in request.Choices ?? [])
            {
                if (ConsentKeys.Problem(policy.Document, version, config.Jurisdiction, ConsentKeys.CookiePrefix + category) is { } keyProblem) return Invalid(keyProblem);
                if (choice is not ("granted" or "denied")) return Invalid($"The choice for '{category}' is granted or denied.");
                if (gpc && config.Categories.Any(c => c.Key == category && c.Gpc)) continue; // the signal decides these
                banner.Add((ConsentKeys.CookiePrefix + category, choice));
                choices[category] = choice == "granted" ? 1 : 0;
            }
            var missing = config.Categories.Where(c => !c.Required && !(request.Choices?.ContainsKey(c.Key) ?? false)).Select(c => c.Key).ToList();
            if (missing.Count > 0) return Invalid($"Every cookie category that needs consent is chosen at once; missing: {string.Join(", ", missing)}.");
            if (banner.Count > 0) raws.Add(Raw(method, banner));
        }
        else return Invalid("'method' is banner, preference-centre or gpc.");

        if (gpc)
        {
            raws.Insert(0, Raw("gpc", gpcKeys.Select(k => ((string?)k, (string?)"denied")).ToList()));
            foreach (var c in config.Categories.Where(c => c.Gpc)) choices[c.Key] = 0;
        }
        var records = new List<ConsentRecord>();
        foreach (var raw in raws)
        {
            var checkedConsent = await intake.CheckAsync(raw, imported: false, ct);
            if (checkedConsent.Record is not { } record) return Invalid(checkedConsent.Problem!);
            records.Add(record);
        }
        try
        {
            if (records.Count > 0) await ledger.RecordAsync(records, StewardClaims.ActorOf(http.User), progress: null, ct);
        }
        catch (ConsentConflictException e)
        {
            return TypedResults.Problem(statusCode: 409, title: "Changed while recording", detail: e.Message);
        }
        var state = new ConsentCookieState(consentId, version, time.GetUtcNow().ToUnixTimeSeconds(), choices, gpc || previous?.Gpc == true);
        return TypedResults.Created((string?)null, await ResponseAsync(state, cookies, ct));
    }

    private static async Task<Results<Ok<BannerStateResponse>, ProblemHttpResult>> StateAsync(CookieRequest request, ConsentCookies cookies, CancellationToken ct) =>
        await cookies.OpenAsync(request.Cookie, ct) is { } state ? TypedResults.Ok(await ResponseAsync(state, cookies, ct, request.Cookie)) : BadCookie();

    /// <summary>The keys a Global Privacy Control signal denies: the reached consent purposes and cookie categories.</summary>
    private static List<string> OptOutKeys(BannerConfig config) =>
        [.. config.GpcPurposeKeys, .. config.Categories.Where(c => c.Gpc).Select(c => ConsentKeys.CookiePrefix + c.Key)];

    private static async Task<BannerStateResponse> ResponseAsync(ConsentCookieState state, ConsentCookies cookies, CancellationToken ct, string? signed = null) =>
        new(signed ?? await cookies.SignAsync(state, ct), state.ConsentId, state.PolicyVersion, DateTimeOffset.FromUnixTimeSeconds(state.RecordedAt),
            state.Choices.ToDictionary(kv => kv.Key, kv => kv.Value == 1 ? "granted" : "denied"), state.Gpc);

    /// <summary>
    /// <c>{"gpc": true}</c> while the policy in force has a jurisdiction in scope where the rule pack makes Global Privacy
    /// Control binding (the banner honours it there), with the effective date of the version since which that holds.
    /// </summary>
    private static async Task<IResult> GpcAsync(PolicyStore store, CancellationToken ct)
    {
        if (await store.CurrentAsync(ct) is not { } current) return TypedResults.NotFound();
        static bool Honours(PolicyDocument p) => p.Jurisdictions.Any(j => JurisdictionCatalogue.Bundled.Find(j)?.GpcBinding == true);
        var honours = Honours(current.Document);
        var since = current.Info;
        foreach (var info in (await store.ListAsync(ct)).Where(v => v.Version < current.Info.Version).OrderByDescending(v => v.Version))
        {
            if (await store.GetAsync(info.Version, ct) is not { } older || Honours(older.Document) != honours) break;
            since = info;
        }
        return TypedResults.Json(new GpcResponse(honours, since.EffectiveDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static async Task<IResult> CookiesPageAsync(HttpContext http, PolicyStore store, CancellationToken ct)
    {
        var lang = Language.FromRequest(http.Request);
        if (await store.CurrentAsync(ct) is not { } policy)
            return Pages.Result<MessagePage>(new { Lang = lang, Title = Language.Strings<PrivacyPageStrings>(lang).NothingPublished }, StatusCodes.Status503ServiceUnavailable);
        return Pages.Result<CookiesPage>(new { Lang = lang, Categories = CookieList.Of(policy.Document.Cookies ?? new Cookies(), lang) });
    }

    private static RazorComponentResult<PreferencesPage> PreferencesPage(HttpContext http, IOptions<BannerOptions> options)
    {
        // Only a key of the catalogue reaches the page (and the cache key); anything else falls back to the default.
        var asked = http.Request.Query["jurisdiction"].ToString();
        var jurisdiction = JurisdictionCatalogue.Bundled.Find(asked) is not null ? asked : options.Value.DefaultJurisdiction;
        return Pages.Result<PreferencesPage>(new { Lang = Language.FromRequest(http.Request), Jurisdiction = jurisdiction });
    }

    private static string? JurisdictionProblem(PublishedPolicy policy, string? jurisdiction) =>
        string.IsNullOrEmpty(jurisdiction)
            ? "The jurisdiction is missing: give the script tag a data-jurisdiction attribute, or set Consent:DefaultJurisdiction."
            : policy.Document.Jurisdictions.Contains(jurisdiction, StringComparer.Ordinal) ? null
            : $"'{(jurisdiction.Length > 40 ? jurisdiction[..40] + "…" : jurisdiction)}' is not a jurisdiction of policy version {policy.Info.Version} ({string.Join(", ", policy.Document.Jurisdictions)}).";

    private static ProblemHttpResult BadCookie() =>
        TypedResults.Problem(statusCode: 400, title: "The consent cookie is not valid", detail: "The cookie is malformed or was changed after Steward signed it; it counts as no choice.");

    private static ProblemHttpResult Invalid(string problem) =>
        TypedResults.Problem(statusCode: 400, title: "The consent request is not valid", detail: problem);
}
