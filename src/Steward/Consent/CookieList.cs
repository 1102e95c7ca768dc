using Steward.Notices;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Consent;

/// <summary>A cookie category on /privacy/cookies, in one language: whether it needs consent, and its items.</summary>
public sealed record CookieListCategory(string Key, string Name, string Description, string Consent, IReadOnlyList<CookieListItem> Items);

/// <summary>One cookie or similar technology, in words.</summary>
public sealed record CookieListItem(string Name, string Purpose, string Lifetime, string Provider);

/// <summary>The policy's cookies in words, for the cookie list page; the notice's own vocabulary names types, periods and the first party.</summary>
internal static class CookieList
{
    public static List<CookieListCategory> Of(Cookies cookies, string lang)
    {
        var n = Language.Strings<NoticeStrings>(lang);
        var w = Language.Strings<VocabularyStrings>(lang);
        return cookies.Categories.Select(c => new CookieListCategory(c.Key, c.Value.Name?.In(lang) ?? c.Key, c.Value.Description?.In(lang) ?? "",
            c.Value.ConsentRequired ? n.ConsentNeeded : n.AlwaysOn,
            cookies.Items.Where(i => i.Value.Category == c.Key).Select(i => new CookieListItem(
                i.Value.Type == CookieType.Cookie ? i.Key : i.Key + w.OpenParenthesis + Vocabulary.Name(i.Value.Type, lang) + w.CloseParenthesis,
                i.Value.Purpose?.In(lang) ?? "",
                i.Value.Lifetime is { } life ? Vocabulary.Period(life, lang) : "",
                string.IsNullOrEmpty(i.Value.Provider) || i.Value.Provider == "first-party" ? n.FirstParty : i.Value.Provider)).ToList())).ToList();
    }
}
