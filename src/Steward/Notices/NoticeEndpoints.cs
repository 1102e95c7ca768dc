using System.Globalization;
using System.Text;
using Steward.Policy;
using Steward.Security;
using Steward.Web;
using static Steward.Web.Html;

namespace Steward.Notices;

/// <summary>The public privacy notice: the version in force, its previous versions, and the 30-day update notice.</summary>
public static class NoticeEndpoints
{
    public static IEndpointRouteBuilder MapNotices(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/privacy").ExcludeFromDescription().Public();
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
        var recent = PolicyStore.RecentSignificantChange(await store.ListAsync(ct), store.Today);
        var banner = recent is null ? null : Banner(recent, lang);
        return Render(policy, lang, "/privacy", banner, null);
    }

    private static async Task<IResult> VersionAsync(int version, HttpContext http, PolicyStore store, CancellationToken ct)
    {
        var lang = Language.FromRequest(http.Request);
        var policy = await store.GetAsync(version, ct);
        if (policy is null)
        {
            var t = PageText.For(lang);
            return Result(Page(lang, t.NotFoundTitle, $"<h1>{E(t.NotFoundTitle)}</h1><p>{E(string.Format(CultureInfo.InvariantCulture, t.NoSuchVersion, version))}</p><p><a href=\"/privacy/versions?lang={lang}\">{E(t.AllVersions)}</a></p>"), 404);
        }
        var current = await store.CurrentAsync(ct);
        var note = current?.Info.Version == version ? "" : VersionNote(policy.Info, lang);
        if (version > 1 && await store.GetAsync(version - 1, ct) is { } previous)
            note += Changes(PolicyDiff.Compare(previous.Document, policy.Document, lang), version - 1, lang);
        return Render(policy, lang, $"/privacy/versions/{version}", null, note.Length == 0 ? null : note);
    }

    private static async Task<IResult> VersionsAsync(HttpContext http, PolicyStore store, CancellationToken ct)
    {
        var lang = Language.FromRequest(http.Request);
        var t = PageText.For(lang);
        var versions = await store.ListAsync(ct);
        var current = (await store.CurrentAsync(ct))?.Info.Version;
        var sb = new StringBuilder();
        sb.Append("<h1>").Append(E(t.VersionsTitle)).Append("</h1>\n");
        if (versions.Count == 0) sb.Append("<p>").Append(E(t.NothingPublished)).Append("</p>");
        else
        {
            sb.Append("<table>\n<caption>").Append(E(t.VersionsTitle)).Append("</caption>\n<thead><tr><th scope=\"col\">")
              .Append(E(t.VersionColumn)).Append("</th><th scope=\"col\">").Append(E(t.EffectiveColumn)).Append("</th><th scope=\"col\">")
              .Append(E(t.SummaryColumn)).Append("</th></tr></thead>\n<tbody>\n");
            foreach (var v in versions.AsEnumerable().Reverse())
            {
                sb.Append("<tr><th scope=\"row\"><a href=\"/privacy/versions/").Append(v.Version).Append("?lang=").Append(E(lang)).Append("\">")
                  .Append(E(string.Format(CultureInfo.InvariantCulture, t.VersionLabel, v.Version))).Append("</a>")
                  .Append(v.Version == current ? $" <strong>({E(t.InForce)})</strong>" : "")
                  .Append("</th><td>").Append(E(Vocabulary.Date(v.EffectiveDate, lang))).Append("</td><td>")
                  .Append(E(v.Summary ?? "")).Append(v.Significant ? $" <em>{E(t.SignificantChange)}</em>" : "").Append("</td></tr>\n");
            }
            sb.Append("</tbody>\n</table>\n");
        }
        sb.Append("<p><a href=\"/privacy?lang=").Append(E(lang)).Append("\">").Append(E(t.BackToNotice)).Append("</a></p>");
        return Result(Page(lang, t.VersionsTitle, sb.ToString(), LanguageSwitch(lang, "/privacy/versions"), Footer(lang)));
    }

    private static IResult Render(PublishedPolicy policy, string lang, string path, string? banner, string? note)
    {
        var document = NoticeBuilder.Build(policy, lang);
        return Result(Page(lang, document.Title, NoticeRenderers.HtmlBody(document, banner, note), LanguageSwitch(lang, path), Footer(lang)));
    }

    private static string Banner(PolicyVersionInfo v, string lang)
    {
        var t = PageText.For(lang);
        var text = string.Format(CultureInfo.InvariantCulture, t.UpdatedOn, Vocabulary.Date(PolicyStore.VisibleFrom(v), lang));
        return $"<div class=\"banner\" role=\"status\"><p><strong>{E(text)}</strong>{(v.Summary is null ? "" : " " + E(v.Summary))} "
             + $"<a href=\"/privacy/versions/{v.Version}?lang={E(lang)}#changes\">{E(t.SeeChanges)}</a> "
             + $"<a href=\"/privacy/versions?lang={E(lang)}\">{E(t.SeePrevious)}</a></p></div>\n";
    }

    /// <summary>What changed from the previous version, in words, folded so the notice stays first.</summary>
    private static string Changes(List<PolicyChange> changes, int previous, string lang)
    {
        var t = PageText.For(lang);
        var sb = new StringBuilder("<details id=\"changes\" open><summary>")
            .Append(E(string.Format(CultureInfo.InvariantCulture, t.ChangesFrom, previous))).Append("</summary>\n");
        if (changes.Count == 0) sb.Append("<p>").Append(E(t.NoChanges)).Append("</p>\n");
        else
        {
            sb.Append("<ul>\n");
            foreach (var c in changes) sb.Append("<li>").Append(E(c.Text)).Append("</li>\n");
            sb.Append("</ul>\n");
        }
        return sb.Append("</details>\n").ToString();
    }

    private static string VersionNote(PolicyVersionInfo v, string lang)
    {
        var t = PageText.For(lang);
        var text = string.Format(CultureInfo.InvariantCulture, t.OldVersion, v.Version, Vocabulary.Date(v.EffectiveDate, lang));
        return $"<div class=\"banner\" role=\"note\"><p>{E(text)} <a href=\"/privacy?lang={E(lang)}\">{E(t.ReadCurrent)}</a></p></div>\n";
    }

    private static IResult NothingPublished(string lang)
    {
        var t = PageText.For(lang);
        return Result(Page(lang, t.VersionsTitle, $"<h1>{E(t.NothingPublished)}</h1>"), 503);
    }

    /// <summary>The privacy centre's footer: rights, preferences and cookie settings (S12.3: "Cookie preferences" in the footer).</summary>
    public static string Footer(string lang)
    {
        var t = PageText.For(lang);
        return $"<nav aria-label=\"{E(t.FooterNav)}\"><a href=\"/privacy?lang={E(lang)}\">{E(t.Notice)}</a>"
             + $"<a href=\"/privacy/rights?lang={E(lang)}\">{E(t.Rights)}</a>"
             + $"<a href=\"/privacy/preferences?lang={E(lang)}\">{E(t.Preferences)}</a>"
             + $"<a href=\"/privacy/cookies?lang={E(lang)}\">{E(t.Cookies)}</a>"
             + $"<a href=\"/privacy/versions?lang={E(lang)}\">{E(t.VersionsTitle)}</a></nav>";
    }

    private sealed record PageText(string VersionsTitle, string VersionColumn, string EffectiveColumn, string SummaryColumn, string VersionLabel,
        string InForce, string SignificantChange, string BackToNotice, string UpdatedOn, string SeePrevious, string OldVersion, string ReadCurrent,
        string NothingPublished, string NotFoundTitle, string NoSuchVersion, string AllVersions, string FooterNav, string Notice, string Rights,
        string Preferences, string Cookies, string SeeChanges, string ChangesFrom, string NoChanges)
    {
        private static readonly PageText En = new("Versions of the privacy notice", "Version", "Effective from", "What changed", "Version {0}",
            "in force", "significant change", "Back to the privacy notice", "We updated this privacy notice on {0}.", "See previous versions.",
            "You are reading version {0}, effective from {1}; it is no longer in force.", "Read the current notice.",
            "No privacy notice has been published yet.", "Not found", "There is no version {0} of the privacy notice.", "All versions",
            "Privacy centre", "Privacy notice", "Your rights", "Preferences", "Cookie preferences",
            "See what changed.", "What changed since version {0}", "The content is the same as the previous version; only its wording or dates changed.");

        private static readonly PageText Zh = new("隐私声明的各个版本", "版本", "生效日期", "变更内容", "第 {0} 版",
            "现行版本", "重大变更", "返回隐私声明", "我们已于 {0} 更新本隐私声明。", "查看先前版本。",
            "您正在阅读第 {0} 版（自 {1} 起生效），该版本已不再适用。", "阅读现行版本。",
            "尚未发布隐私声明。", "未找到", "隐私声明没有第 {0} 版。", "全部版本",
            "隐私中心", "隐私声明", "您的权利", "首选项", "Cookie 首选项",
            "查看变更内容。", "自第 {0} 版以来的变更", "内容与上一版本相同，仅措辞或日期有所变化。");

        public static PageText For(string lang) => lang == Language.Chinese ? Zh : En;
    }
}
