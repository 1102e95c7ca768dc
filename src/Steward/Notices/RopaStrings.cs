using Steward.Web;

namespace Steward.Notices;

/// <summary>The texts of the records of processing activities (GDPR Art. 30) in en and zh-CN.</summary>
internal sealed record RopaStrings : ILocalised<RopaStrings>
{
    /// <summary>One per column of <see cref="RopaRow"/>, in its order.</summary>
    public required string[] Headers { get; init; }
    /// <summary>One per column of <see cref="ProcessorRopaRow"/>, in its order.</summary>
    public required string[] ProcessorHeaders { get; init; }
    public required string Title { get; init; }
    public required string Lead { get; init; }
    public required string ProcessorTitle { get; init; }
    public required string ProcessorLead { get; init; }
    /// <summary>Stands for the 'default' key: everywhere not listed.</summary>
    public required string Default { get; init; }
    /// <summary>The safeguards of a transfer for data from one jurisdiction: {0} the law, {1} the safeguards.</summary>
    public required string FromOrigin { get; init; }
    /// <summary>Where copies of stored data are kept: {0} the countries.</summary>
    public required string Copies { get; init; }
    [Punctuation] public required string LabelEnd { get; init; }

    public static RopaStrings English { get; } = new()
    {
        Headers = ["Purpose key", "Purpose", "Description", "Role", "Controller", "Controller contact", "Representatives", "Data protection officer",
            "Categories of data subjects", "Categories of personal data", "Sources", "Legal basis", "Recipients (countries where they process the data)",
            "Transfers to third countries (safeguard)", "Where the data is stored", "Time limits for erasure", "Security measures"],
        ProcessorHeaders = ["Purpose key", "Category of processing", "Description", "Controller (client)", "Processor", "Processor contact",
            "Representatives", "Data protection officer", "Categories of data subjects", "Categories of personal data",
            "Recipients (countries where they process the data)", "Transfers to third countries (safeguard)", "Security measures"],
        Title = "Record of processing activities — {0}",
        Lead = "Under GDPR Article 30(1), generated from version {0} of the privacy policy (effective {1}). Processing carried out for clients is in the processor's record.",
        ProcessorTitle = "Record of processing activities as a processor — {0}",
        ProcessorLead = "Under GDPR Article 30(2): the processing we carry out on behalf of our clients, generated from version {0} of the privacy policy (effective {1}).",
        Default = "default",
        FromOrigin = "for data from {0}: {1}",
        Copies = "copies in {0}",
        LabelEnd = ":",
    };

    public static RopaStrings Chinese { get; } = new()
    {
        Headers = ["处理目的键", "处理目的", "说明", "角色", "控制方", "控制方联系方式", "代表", "数据保护官",
            "数据主体类别", "个人信息类别", "信息来源", "法律依据", "接收方（处理数据所在国家或地区）", "向第三国传输（保障措施）", "存储地点", "删除期限", "安全措施"],
        ProcessorHeaders = ["处理目的键", "处理活动类别", "说明", "控制方（客户）", "受托处理方", "受托处理方联系方式",
            "代表", "数据保护官", "数据主体类别", "个人信息类别", "接收方（处理数据所在国家或地区）", "向第三国传输（保障措施）", "安全措施"],
        Title = "{0} 处理活动记录",
        Lead = "依据《通用数据保护条例》第 30 条第 1 款，根据隐私政策第 {0} 版（{1} 生效）生成。为客户开展的处理活动载于受托处理方处理活动记录。",
        ProcessorTitle = "{0} 受托处理活动记录",
        ProcessorLead = "依据《通用数据保护条例》第 30 条第 2 款，记录我们代表客户开展的处理活动，根据隐私政策第 {0} 版（{1} 生效）生成。",
        Default = "默认",
        FromOrigin = "来自{0}的数据：{1}",
        Copies = "副本存放于{0}",
        LabelEnd = "：",
    };
}
