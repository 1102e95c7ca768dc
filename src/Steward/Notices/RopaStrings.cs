using Steward.Web;

namespace Steward.Notices;

/// <summary>The texts of the record of processing activities (GDPR Art. 30) in en and zh-CN.</summary>
internal sealed record RopaStrings : ILocalised<RopaStrings>
{
    /// <summary>One per column of <see cref="RopaRow"/>, in its order.</summary>
    public required string[] Headers { get; init; }
    public required string Title { get; init; }
    public required string Lead { get; init; }
    /// <summary>Stands for the 'default' key: everywhere not listed.</summary>
    public required string Default { get; init; }
    [Punctuation] public required string LabelEnd { get; init; }

    public static RopaStrings English { get; } = new()
    {
        Headers = ["Purpose key", "Purpose", "Description", "Role", "Controller", "Controller contact", "Representatives", "Data protection officer",
            "Categories of data subjects", "Categories of personal data", "Sources", "Legal basis", "Recipients", "Transfers to third countries (safeguard)",
            "Time limits for erasure", "Security measures"],
        Title = "Record of processing activities — {0}",
        Lead = "Under GDPR Article 30, generated from version {0} of the privacy policy (effective {1}).",
        Default = "default",
        LabelEnd = ":",
    };

    public static RopaStrings Chinese { get; } = new()
    {
        Headers = ["处理目的键", "处理目的", "说明", "角色", "控制方", "控制方联系方式", "代表", "数据保护官",
            "数据主体类别", "个人信息类别", "信息来源", "法律依据", "接收方", "向第三国传输（保障措施）", "删除期限", "安全措施"],
        Title = "{0} 处理活动记录",
        Lead = "依据《通用数据保护条例》第 30 条，根据隐私政策第 {0} 版（{1} 生效）生成。",
        Default = "默认",
        LabelEnd = "：",
    };
}
