using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Steward.Consent;
using Steward.Hosting;
using Steward.Marketing;
using Steward.Notices;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Security;
using Steward.Web;

namespace Steward.Rights;

/// <summary>One right as the page lists it.</summary>
public sealed record RightRow(string Kind, string Name, string Description, string? How, string? Limits);

/// <summary>One request's progress as the person sees it.</summary>
public sealed record StatusView(string Number, string Kind, string State, string Received, string? Due, IReadOnlyList<StatusStep> Steps, string? Complaints, bool Closed,
    string? PackageUntil = null, string? VerifyPath = null, bool EmailCode = false, string? PhotoId = null);

public sealed record StatusStep(string When, string What, string? Text);

/// <summary>
/// The privacy centre's rights pages, public and without JavaScript: <c>/privacy/rights</c> (the rights under the person's
/// law and the request form), <c>/privacy/rights/status</c> (look a request up by number and access code) and
/// <c>/privacy/rights/status/TOKEN</c> (the link from our email). Never cached; the form posts are rate-limited like the API.
/// </summary>
internal static class RightsPages
{
    public const string StatusPath = RightsPaths.StatusPrefix;

    public static IEndpointRouteBuilder MapRightsPages(this IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup("/privacy/rights").ExcludeFromDescription().Public().WithMetadata(new RequestSizeLimitAttribute(RightsEndpoints.MaxBodyBytes));
        pages.MapGet("", FormAsync);
        pages.MapPost("", SubmitAsync).RequireRateLimiting(RightsSetup.IntakeRateLimit).WithMetadata(new RequireAntiforgeryTokenAttribute());
        pages.MapGet("/status", LookupForm);
        pages.MapPost("/status", LookupAsync).RequireRateLimiting(MarketingEndpoints.LinkRateLimit).WithMetadata(new RequireAntiforgeryTokenAttribute());
        pages.MapGet("/status/{token}", StatusByLinkAsync).RequireRateLimiting(MarketingEndpoints.LinkRateLimit);
        pages.MapGet("/package/{token}", PackageAsync).RequireRateLimiting(MarketingEndpoints.LinkRateLimit);
        // Verification without JavaScript: the code from our email, a new code, a copy of an identity document.
        foreach (var step in (string[])["code", "new-code", "document"])
            pages.MapPost($"/status/{{token}}/{step}", (string token, HttpContext http, IAntiforgery af, RightsRequests requests, RightsVerification verification,
                    RequestPackages packages, PolicyStore policies, RightsMail mail, TimeProvider time, CancellationToken ct) =>
                    VerifyAsync(token, step, http, af, requests, verification, packages, policies, mail, time, ct))
                .RequireRateLimiting(RightsSetup.VerificationRateLimit).WithMetadata(new RequireAntiforgeryTokenAttribute())
                .WithMetadata(new RequestSizeLimitAttribute(RightsVerificationEndpoints.MaxUploadBytes));
        return routes;
    }

    public static string StatusLink(string token) => MarketingEndpoints.PathOf(StatusPath, token);

    private static async Task<IResult> FormAsync(HttpContext http, PolicyStore policies, IAntiforgery af, IOptions<BannerOptions> banner, CancellationToken ct)
    {
        var lang = Language.FromRequest(http.Request);
        MarketingEndpoints.Private(http);
        if (await policies.CurrentAsync(ct) is not { } policy) return NothingPublished(lang);
        return Form(http, af, policy, lang, JurisdictionOf(http.Request.Query["jurisdiction"].ToString(), policy.Document, banner.Value), problem: null, kind: null, email: null, name: null, message: null);
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, PolicyStore policies, IAntiforgery af, IOptions<BannerOptions> banner, RightsRequests requests, CancellationToken ct)
    {
        var lang = Language.FromRequest(http.Request);
        MarketingEndpoints.Private(http);
        if (await policies.CurrentAsync(ct) is not { } policy) return NothingPublished(lang);
        if (!await Pages.IsValidFormAsync(http, af))
            return Pages.Result<MessagePage>(new { Lang = lang, Title = Language.Strings<RightsStrings>(lang).Title, Text = Language.Strings<RightsStrings>(lang).FormExpired }, 400);
        var form = await http.Request.ReadFormAsync(ct);
        var jurisdiction = JurisdictionOf(form["jurisdiction"].ToString(), policy.Document, banner.Value);
        string kind = form["kind"].ToString(), email = form["email"].ToString(), name = form["name"].ToString(), message = form["message"].ToString();
        SubmittedRequest submitted;
        try
        {
            submitted = await requests.SubmitAsync(new RequestIntake(kind, email, jurisdiction, lang, name, message), channel: "web", actor: "person:web", verified: false, ct);
        }
        catch (StewardException problem)
        {
            // The service's problems are written in English; a Chinese reader gets what to fix in Chinese.
            var t = Language.Strings<RightsStrings>(lang);
            var text = lang != Language.Chinese ? problem.Message
                : problem.Message.StartsWith("'email'", StringComparison.Ordinal) ? t.EmailInvalid
                : problem.Message.Contains("longer than", StringComparison.Ordinal) ? t.TooLong : t.NotSubmitted;
            return Form(http, af, policy, lang, jurisdiction, text, kind, email, name, message, status: 400);
        }
        return Pages.Result<RightsSubmittedPage>(new
        {
            Lang = lang,
            Number = submitted.Id.ToString(),
            StatusPath = StatusLink(submitted.StatusToken),
            Due = submitted.DueAt is { } due ? Vocabulary.Date(DateOnly.FromDateTime(due.UtcDateTime), lang) : null,
            Verifying = submitted.State == RequestState.Verifying,
            Duplicate = submitted.DuplicateOf is not null,
            CodeSent = submitted.CodeSent,
        });
    }

    private static RazorComponentResult<RightsStatusPage> LookupForm(HttpContext http, IAntiforgery af)
    {
        var lang = Language.FromRequest(http.Request);
        MarketingEndpoints.Private(http);
        var tokens = af.GetAndStoreTokens(http);
        return Pages.Result<RightsStatusPage>(new { Lang = lang, AntiforgeryField = tokens.FormFieldName, AntiforgeryToken = tokens.RequestToken ?? "" });
    }

    private static async Task<IResult> LookupAsync(HttpContext http, IAntiforgery af, RightsRequests requests, PolicyStore policies, TimeProvider time, CancellationToken ct)
    {
        var lang = Language.FromRequest(http.Request);
        MarketingEndpoints.Private(http);
        var t = Language.Strings<RightsStrings>(lang);
        if (!await Pages.IsValidFormAsync(http, af)) return Pages.Result<MessagePage>(new { Lang = lang, Title = t.StatusTitle, Text = t.FormExpired }, 400);
        var form = await http.Request.ReadFormAsync(ct);
        var found = Guid.TryParse(form["number"].ToString().Trim(), out var id) ? await requests.ForPersonAsync(id, form["code"].ToString().Trim(), ct) : null;
        if (found is null)
        {
            var tokens = af.GetAndStoreTokens(http);
            return Pages.Result<RightsStatusPage>(new { Lang = lang, AntiforgeryField = tokens.FormFieldName, AntiforgeryToken = tokens.RequestToken ?? "", Problem = t.NotFound }, 404);
        }
        return Pages.Result<RightsStatusPage>(new { Lang = lang, Status = await StatusAsync(found, lang, requests, policies, time, ct) });
    }

    /// <summary>The person's package, through the download link mailed to them, while it is available; every download is audited.</summary>
    private static async Task<IResult> PackageAsync(string token, HttpContext http, RequestPackages packages, CancellationToken ct)
    {
        MarketingEndpoints.Private(http);
        var lang = Language.Normalize(http.Request.Query["lang"].ToString()) ?? Language.FromRequest(http.Request);
        if (await packages.OpenByDownloadTokenAsync(token, "person:download-link", ct) is not { } package)
        {
            var t = Language.Strings<RightsStrings>(lang);
            return Pages.Result<MessagePage>(new { Lang = lang, Title = t.PackageGoneTitle, Text = t.PackageGoneText }, 404);
        }
        return TypedResults.File(package.Zip, "application/zip", package.FileName);
    }

    private static async Task<IResult> VerifyAsync(string token, string step, HttpContext http, IAntiforgery af, RightsRequests requests, RightsVerification verification,
        RequestPackages packages, PolicyStore policies, RightsMail mail, TimeProvider time, CancellationToken ct)
    {
        MarketingEndpoints.Private(http);
        var found = await requests.ForTokenAsync(token, ct);
        var lang = Language.Normalize(http.Request.Query["lang"].ToString()) ?? found?.Language ?? Language.FromRequest(http.Request);
        var t = Language.Strings<RightsStrings>(lang);
        if (found is null || !await Pages.IsValidFormAsync(http, af))
            return Pages.Result<MessagePage>(new { Lang = lang, Title = t.StatusTitle, Text = found is null ? t.NotFound : t.FormExpired }, found is null ? 404 : 400);
        var form = await http.Request.ReadFormAsync(ct);
        ProofOutcome outcome;
        if (step == "code") outcome = await verification.CheckCodeAsync(found.Id, token, form["code"].ToString(), ct);
        else if (step == "new-code") outcome = await verification.SendCodeAsync(found.Id, token, ct);
        else if (form.Files.GetFile("document") is { } file)
        {
            await using var stream = file.OpenReadStream();
            outcome = await verification.UploadAsync(found.Id, token, stream, file.Length, ct);
        }
        else outcome = ProofOutcome.Problem(400, "No file", "Choose the photo or scan of your identity document to send.");
        var notice = outcome.Ok ? step switch { "code" => t.CodeAccepted, "new-code" => t.CodeSentAgain, _ => t.DocumentReceived }
            : lang == Language.Chinese ? (outcome.Status == 429 ? t.TooManyTries : step == "document" ? t.DocumentRefused : t.CodeRefused)
            : outcome.Detail;
        return await StatusByLinkAsync(token, http, af, requests, packages, policies, mail, time, ct, notice, outcome.Ok ? 200 : outcome.Status);
    }

    private static async Task<IResult> StatusByLinkAsync(string token, HttpContext http, IAntiforgery af, RightsRequests requests, RequestPackages packages, PolicyStore policies,
        RightsMail mail, TimeProvider time, CancellationToken ct, string? notice = null, int status = 200)
    {
        MarketingEndpoints.Private(http);
        var found = await requests.ForTokenAsync(token, ct);
        var lang = Language.Normalize(http.Request.Query["lang"].ToString()) ?? found?.Language ?? Language.FromRequest(http.Request);
        if (found is null)
        {
            var t = Language.Strings<RightsStrings>(lang);
            return Pages.Result<MessagePage>(new { Lang = lang, Title = t.StatusTitle, Text = t.NotFound, LinkHref = $"{StatusPath}?lang={lang}", LinkText = t.Look }, 404);
        }
        var view = await StatusAsync(found, lang, requests, policies, time, ct);
        // The download goes through the link itself, which only the person holds; the lookup form leads back to it by email.
        if (!view.Closed && await packages.AvailableUntilAsync(found.Id, ct) is { } until)
            view = view with { PackageUntil = Vocabulary.Date(DateOnly.FromDateTime(until.UtcDateTime), lang) };
        if (found.State == RequestState.Verifying)
        {
            var doc = (await policies.GetAsync(found.PolicyVersion, ct) ?? await policies.CurrentAsync(ct))?.Document;
            view = view with
            {
                VerifyPath = StatusLink(token),
                EmailCode = RightsVerification.EmailCodeMethod(doc) is not null && mail.IsOn,
                PhotoId = RightsVerification.PhotoMethod(doc)?.Method.Description?.In(lang),
            };
        }
        var tokens = af.GetAndStoreTokens(http);
        return Pages.Result<RightsStatusPage>(new { Lang = lang, Status = view, Notice = notice, AntiforgeryField = tokens.FormFieldName, AntiforgeryToken = tokens.RequestToken ?? "" }, status);
    }

    private static async Task<StatusView> StatusAsync(RightsRequest request, string lang, RightsRequests requests, PolicyStore policies, TimeProvider time, CancellationToken ct)
    {
        var t = Language.Strings<RightsStrings>(lang);
        // The request's own policy version: its promises (status period, complaints) are the ones the person was given.
        var policy = await policies.GetAsync(request.PolicyVersion, ct) ?? await policies.CurrentAsync(ct);
        var doc = policy?.Document;
        // S18.7: after the status period the page says only that the request is closed.
        var visibleFor = doc?.RightsRequests?.StatusVisibleFor;
        var closed = request.ClosedAt is { } end && visibleFor is { } period && period.After(end) < time.GetUtcNow();
        string Date(DateTimeOffset at) => Vocabulary.Date(DateOnly.FromDateTime(at.UtcDateTime), lang);
        var steps = closed ? [] : (await requests.TimelineAsync(request.Id, visibleOnly: true, "person:status-page", ct))
            .Select(s => new StatusStep(Date(s.At), t.Event(s.Type), s.Text)).ToList();
        var kindName = request.Kind == RequestKinds.Question ? t.QuestionKind
            : doc?.Rights.Values.FirstOrDefault(r => RequestKinds.Name(r.Kind) == request.Kind)?.Name?.In(lang) ?? request.Kind;
        return new StatusView(request.Id.ToString(), kindName, t.State(request.State), Date(request.ReceivedAt),
            request.IsOpen && request.DueAt is { } due ? Date(due) : null, steps,
            request.State == RequestState.Denied ? doc?.Complaints?.SupervisoryAuthority?.In(lang) : null, closed);
    }

    private static RazorComponentResult<RightsPage> Form(HttpContext http, IAntiforgery af, PublishedPolicy policy, string lang, string jurisdiction, string? problem,
        string? kind, string? email, string? name, string? message, int status = 200)
    {
        var doc = policy.Document;
        var tokens = af.GetAndStoreTokens(http);
        var rights = RightsRequests.AvailableRights(doc, jurisdiction)
            .Select(r => new RightRow(RequestKinds.Name(r.Kind), r.Name!.In(lang), r.Description!.In(lang), r.HowToExercise?.In(lang), r.Limitations?.In(lang)))
            .ToList();
        return Pages.Result<RightsPage>(new
        {
            Lang = lang,
            Jurisdiction = jurisdiction,
            LawName = JurisdictionCatalogue.Bundled.Find(jurisdiction)?.Name.In(lang) ?? jurisdiction,
            Jurisdictions = (IReadOnlyList<(string, string)>)doc.Jurisdictions.Select(j => (j, JurisdictionCatalogue.Bundled.Find(j)?.Name.In(lang) ?? j)).ToList(),
            Rights = rights,
            Methods = (IReadOnlyList<string>)(doc.IdentityVerification?.Methods.Values.Select(m => m.Description!.In(lang)).ToList() ?? []),
            Collects = doc.RightsRequests?.Collects?.In(lang),
            Complaints = doc.Complaints?.SupervisoryAuthority?.In(lang),
            AntiforgeryField = tokens.FormFieldName,
            AntiforgeryToken = tokens.RequestToken ?? "",
            Problem = problem,
            Kind = kind,
            Email = email,
            Name = name,
            Message = message,
        }, status);
    }

    /// <summary>The asked jurisdiction when the policy has it; else the banner's default, else the policy's first.</summary>
    private static string JurisdictionOf(string asked, PolicyDocument doc, BannerOptions banner) =>
        doc.Jurisdictions.Contains(asked, StringComparer.Ordinal) ? asked
        : banner.DefaultJurisdiction is { } d && doc.Jurisdictions.Contains(d, StringComparer.Ordinal) ? d
        : doc.Jurisdictions.FirstOrDefault() ?? "";

    private static RazorComponentResult<MessagePage> NothingPublished(string lang) =>
        Pages.Result<MessagePage>(new { Lang = lang, Title = Language.Strings<RightsStrings>(lang).NothingPublished }, StatusCodes.Status503ServiceUnavailable);
}
