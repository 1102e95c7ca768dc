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
        Intro = "We use cookies that this site needs to work. With your consent we also use optional cookies: {0}. Accept all, reject all or choose in the settings; you can change your choice at any time through {1} at the foot of the page.",
        AcceptAll = "Accept all",
        RejectAll = "Reject all",
        Settings = "Settings",
        SettingsTitle = "Cookie settings",
        Save = "Save my choices",
        Saved = "Your choices have been saved.",
        Notice = "Privacy notice",
        AlwaysOn = "Always on",
        GpcHonoured = "Your browser sent a Global Privacy Control signal. We treat it as your request to opt out of the sale and sharing of your personal information and of targeted advertising, so {0} cookies stay off.",
        GpcOff = "Off (Global Privacy Control)",
        ListSeparator = ", ",
        OpenQuote = "“",
        CloseQuote = "”",
        DefaultSettingsLink = "Cookie preferences",
        CookiesTitle = "Cookies and similar technologies",
        CookiesIntro = "The cookies and similar technologies our sites use, by category.",
        NoCookies = "No cookies or similar technologies are used in this category.",
        ChangeChoices = "Change your cookie choices",
        PreferencesTitle = "Privacy Preference Centre",
        PreferencesIntro = "Choose which cookies this browser may use. Your choices are kept in a cookie in this browser; strictly necessary cookies are always on.",
        OtherPreferences = "Marketing and your other preferences are managed through the link in any message we send you, or by asking us.",
        NeedsScript = "The cookie settings need JavaScript. Without it, only strictly necessary cookies are used.",
        CookieList = "Cookies we use",
    };

    public static BannerStrings Chinese { get; } = new()
    {
        Title = "本网站的 Cookie",
        Intro = "我们使用本网站运行所必需的 Cookie。经您同意，我们还会使用以下可选 Cookie：{0}。您可以全部接受、全部拒绝或在设置中逐项选择，并可随时通过页面底部的{1}更改选择。",
        AcceptAll = "全部接受",
        RejectAll = "全部拒绝",
        Settings = "设置",
        SettingsTitle = "Cookie 设置",
        Save = "保存我的选择",
        Saved = "您的选择已保存。",
        Notice = "隐私声明",
        AlwaysOn = "始终启用",
        GpcHonoured = "您的浏览器发出了全球隐私控制（GPC）信号。我们将其视为您选择退出个人信息的出售、共享及定向广告，因此{0}Cookie 保持关闭。",
        GpcOff = "已关闭（全球隐私控制）",
        ListSeparator = "、",
        OpenQuote = "“",
        CloseQuote = "”",
        DefaultSettingsLink = "Cookie 首选项",
        CookiesTitle = "Cookie 及同类技术",
        CookiesIntro = "我们的网站按类别使用以下 Cookie 及同类技术。",
        NoCookies = "此类别未使用 Cookie 或同类技术。",
        ChangeChoices = "更改您的 Cookie 选择",
        PreferencesTitle = "隐私偏好中心",
        PreferencesIntro = "请选择本浏览器可使用哪些 Cookie。您的选择保存在本浏览器的 Cookie 中；必要类 Cookie 始终启用。",
        OtherPreferences = "营销信息及其他偏好，请通过我们发给您的任何消息中的链接管理，或联系我们。",
        NeedsScript = "Cookie 设置需要启用 JavaScript。未启用时，仅使用必要类 Cookie。",
        CookieList = "我们使用的 Cookie",
    };
}
