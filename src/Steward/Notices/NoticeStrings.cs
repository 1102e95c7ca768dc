using Steward.Web;

namespace Steward.Notices;

/// <summary>The fixed wording of the generated notice, in en and zh-CN; everything else comes from the policy.</summary>
internal sealed record NoticeStrings : ILocalised<NoticeStrings>
{
    public required string[] SectionHeadings { get; init; }
    public required string EffectiveFrom { get; init; }
    public required string Languages { get; init; }
    public required string OtherLanguages { get; init; }
    public required string Supplements { get; init; }
    public required string CollectIntro { get; init; }
    public required string WhatWeCollect { get; init; }
    public required string WhoItConcerns { get; init; }
    public required string WhereFrom { get; init; }
    public required string LawfulSource { get; init; }
    public required string WhyMayWe { get; init; }
    public required string HowLong { get; init; }
    public required string YourChoice { get; init; }
    public required string ConsentVia { get; init; }
    public required string ConsentValidity { get; init; }
    public required string Channels { get; init; }
    public required string MustYouProvide { get; init; }
    public required string AutomatedDecisions { get; init; }
    public required string ProcessorRole { get; init; }
    public required string SharedWith { get; init; }
    public required string CookiesHeading { get; init; }
    public required string CookieCategoriesCaption { get; init; }
    public required string CookieCategoryHeaders { get; init; }
    public required string CookieItemsCaption { get; init; }
    public required string CookieItemHeaders { get; init; }
    public required string ConsentNeeded { get; init; }
    public required string AlwaysOn { get; init; }
    public required string CookieMaxLifetime { get; init; }
    public required string CookieSettings { get; init; }
    public required string FirstParty { get; init; }
    public required string ChildrenHeading { get; init; }
    public required string ChildrenDefault { get; init; }
    public required string ChildrenException { get; init; }
    public required string SharingIntro { get; init; }
    public required string Receives { get; init; }
    public required string ChecksBefore { get; init; }
    public required string TransfersHeading { get; init; }
    public required string TransferTo { get; init; }
    public required string TransferSafeguards { get; init; }
    public required string TransferAdequate { get; init; }
    public required string ControllersIntro { get; init; }
    public required string ControllerTableCaption { get; init; }
    public required string ControllerHeaders { get; init; }
    public required string EverywhereElse { get; init; }
    public required string RepresentativesHeading { get; init; }
    public required string DpoHeading { get; init; }
    public required string SecurityIntro { get; init; }
    public required string RetentionHeading { get; init; }
    public required string RetentionIntro { get; init; }
    public required string RetentionCaption { get; init; }
    public required string RetentionHeaders { get; init; }
    public required string RetentionEnd { get; init; }
    public required string RightsIntro { get; init; }
    public required string HowToExercise { get; init; }
    public required string Limitations { get; init; }
    public required string WhereOffered { get; init; }
    public required string RequestsHeading { get; init; }
    public required string RequestCollects { get; init; }
    public required string RequestWhere { get; init; }
    public required string VerificationHeading { get; init; }
    public required string PhotoIdDeleted { get; init; }
    public required string StatusVisible { get; init; }
    public required string RecordsKept { get; init; }
    public required string ComplaintsHeading { get; init; }
    public required string DisputeResolution { get; init; }
    public required string PrivacyCentreLinks { get; init; }
    public required string RightsPage { get; init; }
    public required string PreferencesPage { get; init; }
    public required string CookiesPage { get; init; }
    public required string LegalBasesIntro { get; init; }
    public required string LegalBasesCaption { get; init; }
    public required string Purpose { get; init; }
    [SameInBothLanguages] public required string NotApplicable { get; init; }
    public required string LegitimateInterestsHeading { get; init; }
    public required string OptOutRegimes { get; init; }
    public required string ThisVersion { get; init; }
    public required string LastReviewed { get; init; }
    public required string PreviousVersions { get; init; }
    public required string NoAutomatedDecisions { get; init; }
    public required string ContactLine { get; init; }

    public static NoticeStrings English { get; } = new()
    {
        SectionHeadings = ["Introduction", "Personal information we collect and use", "Sharing personal information", "Controllers and representatives",
            "Information security and retention", "Your rights", "Legal bases", "Updates to this privacy notice"],
        EffectiveFrom = "This privacy notice is effective from {0}.",
        Languages = "This notice is available in English and Simplified Chinese (简体中文).",
        OtherLanguages = "It is also available in: {0}.",
        Supplements = "Supplementary privacy notices add to this notice for particular products, services or regions:",
        CollectIntro = "This part describes what we collect and how we use it, activity by activity.",
        WhatWeCollect = "What we collect:",
        WhoItConcerns = "Whose information:",
        WhereFrom = "Where it comes from:",
        LawfulSource = "When we receive it from {0}, we first check: {1}",
        WhyMayWe = "Why we may do this:",
        HowLong = "How long we keep it:",
        YourChoice = "Your choice:",
        ConsentVia = "We ask for your consent through {0}. {1}",
        ConsentValidity = "We ask again after {0}.",
        Channels = "Channels: {0}.",
        MustYouProvide = "Do you have to provide it?",
        AutomatedDecisions = "Automated decisions:",
        ProcessorRole = "Here we act on behalf of our business client, who decides how this information is used and answers for it.",
        SharedWith = "Who receives it:",
        CookiesHeading = "Cookies and similar technologies",
        CookieCategoriesCaption = "Categories of cookies",
        CookieCategoryHeaders = "Category|What it does|Your consent",
        CookieItemsCaption = "Cookies and similar technologies we use",
        CookieItemHeaders = "Name|Category|Kind|How long it stays|Set by",
        ConsentNeeded = "Only with your consent",
        AlwaysOn = "Always on (needed for the site to work)",
        CookieMaxLifetime = "Session cookies end when you close your browser; persistent cookies erase their data within {0}.",
        CookieSettings = "You can change your choices at any time with “{0}” at the foot of every page.",
        FirstParty = "us",
        ChildrenHeading = "Children",
        ChildrenDefault = "Our sites, products and services are not meant for children under {0}, unless we say otherwise.",
        ChildrenException = "In {0} the age is {1}.",
        SharingIntro = "We share personal information only as described here, and apply checks and controls before we do.",
        Receives = "What they receive:",
        ChecksBefore = "Checks before sharing:",
        TransfersHeading = "International transfers",
        TransferTo = "Transfers to {0}",
        TransferSafeguards = "Safeguards: {0}.",
        TransferAdequate = "The destination offers an adequate level of protection.",
        ControllersIntro = "The controller of your personal information is the company of our group in your country or region, unless another entity tells you it is the controller.",
        ControllerTableCaption = "Who is your controller",
        ControllerHeaders = "Where you are|Controller|Address|Contact",
        EverywhereElse = "Everywhere else",
        RepresentativesHeading = "Legal representatives",
        DpoHeading = "Data protection officer and privacy contacts",
        SecurityIntro = "We protect personal information with physical, administrative and technical safeguards.",
        RetentionHeading = "How long we keep personal information",
        RetentionIntro = "We keep personal information only as long as its purpose or a legal duty to keep it requires (for example audits, statutory retention, disputes and legal claims).",
        RetentionCaption = "Retention by purpose",
        RetentionHeaders = "Purpose|How long|At the end",
        RetentionEnd = "When we no longer need it, it is {0}.",
        RightsIntro = "You have the following rights over your personal information.",
        HowToExercise = "How:",
        Limitations = "Limits:",
        WhereOffered = "Applies in:",
        RequestsHeading = "Making a request",
        RequestCollects = "When you make a request we collect: {0}",
        RequestWhere = "Make a request at {0}.",
        VerificationHeading = "How we confirm it is you",
        PhotoIdDeleted = "If we ask for a copy of a photo identity document, we delete it as soon as your identity is confirmed.",
        StatusVisible = "You can check the status of your request for {0} after it is completed.",
        RecordsKept = "We keep records of requests for {0} after our last communication about them.",
        ComplaintsHeading = "Complaints",
        DisputeResolution = "Dispute resolution:",
        PrivacyCentreLinks = "In the privacy centre:",
        RightsPage = "Make or follow a rights request",
        PreferencesPage = "Your communication preferences",
        CookiesPage = "Cookie preferences",
        LegalBasesIntro = "The law lets us use personal information only on a legal basis. The table shows the basis of each purpose in each jurisdiction.",
        LegalBasesCaption = "Legal basis by purpose and jurisdiction",
        Purpose = "Purpose",
        NotApplicable = "—",
        LegitimateInterestsHeading = "Our legitimate interests",
        OptOutRegimes = "In {0} the law does not use legal bases: we tell you what we collect when we collect it, and you can opt out.",
        ThisVersion = "This is version {0} of the notice, effective from {1}.",
        LastReviewed = "The privacy team last reviewed it on {0}.",
        PreviousVersions = "Previous versions of this notice",
        NoAutomatedDecisions = "We do not make decisions about you based solely on automated processing.",
        ContactLine = "{0}: {1}",
    };

    public static NoticeStrings Chinese { get; } = new()
    {
        SectionHeadings = ["简介", "我们收集和使用的个人信息", "共享个人信息", "控制方和代表信息", "信息安全和保留时间", "您的权利", "法律依据", "隐私声明更新"],
        EffectiveFrom = "本隐私声明自 {0} 起生效。",
        Languages = "本声明提供英文和简体中文版本。",
        OtherLanguages = "本声明还提供以下语言版本：{0}。",
        Supplements = "针对特定产品、服务或地区，我们会通过补充隐私声明提供更多信息：",
        CollectIntro = "本节按业务活动说明我们收集哪些信息以及如何使用这些信息。",
        WhatWeCollect = "我们收集的信息：",
        WhoItConcerns = "涉及的人员：",
        WhereFrom = "信息来源：",
        LawfulSource = "从{0}处获取信息时，我们会先确认：{1}",
        WhyMayWe = "处理依据：",
        HowLong = "保留期限：",
        YourChoice = "您的选择：",
        ConsentVia = "我们通过{0}征求您的同意。{1}",
        ConsentValidity = "{0}后我们会再次征求您的同意。",
        Channels = "沟通渠道：{0}。",
        MustYouProvide = "您是否必须提供：",
        AutomatedDecisions = "自动化决策：",
        ProcessorRole = "在此情形下，我们代表企业客户处理信息，由客户决定如何使用这些信息并对此负责。",
        SharedWith = "信息接收方：",
        CookiesHeading = "Cookie 和类似技术",
        CookieCategoriesCaption = "Cookie 类别",
        CookieCategoryHeaders = "类别|用途|是否需要您的同意",
        CookieItemsCaption = "我们使用的 Cookie 和类似技术",
        CookieItemHeaders = "名称|类别|类型|保留时间|设置方",
        ConsentNeeded = "仅在您同意后使用",
        AlwaysOn = "始终启用（网站运行所必需）",
        CookieMaxLifetime = "会话 Cookie 在您关闭浏览器时失效；持久性 Cookie 会在 {0}内清除其数据。",
        CookieSettings = "您可以随时通过每个页面底部的“{0}”更改您的选择。",
        FirstParty = "我们",
        ChildrenHeading = "儿童",
        ChildrenDefault = "除非另有说明，我们的网站、产品和服务不面向未满 {0} 周岁的儿童。",
        ChildrenException = "在{0}，该年龄为 {1} 周岁。",
        SharingIntro = "我们仅按本节所述共享个人信息，并在共享前进行适当的检查和控制。",
        Receives = "接收的信息：",
        ChecksBefore = "共享前的检查：",
        TransfersHeading = "国际传输",
        TransferTo = "向{0}传输",
        TransferSafeguards = "保障措施：{0}。",
        TransferAdequate = "目的地能够提供充分的保护水平。",
        ControllersIntro = "除非其他实体告知您其为控制方，否则您个人信息的控制方是我们集团在您所在国家或地区的公司。",
        ControllerTableCaption = "您的个人信息控制方",
        ControllerHeaders = "您所在的地区|控制方|地址|联系方式",
        EverywhereElse = "其他所有地区",
        RepresentativesHeading = "法定代表",
        DpoHeading = "数据保护官和隐私联系人",
        SecurityIntro = "我们采取物理、管理和技术保护措施来保护个人信息。",
        RetentionHeading = "我们保留个人信息的时间",
        RetentionIntro = "我们仅在实现处理目的或履行法定保留义务（例如审计、法定留存、争议和法律索赔）所需的期间内保留个人信息。",
        RetentionCaption = "按处理目的列出的保留期限",
        RetentionHeaders = "处理目的|保留期限|期满后",
        RetentionEnd = "不再需要时，我们会将其{0}。",
        RightsIntro = "对于您的个人信息，您享有以下权利。",
        HowToExercise = "行使方式：",
        Limitations = "限制：",
        WhereOffered = "适用地区：",
        RequestsHeading = "提出请求",
        RequestCollects = "您提出请求时，我们会收集：{0}",
        RequestWhere = "请通过 {0} 提出请求。",
        VerificationHeading = "我们如何确认您的身份",
        PhotoIdDeleted = "如果我们要求您提供带照片的身份证件副本，我们会在确认您的身份后立即将其删除。",
        StatusVisible = "请求完成后 {0}内，您可以查询请求的状态。",
        RecordsKept = "我们会在就请求进行最后一次沟通后将请求记录保留 {0}。",
        ComplaintsHeading = "投诉",
        DisputeResolution = "争议解决：",
        PrivacyCentreLinks = "隐私中心：",
        RightsPage = "提出或跟进权利请求",
        PreferencesPage = "您的沟通首选项",
        CookiesPage = "Cookie 首选项",
        LegalBasesIntro = "法律仅允许我们在具备法律依据的情况下使用个人信息。下表列出了每项处理目的在各司法管辖区的法律依据。",
        LegalBasesCaption = "各处理目的在各司法管辖区的法律依据",
        Purpose = "处理目的",
        NotApplicable = "—",
        LegitimateInterestsHeading = "我们的合法利益",
        OptOutRegimes = "在{0}，法律不采用法律依据制度：我们在收集时告知您收集的内容，您可以选择退出。",
        ThisVersion = "这是本声明的第 {0} 版，自 {1} 起生效。",
        LastReviewed = "隐私团队最近一次审阅本声明的日期为 {0}。",
        PreviousVersions = "本声明的先前版本",
        NoAutomatedDecisions = "我们不会仅基于自动化处理对您作出决定。",
        ContactLine = "{0}：{1}",
    };
}
