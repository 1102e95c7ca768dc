using Microsoft.AspNetCore.Http.HttpResults;
using Steward.Policy;
using Steward.Security;
using Steward.Web;

namespace Steward.Notices;

/// <summary>The public privacy notice: the version in force, its previous versions, and the 30-day update notice.</summary>
internal static class NoticeEndpoints
{
    /// <summary>
    /// <c>?jurisdiction=cn-pipl</c>: the notice for the readers of one of the policy's jurisdictions. Any other value
    /// shows the whole notice, as no value does; it is never written back into the page.
    /// </summary>
    public const string JurisdictionQuery = "jurisdiction";

    public static IEndpointRouteBuilder MapNotices(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/privacy").ExcludeFromDescription().Public().CacheOutput(NoticeCache.PolicyName);
        group.MapGet("", CurrentAsync);
        group.MapGet("/versions", VersionsAsync);
        group.MapGet("/versions/{version:int}", VersionAsync);
        return routes;
    }

    private static async Task<IResult> CurrentAsync(HttpContext http, PolicyStore store, CancellationToken ct)
    {
        var lang = Language.FromRequest(http.Request);
        var policy = await store.CurrentAsync(ct);
        if (policy is null) return NothingPublished(lang);
        var jurisdiction = NoticeBuilder.Resolve(policy.Document, http.Request.Query[JurisdictionQuery]);
        return Pages.Result<NoticePage>(new
        {
            Document = NoticeBuilder.Build(policy, lang, jurisdiction),
            SwitchPath = "/privacy",
            Updated = PolicyStore.RecentSignificantChange(await store.ListAsync(ct), store.Today),
            Jurisdictions = NoticeBuilder.Choices(policy.Document, lang),
            Jurisdiction = jurisdiction,
        });
    }

    private static async Task<IResult> VersionAsync(int version, HttpContext http, PolicyStore store, CancellationToken ct)
    {
        var lang = Language.FromRequest(http.Request);
        var policy = await store.GetAsync(version, ct);
        if (policy is null)
        {
            var t = Language.Strings<PrivacyPageStrings>(lang);
            return Pages.Result<MessagePage>(new
            {
                Lang = lang,
                Title = t.NotFoundTitle,
                Text = Language.Format(t.NoSuchVersion, version),
                LinkHref = $"/privacy/versions?lang={lang}",
                LinkText = t.AllVersions,
            }, StatusCodes.Status404NotFound);
        }
        var current = await store.CurrentAsync(ct);
        var changes = version > 1 && await store.GetAsync(version - 1, ct) is { } previous
            ? new NoticeChanges(version - 1, PolicyDiff.Compare(previous.Document, policy.Document, lang))
            : null;
        var jurisdiction = NoticeBuilder.Resolve(policy.Document, http.Request.Query[JurisdictionQuery]);
        return Pages.Result<NoticePage>(new
        {
            Document = NoticeBuilder.Build(policy, lang, jurisdiction),
            SwitchPath = $"/privacy/versions/{version}",
            OldVersion = current?.Info.Version == version ? null : policy.Info,
            Changes = changes,
            Jurisdictions = NoticeBuilder.Choices(policy.Document, lang),
            Jurisdiction = jurisdiction,
        });
    }

    private static async Task<IResult> VersionsAsync(HttpContext http, PolicyStore store, CancellationToken ct) =>
        Pages.Result<VersionsPage>(new
        {
            Lang = Language.FromRequest(http.Request),
            Versions = await store.ListAsync(ct),
            Current = (await store.CurrentAsync(ct))?.Info.Version,
        });

    private static RazorComponentResult<MessagePage> NothingPublished(string lang)
    {
        var t = Language.Strings<PrivacyPageStrings>(lang);
        return Pages.Result<MessagePage>(new { Lang = lang, Title = t.NothingPublished }, StatusCodes.Status503ServiceUnavailable);
    }
}
