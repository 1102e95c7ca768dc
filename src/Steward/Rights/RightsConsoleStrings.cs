using Steward.Web;

namespace Steward.Rights;

/// <summary>The texts of the console's rights-request queue and request pages.</summary>
internal sealed record RightsConsoleStrings : ILocalised<RightsConsoleStrings>
{
    public required string Queue { get; init; }
    public required string QueueIntro { get; init; }
    public required string Empty { get; init; }
    public required string OpenOnly { get; init; }
    public required string OverdueOnly { get; init; }
    public required string AllRequests { get; init; }
    public required string Filter { get; init; }
    public required string Request { get; init; }
    public required string Kind { get; init; }
    public required string State { get; init; }
    public required string Law { get; init; }
    public required string Received { get; init; }
    public required string Due { get; init; }
    public required string Assigned { get; init; }
    public required string LegalHold { get; init; }
    public required string Holds { get; init; }
    public required string Overdue { get; init; }
    public required string WaitsForVerification { get; init; }
    public required string Extended { get; init; }
    public required string Details { get; init; }
    public required string Email { get; init; }
    public required string Name { get; init; }
    public required string Message { get; init; }
    public required string Corrections { get; init; }
    public required string DetailsGone { get; init; }
    public required string Timeline { get; init; }
    public required string StaffOnly { get; init; }
    public required string Actions { get; init; }
    public required string Verify { get; init; }
    public required string Approve { get; init; }
    public required string Deny { get; init; }
    public required string DenyReason { get; init; }
    public required string Extend { get; init; }
    public required string ExtendReason { get; init; }
    public required string Complete { get; init; }
    public required string Answer { get; init; }
    public required string AssignTo { get; init; }
    public required string Nobody { get; init; }
    public required string AssignButton { get; init; }
    public required string Package { get; init; }
    public required string Progress { get; init; }
    public required string Back { get; init; }
    public required string BackToConsole { get; init; }
    public required string Done { get; init; }
    public required string Problem { get; init; }
    public required string WithErasureFindings { get; init; }
    public required string ErasureFindings { get; init; }
    public required string ErasureCheck { get; init; }
    public required string ErasureClean { get; init; }
    public required string ErasureScope { get; init; }
    public required string Place { get; init; }
    public required string Count { get; init; }
    public required string Outcome { get; init; }
    public required string Finding { get; init; }
    public required string KeptBecause { get; init; }
    public required string NotChecked { get; init; }

    public static RightsConsoleStrings English { get; } = new()
    {
        Queue = "Rights requests",
        QueueIntro = "Open requests first, the nearest deadline at the top.",
        Empty = "No requests.",
        OpenOnly = "Open",
        OverdueOnly = "Overdue",
        AllRequests = "All",
        Filter = "Show",
        Request = "Request",
        Kind = "Kind",
        State = "Status",
        Law = "Law",
        Received = "Received",
        Due = "Due",
        Assigned = "Assigned to",
        LegalHold = "Legal hold",
        Holds = "All holds",
        Overdue = "overdue",
        WaitsForVerification = "once verified",
        Extended = "extended",
        Details = "What the person gave",
        Email = "Email address",
        Name = "Name",
        Message = "Message",
        Corrections = "Corrections asked for",
        DetailsGone = "The person's data was erased; what they gave can no longer be read.",
        Timeline = "Timeline",
        StaffOnly = "staff only",
        Actions = "Actions",
        Verify = "Identity verified by other means",
        Approve = "Approve",
        Deny = "Deny",
        DenyReason = "Reason, told to the person (their right to complain is added)",
        Extend = "Extend the deadline",
        ExtendReason = "Reason, told to the person",
        Complete = "Complete",
        Answer = "Answer to the person (optional)",
        AssignTo = "Assign to",
        Nobody = "nobody",
        AssignButton = "Assign",
        Package = "Download the package",
        Progress = "Fulfilment",
        Back = "Back to the queue",
        BackToConsole = "Back to the console",
        Done = "Saved.",
        Problem = "Not done:",
        WithErasureFindings = "With findings after erasure",
        ErasureFindings = "found after erasure",
        ErasureCheck = "Check after erasure",
        ErasureClean = "None of the person's identifiers was found anywhere searched.",
        ErasureScope = "Searched on {0}: {1} tables ({2} personal-data columns in full, {3} other text columns in the first {4} rows of each table and in the person's rows), {5} columns of Steward's own database and {6} log files.",
        Place = "Where",
        Count = "Rows or log entries",
        Outcome = "Outcome",
        Finding = "Finding: erase it or record why it is kept",
        KeptBecause = "Kept under a legal duty: {0}",
        NotChecked = "Could not be searched: {0}",
    };

    public static RightsConsoleStrings Chinese { get; } = new()
    {
        Queue = "权利请求",
        QueueIntro = "未结请求在前，期限最近的排在最上。",
        Empty = "没有请求。",
        OpenOnly = "未结",
        OverdueOnly = "已逾期",
        AllRequests = "全部",
        Filter = "显示",
        Request = "请求",
        Kind = "类型",
        State = "状态",
        Law = "适用法律",
        Received = "收到时间",
        Due = "答复期限",
        Assigned = "负责人",
        LegalHold = "法律保全",
        Holds = "全部法律保全",
        Overdue = "已逾期",
        WaitsForVerification = "身份核实后起算",
        Extended = "已延期",
        Details = "请求人提供的信息",
        Email = "电子邮箱",
        Name = "姓名",
        Message = "留言",
        Corrections = "要求更正的内容",
        DetailsGone = "该个人的数据已被删除，其提供的信息已无法读取。",
        Timeline = "处理记录",
        StaffOnly = "仅员工可见",
        Actions = "操作",
        Verify = "已通过其他方式核实身份",
        Approve = "批准",
        Deny = "拒绝",
        DenyReason = "理由（将告知请求人，并附其投诉权利）",
        Extend = "延长期限",
        ExtendReason = "理由（将告知请求人）",
        Complete = "完成",
        Answer = "给请求人的答复（选填）",
        AssignTo = "分配给",
        Nobody = "无",
        AssignButton = "分配",
        Package = "下载信息包",
        Progress = "执行进度",
        Back = "返回请求列表",
        BackToConsole = "返回控制台",
        Done = "已保存。",
        Problem = "未完成：",
        WithErasureFindings = "删除后仍有发现",
        ErasureFindings = "删除后仍有发现",
        ErasureCheck = "删除后核查",
        ErasureClean = "在检索范围内未发现该个人的任何标识符。",
        ErasureScope = "检索时间 {0}：{1} 张表（{2} 个个人信息列全部检索，其他 {3} 个文本列检索每张表的前 {4} 行及该个人的各行）、Steward 自身数据库的 {5} 个列，以及 {6} 个日志文件。",
        Place = "位置",
        Count = "行数或日志条数",
        Outcome = "结论",
        Finding = "发现：请删除，或记录保留的理由",
        KeptBecause = "依法律义务保留：{0}",
        NotChecked = "无法检索：{0}",
    };
}
