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
    public required string AuditUnchained { get; init; }
    public required string ViewNotice { get; init; }
    public required string ApiDocument { get; init; }
    public required string Jobs { get; init; }
    public required string ErasedComebacks { get; init; }
    public required string RightsRequests { get; init; }
    public required string LegalHolds { get; init; }
    public required string JobsIntro { get; init; }
    public required string NoJobs { get; init; }
    public required string JobKind { get; init; }
    public required string JobState { get; init; }
    public required string JobAttempts { get; init; }
    public required string JobNextRun { get; init; }
    public required string JobLastError { get; init; }
    public required string Queued { get; init; }
    public required string Running { get; init; }
    public required string Succeeded { get; init; }
    public required string Failed { get; init; }
    public required string Dead { get; init; }
    public required string BackToConsole { get; init; }

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
        AuditOk = "The audit log is intact: {0} entries.",
        AuditBroken = "The audit log does not verify at {0}: {1}",
        AuditUnchained = "{0} new entries are still waiting to be linked into the chain; each is already authenticated on its own.",
        ViewNotice = "View the privacy notice",
        ApiDocument = "API description (OpenAPI)",
        Jobs = "Background jobs",
        ErasedComebacks = "In the last 30 days, an identifier of someone whose data was erased turned up again {0} time(s), in a new record here or in a connected database. Run 'steward erasures findings' and decide whether it is the same person; nothing was erased automatically.",
        RightsRequests = "Rights requests",
        LegalHolds = "Legal holds",
        JobsIntro = "The newest {0} jobs. A dead job can be queued again with 'steward jobs retry ID'.",
        NoJobs = "No background job has run yet.",
        JobKind = "Kind",
        JobState = "State",
        JobAttempts = "Attempts",
        JobNextRun = "Next run",
        JobLastError = "Last error",
        Queued = "queued",
        Running = "running",
        Succeeded = "done",
        Failed = "waiting to retry",
        Dead = "stopped after its last attempt",
        BackToConsole = "Back to the console",
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
        AuditOk = "审计日志完整：共 {0} 条记录。",
        AuditBroken = "审计日志在 {0} 处验证失败：{1}",
        AuditUnchained = "另有 {0} 条新记录尚待链入哈希链；每条记录已各自带有认证码。",
        ViewNotice = "查看隐私声明",
        ApiDocument = "API 说明（OpenAPI）",
        Jobs = "后台任务",
        ErasedComebacks = "最近 30 天内，信息已被删除的个人的标识符在本系统的新记录或已连接的数据库中再次出现 {0} 次。请运行 'steward erasures findings' 查看，并判断是否为同一人；系统未自动删除任何信息。",
        RightsRequests = "权利请求",
        LegalHolds = "法律保全",
        JobsIntro = "最近的 {0} 项任务。已停止的任务可用 'steward jobs retry ID' 重新排队。",
        NoJobs = "尚未运行任何后台任务。",
        JobKind = "类型",
        JobState = "状态",
        JobAttempts = "尝试次数",
        JobNextRun = "下次运行",
        JobLastError = "最近一次错误",
        Queued = "排队中",
        Running = "运行中",
        Succeeded = "已完成",
        Failed = "等待重试",
        Dead = "已用尽尝试次数并停止",
        BackToConsole = "返回控制台",
    };
}
