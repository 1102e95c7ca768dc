using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Notices;

/// <summary>The words and punctuation of <see cref="Vocabulary"/> in en and zh-CN.</summary>
internal sealed record VocabularyStrings : ILocalised<VocabularyStrings>
{
    /// <summary>The display names of the policy model's enum values.</summary>
    public required IReadOnlyDictionary<Enum, string> Names { get; init; }
    public required string Worldwide { get; init; }
    /// <summary>A .NET custom date pattern, formatted with the invariant culture.</summary>
    public required string DateFormat { get; init; }
    public required string Session { get; init; }
    public required string Year { get; init; }
    public required string Years { get; init; }
    public required string Month { get; init; }
    public required string Months { get; init; }
    public required string Week { get; init; }
    public required string Weeks { get; init; }
    public required string Day { get; init; }
    public required string Days { get; init; }
    public required string None { get; init; }
    [Punctuation] public required string ListComma { get; init; }
    [Punctuation] public required string ListAnd { get; init; }
    [Punctuation] public required string ListOr { get; init; }
    /// <summary>How the last item joins when an item holds a conjunction itself ("purchase and membership records").</summary>
    [Punctuation] public required string ListAndAfterConjunction { get; init; }
    /// <summary>The words that make a plain "and" ambiguous when an item already holds one, separated by '|'.</summary>
    [Punctuation] public required string Conjunctions { get; init; }
    [Punctuation] public required string PeriodSeparator { get; init; }
    [Punctuation] public required string ClauseSeparator { get; init; }
    [Punctuation] public required string LabelSeparator { get; init; }
    [Punctuation] public required string ItemSeparator { get; init; }
    [Punctuation] public required string SentenceEnd { get; init; }
    [Punctuation] public required string SentenceSeparator { get; init; }
    [Punctuation] public required string OpenParenthesis { get; init; }
    [Punctuation] public required string CloseParenthesis { get; init; }
    /// <summary>
    /// English writes "the" before place names that name a union, a kingdom or a plural ("the United Kingdom", "the
    /// Netherlands"): the words that call for it, separated by |. Chinese has no article, so both are empty there.
    /// </summary>
    [Punctuation] public required string NamesWithArticle { get; init; }
    [Punctuation] public required string DefiniteArticle { get; init; }
    /// <summary>Whether names taken from titles lose their capitals inside a sentence (English does; Chinese has none).</summary>
    public required bool LowerInSentences { get; init; }
    /// <summary>Whether Latin letters and digits get a space on each side inside the text (Chinese does: 中国大陆 2026 年).</summary>
    public required bool SpaceAroundLatin { get; init; }

    public static VocabularyStrings English { get; } = new()
    {
        Names = new Dictionary<Enum, string>
        {
            [LegalBasis.Consent] = "your consent",
            [LegalBasis.Contract] = "performing a contract with you",
            [LegalBasis.LegalObligation] = "a legal obligation",
            [LegalBasis.VitalInterests] = "protecting your or someone else's vital interests",
            [LegalBasis.PublicTask] = "a task in the public interest",
            [LegalBasis.LegitimateInterests] = "our legitimate interests",
            [LegalBasis.CreditProtection] = "credit protection",
            [LegalBasis.LegalClaims] = "establishing, exercising or defending legal claims",
            [LegalBasis.HumanResources] = "managing human resources",
            [LegalBasis.PublicHealth] = "responding to public-health emergencies",
            [LegalBasis.NewsReporting] = "news reporting in the public interest",
            [LegalBasis.PubliclyAvailable] = "information already made public",
            [LegalBasis.NoticeAndOptOut] = "notice at collection, with the right to opt out",

            [Safeguard.Adequacy] = "an adequacy decision",
            [Safeguard.EuScc] = "EU standard contractual clauses",
            [Safeguard.UkIdta] = "the UK international data transfer agreement",
            [Safeguard.BrScc] = "the Brazilian standard contractual clauses (ANPD)",
            [Safeguard.BcrC] = "binding corporate rules for controllers (BCR-C)",
            [Safeguard.BcrP] = "binding corporate rules for processors (BCR-P)",
            [Safeguard.ApecCbpr] = "APEC Cross-Border Privacy Rules (CBPR)",
            [Safeguard.ApecPrp] = "APEC Privacy Recognition for Processors (PRP)",
            [Safeguard.PiplStandardContract] = "the PIPL standard contract",
            [Safeguard.PiplCertification] = "personal information protection certification",
            [Safeguard.PiplSecurityAssessment] = "a security assessment by the Cyberspace Administration",
            [Safeguard.ExplicitConsent] = "your explicit consent",
            [Safeguard.ContractNecessity] = "necessity for a contract with you",

            [RecipientKind.Internal] = "Within our group",
            [RecipientKind.Processor] = "Suppliers who process data for us",
            [RecipientKind.Partner] = "Business partners",
            [RecipientKind.Adviser] = "Professional advisers",
            [RecipientKind.ContractParty] = "Parties to a contract",
            [RecipientKind.Authority] = "Authorities",
            [RecipientKind.Acquirer] = "Buyers and sellers of a business",
            [RecipientKind.Public] = "The public",

            [SecurityMeasureKind.Physical] = "Physical safeguards",
            [SecurityMeasureKind.Administrative] = "Administrative safeguards",
            [SecurityMeasureKind.Technical] = "Technical safeguards",
            [SecurityMeasureKind.Contractual] = "Obligations of partners and suppliers",

            [ConsentMechanism.CookieBanner] = "the cookie manager",
            [ConsentMechanism.PreferenceCentre] = "the Privacy Preference Centre",
            [ConsentMechanism.Checkbox] = "a checkbox that is never pre-ticked",
            [ConsentMechanism.DoubleOptIn] = "a confirmation email (double opt-in)",
            [ConsentMechanism.Form] = "the form on which you give us the information",
            [ConsentMechanism.AppSetting] = "a setting in the app",

            [SourceKind.FirstParty] = "you",
            [SourceKind.Observed] = "your use of our sites and services",
            [SourceKind.ThirdParty] = "third parties",
            [SourceKind.Public] = "public sources",

            [RetentionAction.Delete] = "deleted securely",
            [RetentionAction.Anonymise] = "anonymised",

            [CookieType.Cookie] = "cookie",
            [CookieType.LocalStorage] = "local storage",
            [CookieType.WebBeacon] = "web beacon",
            [CookieType.Pixel] = "pixel",
            [CookieType.Sdk] = "software development kit",

            [ProcessingRole.Controller] = "controller",
            [ProcessingRole.Processor] = "processor",
            [ProcessingRole.JointController] = "joint controller",
        },
        Worldwide = "countries worldwide",
        DateFormat = "d MMMM yyyy",
        Session = "until the browser session ends",
        Year = "{0} year",
        Years = "{0} years",
        Month = "{0} month",
        Months = "{0} months",
        Week = "{0} week",
        Weeks = "{0} weeks",
        Day = "{0} day",
        Days = "{0} days",
        None = "(none)",
        ListComma = ", ",
        ListAnd = " and ",
        ListOr = " or ",
        ListAndAfterConjunction = ", and ",
        Conjunctions = " and | or ",
        PeriodSeparator = ", ",
        ClauseSeparator = ", ",
        LabelSeparator = ": ",
        ItemSeparator = "; ",
        SentenceEnd = ".",
        SentenceSeparator = " ",
        OpenParenthesis = " (",
        CloseParenthesis = ")",
        NamesWithArticle = "Union|Kingdom|States|Republic|Emirates|Islands|Netherlands|Philippines|Economic Area",
        DefiniteArticle = "the ",
        LowerInSentences = true,
        SpaceAroundLatin = false,
    };

    public static VocabularyStrings Chinese { get; } = new()
    {
        Names = new Dictionary<Enum, string>
        {
            [LegalBasis.Consent] = "您的同意",
            [LegalBasis.Contract] = "履行与您的合同所必需",
            [LegalBasis.LegalObligation] = "履行法定义务",
            [LegalBasis.VitalInterests] = "保护您或他人的重大利益",
            [LegalBasis.PublicTask] = "履行公共利益职责",
            [LegalBasis.LegitimateInterests] = "我们的合法权益",
            [LegalBasis.CreditProtection] = "信用保护",
            [LegalBasis.LegalClaims] = "在诉讼或其他程序中行使或维护权利",
            [LegalBasis.HumanResources] = "人力资源管理所必需",
            [LegalBasis.PublicHealth] = "应对突发公共卫生事件",
            [LegalBasis.NewsReporting] = "为公共利益实施新闻报道",
            [LegalBasis.PubliclyAvailable] = "已合法公开的个人信息",
            [LegalBasis.NoticeAndOptOut] = "收集时告知，并可选择退出",

            [Safeguard.Adequacy] = "充分性认定",
            [Safeguard.EuScc] = "欧盟标准合同条款",
            [Safeguard.UkIdta] = "英国国际数据传输协议",
            [Safeguard.BrScc] = "巴西国家数据保护局标准合同条款",
            [Safeguard.BcrC] = "控制方企业约束规则（BCR-C）",
            [Safeguard.BcrP] = "处理方企业约束规则（BCR-P）",
            [Safeguard.ApecCbpr] = "亚太经合组织跨境隐私规则（CBPR）",
            [Safeguard.ApecPrp] = "亚太经合组织处理者隐私认可（PRP）",
            [Safeguard.PiplStandardContract] = "个人信息出境标准合同",
            [Safeguard.PiplCertification] = "个人信息保护认证",
            [Safeguard.PiplSecurityAssessment] = "国家网信部门组织的安全评估",
            [Safeguard.ExplicitConsent] = "您的明确同意",
            [Safeguard.ContractNecessity] = "履行与您的合同所必需",

            [RecipientKind.Internal] = "集团内部",
            [RecipientKind.Processor] = "代表我们处理数据的供应商",
            [RecipientKind.Partner] = "业务合作伙伴",
            [RecipientKind.Adviser] = "专业顾问",
            [RecipientKind.ContractParty] = "合同相关方",
            [RecipientKind.Authority] = "政府机关和监管机构",
            [RecipientKind.Acquirer] = "业务的买方和卖方",
            [RecipientKind.Public] = "公众",

            [SecurityMeasureKind.Physical] = "物理保护措施",
            [SecurityMeasureKind.Administrative] = "管理保护措施",
            [SecurityMeasureKind.Technical] = "技术保护措施",
            [SecurityMeasureKind.Contractual] = "对合作伙伴和供应商的要求",

            [ConsentMechanism.CookieBanner] = "Cookie 管理工具",
            [ConsentMechanism.PreferenceCentre] = "隐私偏好中心",
            [ConsentMechanism.Checkbox] = "不会预先勾选的复选框",
            [ConsentMechanism.DoubleOptIn] = "确认邮件（双重确认）",
            [ConsentMechanism.Form] = "您提供信息时填写的表单",
            [ConsentMechanism.AppSetting] = "应用中的设置",

            [SourceKind.FirstParty] = "您本人",
            [SourceKind.Observed] = "您对我们网站和服务的使用",
            [SourceKind.ThirdParty] = "第三方",
            [SourceKind.Public] = "公开来源",

            [RetentionAction.Delete] = "安全删除",
            [RetentionAction.Anonymise] = "匿名化处理",

            [CookieType.Cookie] = "Cookie",
            [CookieType.LocalStorage] = "本地存储",
            [CookieType.WebBeacon] = "网络信标",
            [CookieType.Pixel] = "像素标签",
            [CookieType.Sdk] = "软件开发工具包",

            [ProcessingRole.Controller] = "控制方",
            [ProcessingRole.Processor] = "处理方",
            [ProcessingRole.JointController] = "共同控制方",
        },
        Worldwide = "全球各地",
        DateFormat = "yyyy 年 M 月 d 日",
        Session = "浏览器会话结束时",
        Year = "{0} 年",
        Years = "{0} 年",
        Month = "{0} 个月",
        Months = "{0} 个月",
        Week = "{0} 周",
        Weeks = "{0} 周",
        Day = "{0} 天",
        Days = "{0} 天",
        None = "（无）",
        ListComma = "、",
        ListAnd = "和",
        ListOr = "或",
        ListAndAfterConjunction = "、",
        Conjunctions = "和|与|及|或",
        PeriodSeparator = " ",
        ClauseSeparator = "，",
        LabelSeparator = "：",
        ItemSeparator = "；",
        SentenceEnd = "。",
        SentenceSeparator = "",
        OpenParenthesis = "（",
        CloseParenthesis = "）",
        NamesWithArticle = "",
        DefiniteArticle = "",
        LowerInSentences = false,
        SpaceAroundLatin = true,
    };
}
