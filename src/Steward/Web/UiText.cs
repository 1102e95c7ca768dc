namespace Steward.Web;

/// <summary>Fixed texts of Steward's own pages in en and zh-CN (policy texts come from the policy).</summary>
public sealed record UiText(
    string Brand,
    string SkipToContent,
    string LanguageNav,
    string SignInTitle,
    string Email,
    string Password,
    string SignInButton,
    string SignInFailed,
    string LockedOut,
    string ConsoleTitle,
    string SignedInAs,
    string SignOut)
{
    public static readonly UiText English = new(
        Brand: "Privacy centre",
        SkipToContent: "Skip to content",
        LanguageNav: "Language",
        SignInTitle: "Sign in to the privacy console",
        Email: "Email address",
        Password: "Password",
        SignInButton: "Sign in",
        SignInFailed: "The email address or password is not correct.",
        LockedOut: "Too many failed attempts. The account is locked for 15 minutes.",
        ConsoleTitle: "Privacy console",
        SignedInAs: "Signed in with the role",
        SignOut: "Sign out");

    public static readonly UiText Chinese = new(
        Brand: "隐私中心",
        SkipToContent: "跳到正文",
        LanguageNav: "语言",
        SignInTitle: "登录隐私管理控制台",
        Email: "电子邮件地址",
        Password: "密码",
        SignInButton: "登录",
        SignInFailed: "电子邮件地址或密码不正确。",
        LockedOut: "失败次数过多，帐户已锁定 15 分钟。",
        ConsoleTitle: "隐私管理控制台",
        SignedInAs: "当前登录角色",
        SignOut: "退出登录");

    public static UiText For(string lang) => lang == Language.Chinese ? Chinese : English;
}
