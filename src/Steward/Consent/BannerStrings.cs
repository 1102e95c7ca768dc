using Steward.Web;

namespace Steward.Consent;

/// <summary>
/// The words of the cookie banner, its settings and the privacy centre's cookie pages. The banner's texts travel to the
/// browser in the banner's configuration, and their SHA-256 is the text hash kept with every choice made on it.
/// </summary>
internal sealed record BannerStrings : ILocalised<BannerStrings>
{
    public required string Title { get; init; }
    /// <summary>{0}: the optional categories' names; {1}: the footer link's text (cookies.settings_link).</summary>
    public required string Intro { get; init; }
    public required string AcceptAll { get; init; }
    public required string RejectAll { get; init; }
    public required string Settings { get; init; }
    public required string SettingsTitle { get; init; }
    public required string Save { get; init; }
    public required string Saved { get; init; }
    public required string Notice { get; init; }
    public required string AlwaysOn { get; init; }
    /// <summary>{0}: the names of the categories the browser's signal switched off.</summary>
    public required string GpcHonoured { get; init; }
    public required string GpcOff { get; init; }
    [Punctuation] public required string ListSeparator { get; init; }
    [Punctuation] public required string OpenQuote { get; init; }
    [Punctuation] public required string CloseQuote { get; init; }
    public required string DefaultSettingsLink { get; init; }
    public required string CookiesTitle { get; init; }
    public required string CookiesIntro { get; init; }
    public required string NoCookies { get; init; }
    public required string ChangeChoices { get; init; }
    public required string PreferencesTitle { get; init; }
    public required string PreferencesIntro { get; init; }
    public required string OtherPreferences { get; init; }
    public required string NeedsScript { get; init; }
    public required string CookieList { get; init; }

    public static BannerStrings English { get; } = new()
    {
        Title = "Cookies on this site",
        Intro = "We use cookies this site needs to work. With your consent, we also use optional cookies: {0}. You can accept all, reject all or choose in Settings, and change your choice at any time through {1} at the foot of the page.",
        AcceptAll = "Accept all",
        RejectAll = "Reject all",
        Settings = "Settings",
        SettingsTitle = "Cookie settings",
        Save = "Save my choices",
        Saved = "Your choices have been saved.",
        Notice = "Privacy notice",
        AlwaysOn = "Always on",
        GpcHonoured = "Your browser sent a Global Privacy Control signal. We treat it as your request to opt out of the sale or sharing of your personal information and of targeted advertising, so {0} cookies stay off.",
        GpcOff = "Off (Global Privacy Control)",
        ListSeparator = ", ",
        OpenQuote = "“",
        CloseQuote = "”",
        DefaultSettingsLink = "Cookie preferences",
        CookiesTitle = "Cookies and similar technologies",
        CookiesIntro = "Below are the cookies and similar technologies our sites use, by category.",
        NoCookies = "No cookies or similar technologies are used in this category.",
        ChangeChoices = "Change your cookie choices",
        PreferencesTitle = "Privacy Preference Centre",
        PreferencesIntro = "Choose which cookies we may use in this browser. Your choices are kept in a cookie in this browser; cookies the site needs to work are always on.",
        OtherPreferences = "To change your marketing and other choices, use the link in our marketing messages, or contact us.",
        NeedsScript = "The cookie settings need JavaScript. Without it, only cookies the site needs to work are used.",
        CookieList = "Cookies we use",
    };

    public static BannerStrings Chinese { get; } = new()
    {
        Title = "本网站的 Cookie",
        Intro = "我们使用本网站运行所必需的 Cookie。经您同意，我们还会使用以下可选 Cookie：{0}。您可以全部同意、全部拒绝或在设置中按类别选择，并可随时通过页面底部的{1}更改您的选择。",
        AcceptAll = "全部同意",
        RejectAll = "全部拒绝",
        Settings = "设置",
        SettingsTitle = "Cookie 设置",
        Save = "保存我的选择",
        Saved = "您的选择已保存。",
        Notice = "隐私声明",
        AlwaysOn = "始终启用",
        GpcHonoured = "您的浏览器发出了全球隐私控制（GPC）信号。我们将其视为您选择退出个人信息的出售或共享以及定向广告的请求，因此{0}Cookie 保持关闭。",
        GpcOff = "已关闭（全球隐私控制）",
        ListSeparator = "、",
        OpenQuote = "“",
        CloseQuote = "”",
        DefaultSettingsLink = "Cookie 首选项",
        CookiesTitle = "Cookie 和类似技术",
        CookiesIntro = "以下按类别列出我们的网站使用的 Cookie 和类似技术。",
        NoCookies = "此类别下未使用任何 Cookie 或类似技术。",
        ChangeChoices = "更改您的 Cookie 选择",
        PreferencesTitle = "隐私偏好中心",
        PreferencesIntro = "请选择我们可以在本浏览器中使用哪些 Cookie。您的选择保存在本浏览器的 Cookie 中；网站运行所必需的 Cookie 始终启用。",
        OtherPreferences = "如需更改营销信息及其他方面的选择，请使用我们营销信息中的链接，或与我们联系。",
        NeedsScript = "Cookie 设置需要启用 JavaScript。未启用时，仅使用网站运行所必需的 Cookie。",
        CookieList = "我们使用的 Cookie",
    };
}
