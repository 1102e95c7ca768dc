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
    string SignOut,
    string PolicyVersions,
    string NoPolicy,
    string Effective,
    string Summary,
    string AuditLog,
    string AuditOk,
    string AuditBroken,
    string ViewNotice,
    string ApiDocument)
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
        SignOut: "Sign out",
        PolicyVersions: "Policy versions",
        NoPolicy: "No policy has been published yet; publish one with 'steward policy publish PATH'.",
        Effective: "Effective from",
        Summary: "What changed",
        AuditLog: "Audit log",
        AuditOk: "The hash chain is intact: {0} entries.",
        AuditBroken: "The hash chain is broken at entry {0}: {1}",
        ViewNotice: "View the privacy notice",
        ApiDocument: "API description (OpenAPI)");

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
        SignOut: "退出登录",
        PolicyVersions: "隐私政策版本",
        NoPolicy: "尚未发布隐私政策；请使用 'steward policy publish PATH' 发布。",
        Effective: "生效日期",
        Summary: "变更内容",
        AuditLog: "审计日志",
        AuditOk: "哈希链完整：共 {0} 条记录。",
        AuditBroken: "哈希链在第 {0} 条记录处断开：{1}",
        ViewNotice: "查看隐私声明",
        ApiDocument: "API 说明（OpenAPI）");

    public static UiText For(string lang) => lang == Language.Chinese ? Chinese : English;
}
