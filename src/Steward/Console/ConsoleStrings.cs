using Steward.Web;

// Not Steward.Console: that would hide System.Console from every Steward namespace.
namespace Steward.StaffConsole;

/// <summary>The texts of the staff console.</summary>
internal sealed record ConsoleStrings : ILocalised<ConsoleStrings>
{
    public required string Title { get; init; }
    public required string SignedInAs { get; init; }
    public required string SignOut { get; init; }
    public required string PolicyVersions { get; init; }
    public required string NoPolicy { get; init; }
    public required string VersionColumn { get; init; }
    public required string InForce { get; init; }
    public required string Effective { get; init; }
    public required string Summary { get; init; }
    public required string AuditLog { get; init; }
    public required string AuditOk { get; init; }
    public required string AuditBroken { get; init; }
    public required string ViewNotice { get; init; }
    public required string ApiDocument { get; init; }

    public static ConsoleStrings English { get; } = new()
    {
        Title = "Privacy console",
        SignedInAs = "Signed in with the role",
        SignOut = "Sign out",
        PolicyVersions = "Policy versions",
        NoPolicy = "No policy has been published yet; publish one with 'steward policy publish PATH'.",
        VersionColumn = "Version",
        InForce = "in force",
        Effective = "Effective from",
        Summary = "What changed",
        AuditLog = "Audit log",
        AuditOk = "The hash chain is intact: {0} entries.",
        AuditBroken = "The hash chain is broken at entry {0}: {1}",
        ViewNotice = "View the privacy notice",
        ApiDocument = "API description (OpenAPI)",
    };

    public static ConsoleStrings Chinese { get; } = new()
    {
        Title = "隐私管理控制台",
        SignedInAs = "当前登录角色",
        SignOut = "退出登录",
        PolicyVersions = "隐私政策版本",
        NoPolicy = "尚未发布隐私政策；请使用 'steward policy publish PATH' 发布。",
        VersionColumn = "版本",
        InForce = "现行版本",
        Effective = "生效日期",
        Summary = "变更内容",
        AuditLog = "审计日志",
        AuditOk = "哈希链完整：共 {0} 条记录。",
        AuditBroken = "哈希链在第 {0} 条记录处断开：{1}",
        ViewNotice = "查看隐私声明",
        ApiDocument = "API 说明（OpenAPI）",
    };
}
