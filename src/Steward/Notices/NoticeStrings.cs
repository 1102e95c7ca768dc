using Steward.Policy.Catalogue;
using Steward.Web;

namespace Steward.Notices;

/// <summary>
/// The fixed wording of the generated notice, in en and zh-CN; everything else comes from the policy. One glossary
/// for both: controller 控制方 (PIPL: personal information handler 个人信息处理者), legitimate interests 合法权益,
/// representative 代表人, Privacy Preference Centre 隐私偏好中心, Mainland China 中国大陆.
/// </summary>
internal sealed record NoticeStrings : ILocalised<NoticeStrings>
{
    public required string[] SectionHeadings { get; init; }
    public required string EffectiveFrom { get; init; }
    public required string ShownFor { get; init; }
    public required string Languages { get; init; }
    public required string OtherLanguages { get; init; }
    public required string Supplements { get; init; }
    public required string CollectIntro { get; init; }
    public required string BusinessClient { get; init; }
    public required string ProcessorRole { get; init; }
    public required string AppliesIn { get; init; }
    public required string WhatWeCollect { get; init; }
    public required string WhereFrom { get; init; }
    public required string LegalBasis { get; init; }
    public required string OurInterests { get; init; }
    public required string HowWeAsk { get; init; }
    public required string Withdraw { get; init; }
    public required string ConsentBeforeUse { get; init; }
    public required string ConsentBeforeCollection { get; init; }
    public required string ConsentOtherSources { get; init; }
    public required string ConsentForCookies { get; init; }
    public required string ConsentSeparate { get; init; }
    /// <summary>What separate consent means, said once in the part on legal bases.</summary>
    public required string SeparateConsentMeaning { get; init; }
    public required string ConsentRenewed { get; init; }
    public required string Unsubscribe { get; init; }
    public required string SharedWith { get; init; }
    public required string HowLong { get; init; }
    public required string ThenAnonymised { get; init; }
    public required string MustYouProvide { get; init; }
    public required string AutomatedDecisions { get; init; }
    public required string SensitiveInformation { get; init; }
    public required string SensitiveIncluded { get; init; }
    public required string SensitiveNecessity { get; init; }
    public required string SensitiveImpact { get; init; }
    public required string CookiesHeading { get; init; }
    public required string CookieCategoriesCaption { get; init; }
    public required string CookieCategoryHeaders { get; init; }
    public required string ConsentNeeded { get; init; }
    public required string AlwaysOn { get; init; }
    public required string CookieSettings { get; init; }
    public required string CookieMaxLifetime { get; init; }
    public required string CookiesMore { get; init; }
    public required string CookieItemsCaption { get; init; }
    public required string CookieItemHeaders { get; init; }
    public required string FirstParty { get; init; }
    public required string SdksHeading { get; init; }
    public required string SdksIntro { get; init; }
    public required string SdksList { get; init; }
    public required string SdksCaption { get; init; }
    public required string SdkHeaders { get; init; }
    public required string SdkWithConsent { get; init; }
    public required string SourcesHeading { get; init; }
    public required string SourcesIntro { get; init; }
    public required string SourcesList { get; init; }
    public required string ChildrenHeading { get; init; }
    public required string ChildrenNotServed { get; init; }
    public required string ChildrenWithGuardian { get; init; }
    public required string ChildrenAgeIn { get; init; }
    public required string ChildrenAges { get; init; }
    public required string SharingIntro { get; init; }
    public required string Receives { get; init; }
    public required string ProcessingMethod { get; init; }
    public required string Countries { get; init; }
    public required string ContactDetails { get; init; }
    public required string RightsAgainstThem { get; init; }
    public required string SharedContacts { get; init; }
    public required string StorageHeading { get; init; }
    public required string StoredIn { get; init; }
    public required string CopiesIn { get; init; }
    public required string StorageYours { get; init; }
    public required string StorageAll { get; init; }
    public required string StorageByPlace { get; init; }
    public required string EverywhereElse { get; init; }
    public required string TransfersHeading { get; init; }
    public required string TransfersIntro { get; init; }
    public required string TransferTo { get; init; }
    public required string Safeguards { get; init; }
    public required string TransferAdequate { get; init; }
    public required string Controller { get; init; }
    public required string PiplHandler { get; init; }
    public required string SingleController { get; init; }
    public required string YourController { get; init; }
    public required string GroupControllers { get; init; }
    public required string ControllerTableCaption { get; init; }
    public required string ControllerHeaders { get; init; }
    public required string PiplTerms { get; init; }
    public required string RepresentativesHeading { get; init; }
    public required string RepresentativesIntro { get; init; }
    public required string DpoHeading { get; init; }
    public required string PiplOfficerHeading { get; init; }
    public required string SecurityIntro { get; init; }
    public required string RetentionHeading { get; init; }
    public required string RetentionWhere { get; init; }
    public required string RightsIntro { get; init; }
    public required string HowToExercise { get; init; }
    public required string Limitations { get; init; }
    public required string NoAutomatedDecisions { get; init; }
    public required string RequestsHeading { get; init; }
    public required string RequestWhere { get; init; }
    public required string RequestCollects { get; init; }
    public required string VerificationHeading { get; init; }
    public required string StatusVisible { get; init; }
    public required string RecordsKept { get; init; }
    public required string RightsPage { get; init; }
    public required string PreferencesPage { get; init; }
    public required string CookiesPage { get; init; }
    public required string ComplaintsHeading { get; init; }
    public required string DisputeResolution { get; init; }
    public required string LegalBasesIntro { get; init; }
    /// <summary>What each legal basis means, after its name in the list of the bases relied on.</summary>
    public required IReadOnlyDictionary<Enum, string> BasisMeanings { get; init; }
    /// <summary>How a law without legal bases allows processing, for the places that law covers ({0}).</summary>
    public required IReadOnlyDictionary<Enum, string> Lawfulness { get; init; }
    public required string ThisVersion { get; init; }
    public required string LastReviewed { get; init; }
    public required string PreviousVersions { get; init; }
    public required string ContactLine { get; init; }

    public static NoticeStrings English { get; } = new()
    {
        SectionHeadings = ["Introduction", "Personal information we collect and use", "Sharing personal information", "Controllers and representatives",
            "Information security and retention", "Your rights", "Legal bases", "Updates to this privacy notice"],
        EffectiveFrom = "This privacy notice is effective from {0}.",
        ShownFor = "This page shows only what applies to people in {0}.",
        Languages = "This notice is available in English and Simplified Chinese (简体中文).",
        OtherLanguages = "This notice is available in English and Simplified Chinese (简体中文), and also in {0}.",
        Supplements = "Supplementary privacy notices add to this notice for particular products, services or regions:",
        CollectIntro = "This part describes, activity by activity, what we collect and why.",
        BusinessClient = "our business client",
        ProcessorRole = "We process this information on behalf of {0}, which decides how it is used. Its privacy notice applies: please send your requests to it.",
        AppliesIn = "Applies in:",
        WhatWeCollect = "What we collect:",
        WhereFrom = "Where it comes from:",
        LegalBasis = "Legal basis:",
        OurInterests = "Our legitimate interests:",
        HowWeAsk = "How we ask for consent:",
        Withdraw = "To withdraw it:",
        ConsentBeforeUse = "we ask you before we use the information",
        ConsentBeforeCollection = "we ask you before we collect the information",
        ConsentOtherSources = "for information from others, we ask before we use it",
        ConsentForCookies = "{0}, for {1} cookies",
        ConsentSeparate = "separate consent",
        SeparateConsentMeaning = "Where we ask for separate consent, we ask for it for that purpose alone, apart from any other consent or terms.",
        ConsentRenewed = "asked again every {0}",
        Unsubscribe = "How to unsubscribe:",
        SharedWith = "Who receives it:",
        HowLong = "How long we keep it:",
        ThenAnonymised = "then anonymised",
        MustYouProvide = "Do you have to provide it?",
        AutomatedDecisions = "Automated decisions:",
        SensitiveInformation = "Sensitive personal information:",
        SensitiveIncluded = "some of this information is sensitive",
        SensitiveNecessity = "Why it is necessary:",
        SensitiveImpact = "How it affects you:",
        CookiesHeading = "Cookies and similar technologies",
        CookieCategoriesCaption = "Categories of cookies",
        CookieCategoryHeaders = "Category|What it does|Your consent",
        ConsentNeeded = "Only with your consent",
        AlwaysOn = "Always on (needed for the service to work)",
        CookieSettings = "You can change your choices at any time with “{0}” at the foot of every page.",
        CookieMaxLifetime = "Session cookies end when you close your browser; persistent cookies erase their data within {0}.",
        CookiesMore = "More about cookies, and the ones we use",
        CookieItemsCaption = "Cookies and similar technologies we use",
        CookieItemHeaders = "Name|Category|What it is for|How long it stays|Set by",
        FirstParty = "us",
        SdksHeading = "Software development kits in our apps",
        SdksIntro = "Our apps include software development kits (SDKs) from other companies, which collect information themselves. Those that need your consent run only once you have given it.",
        SdksList = "The SDKs in our apps",
        SdksCaption = "Software development kits",
        SdkHeaders = "SDK (provider)|What it is for|What it collects|Your consent|Provider's privacy policy",
        SdkWithConsent = "Only with your consent ({0})",
        SourcesHeading = "Where information comes from",
        SourcesIntro = "We also receive information from other sources, and check each of them before we use what it gives us.",
        SourcesList = "Our other sources, and what we check before we use what they give us",
        ChildrenHeading = "Children",
        ChildrenNotServed = "Unless we say otherwise, our sites, products and services are not meant for children under {0}.",
        ChildrenWithGuardian = "We process the personal information of a child under {0} only with the consent of a parent or guardian.",
        ChildrenAgeIn = "{1} in {0}",
        ChildrenAges = "Where the law sets another age, that age applies: {0}.",
        SharingIntro = "We share personal information only as described here, and apply checks and controls before we do.",
        Receives = "What they receive:",
        ProcessingMethod = "How they process it:",
        Countries = "Where they process it:",
        ContactDetails = "Contact:",
        RightsAgainstThem = "Exercising your rights with them:",
        SharedContacts = "Recipients that share a contact and a way to exercise your rights with them:",
        StorageHeading = "Where we store personal information",
        StoredIn = "stored in {0}",
        CopiesIn = ", with a copy in {0}",
        StorageYours = "Your personal information is {0}",
        StorageAll = "Personal information is {0}",
        StorageByPlace = "Where we store personal information depends on where you are:",
        EverywhereElse = "everywhere else",
        TransfersHeading = "International transfers",
        TransfersIntro = "When personal information goes to another country, we protect it with the safeguards the law of the place it comes from recognises.",
        TransferTo = "Transfers to {0}",
        Safeguards = "Safeguards:",
        TransferAdequate = "The destination offers an adequate level of protection.",
        Controller = "controller",
        PiplHandler = "personal information handler",
        SingleController = "{1} is the {0} of your personal information.",
        YourController = "For people in {0}, the {1} of your personal information is {2}.",
        GroupControllers = "The {0} of your personal information is the {1} company in your country or region shown below, unless another {1} company tells you that it is the {0} for a particular interaction.",
        ControllerTableCaption = "Who is your {0}",
        ControllerHeaders = "Where you are|{0}|Contact",
        PiplTerms = "China's Personal Information Protection Law calls the controller the “personal information handler”.",
        RepresentativesHeading = "Representatives",
        RepresentativesIntro = "Where the law asks a company established outside a region to name a representative there, we have named these:",
        DpoHeading = "Data protection officer and privacy contacts",
        PiplOfficerHeading = "Personal information protection officer and privacy contacts",
        SecurityIntro = "We protect personal information with physical, administrative and technical safeguards.",
        RetentionHeading = "How long we keep personal information",
        RetentionWhere = "How long we keep the information of each purpose is given with the purpose, under “Personal information we collect and use”. At the end of that time we delete it securely, or anonymise it where the purpose says so.",
        RightsIntro = "You have the rights below over your personal information; each says how to exercise it. The law may limit them: if we cannot do what you ask, we tell you why.",
        HowToExercise = "How:",
        Limitations = "Limits:",
        NoAutomatedDecisions = "We do not make decisions about you based solely on automated processing.",
        RequestsHeading = "Making a request",
        RequestWhere = "Make a request at {0}.",
        RequestCollects = "When you make a request we collect: {0}",
        VerificationHeading = "How we confirm it is you",
        StatusVisible = "You can check the status of your request for {0} after it is completed.",
        RecordsKept = "We keep records of requests for {0} after our last communication about them.",
        RightsPage = "Make or follow a rights request",
        PreferencesPage = "Privacy Preference Centre",
        CookiesPage = "Cookie preferences",
        ComplaintsHeading = "Complaints",
        DisputeResolution = "Dispute resolution:",
        LegalBasesIntro = "In {0}, the law lets us use personal information only on a legal basis. The basis of each purpose is given with the purpose; these are the bases we rely on:",
        BasisMeanings = new Dictionary<Enum, string>
        {
            [Policy.Model.LegalBasis.Consent] = "you have agreed to the processing, and can withdraw your consent at any time.",
            [Policy.Model.LegalBasis.Contract] = "we need it to enter into or carry out a contract with you, or to take steps you ask for before one.",
            [Policy.Model.LegalBasis.LegalObligation] = "a law we are subject to requires it.",
            [Policy.Model.LegalBasis.VitalInterests] = "it is needed to protect your life or health, or someone else's.",
            [Policy.Model.LegalBasis.PublicTask] = "it is needed for a task carried out in the public interest.",
            [Policy.Model.LegalBasis.LegitimateInterests] = "it is needed for our legitimate interests, or those of others, which your interests and rights do not override; you can object.",
            [Policy.Model.LegalBasis.CreditProtection] = "processing to protect credit, which Brazil's LGPD allows.",
            [Policy.Model.LegalBasis.LegalClaims] = "it is needed to exercise or defend rights in court, administrative or arbitration proceedings.",
            [Policy.Model.LegalBasis.HumanResources] = "it is needed to manage human resources under lawful employment rules or a collective contract.",
            [Policy.Model.LegalBasis.PublicHealth] = "it is needed to respond to a public-health emergency, or to protect people's life, health or property in an emergency.",
            [Policy.Model.LegalBasis.NewsReporting] = "news reporting or public-opinion supervision in the public interest, within reasonable limits.",
            [Policy.Model.LegalBasis.PubliclyAvailable] = "information you made public, or that was otherwise lawfully made public, used within reasonable limits.",
            [Policy.Model.LegalBasis.NoticeAndOptOut] = "we tell you at collection what we collect and why, and you can opt out.",
        },
        Lawfulness = new Dictionary<Enum, string>
        {
            [LawfulnessRule.ConsentWithExceptions] = "In {0}, we collect, use and disclose your personal information with your consent (which may be implied or deemed where the law allows), or without it where the law makes an exception.",
            [LawfulnessRule.PurposeAndConsent] = "In {0}, we use your personal information only for the purposes we have told you of. Unless the law makes an exception, we ask for your consent before we acquire sensitive information, use information for another purpose, give it to a third party or send it abroad.",
            [LawfulnessRule.NoticeAndOptOut] = "In {0}, the law does not ask for a legal basis for each use. We tell you at collection what we collect and why, and you have the right to opt out of the sale or sharing of your personal information and of targeted advertising.",
        },
        ThisVersion = "This is version {0} of the notice, effective from {1}.",
        LastReviewed = "The privacy team last reviewed it on {0}.",
        PreviousVersions = "Previous versions of this notice",
        ContactLine = "{0}: {1}",
    };

    public static NoticeStrings Chinese { get; } = new()
    {
        SectionHeadings = ["简介", "我们收集和使用的个人信息", "共享个人信息", "控制方和代表信息", "信息安全和保留时间", "您的权利", "法律依据", "隐私声明更新"],
        EffectiveFrom = "本隐私声明自 {0}起生效。",
        ShownFor = "本页仅显示适用于{0}的内容。",
        Languages = "本声明提供英文和简体中文版本。",
        OtherLanguages = "本声明提供英文和简体中文版本，另有{0}版本。",
        Supplements = "针对特定产品、服务或地区，我们会通过补充隐私声明提供更多信息：",
        CollectIntro = "本节按业务活动说明我们收集哪些信息以及为何收集。",
        BusinessClient = "我们的企业客户",
        ProcessorRole = "我们代表{0}处理这些信息，由其决定如何使用。这些信息适用其隐私声明，请向其提出您的请求。",
        AppliesIn = "适用地区：",
        WhatWeCollect = "个人信息：",
        WhereFrom = "信息来源：",
        LegalBasis = "法律依据：",
        OurInterests = "合法权益：",
        HowWeAsk = "同意方式：",
        Withdraw = "撤回同意：",
        ConsentBeforeUse = "在使用这些信息前征求您的同意",
        ConsentBeforeCollection = "在收集这些信息前征求您的同意",
        ConsentOtherSources = "其他来源的信息在使用前征求",
        ConsentForCookies = "{0}（{1} Cookie）",
        ConsentSeparate = "单独同意",
        SeparateConsentMeaning = "标明“单独同意”的，我们就该目的单独征求您的同意，不与其他同意或条款捆绑。",
        ConsentRenewed = "每 {0}重新征求一次",
        Unsubscribe = "如何退订：",
        SharedWith = "接收方：",
        HowLong = "保留期限：",
        ThenAnonymised = "届时进行匿名化处理",
        MustYouProvide = "是否必须提供：",
        AutomatedDecisions = "自动化决策：",
        SensitiveInformation = "敏感个人信息：",
        SensitiveIncluded = "上述信息中包含敏感个人信息",
        SensitiveNecessity = "处理的必要性：",
        SensitiveImpact = "对您权益的影响：",
        CookiesHeading = "Cookie 和类似技术",
        CookieCategoriesCaption = "Cookie 类别",
        CookieCategoryHeaders = "类别|用途|是否需要您的同意",
        ConsentNeeded = "仅在您同意后使用",
        AlwaysOn = "始终启用（服务运行所必需）",
        CookieSettings = "您可以随时通过每个页面底部的“{0}”更改您的选择。",
        CookieMaxLifetime = "会话 Cookie 在您关闭浏览器时失效；持久性 Cookie 会在 {0}内清除其数据。",
        CookiesMore = "关于 Cookie 的更多信息及我们使用的 Cookie",
        CookieItemsCaption = "我们使用的 Cookie 和类似技术",
        CookieItemHeaders = "名称|类别|用途|保留时间|设置方",
        FirstParty = "我们",
        SdksHeading = "我们应用中的第三方软件开发工具包",
        SdksIntro = "我们的应用中嵌入了其他公司提供的软件开发工具包（SDK），这些 SDK 会自行收集信息。需要您同意的 SDK 仅在您同意后运行。",
        SdksList = "我们应用中的 SDK",
        SdksCaption = "软件开发工具包",
        SdkHeaders = "SDK（提供方）|用途|收集的信息|是否需要您的同意|提供方的隐私政策",
        SdkWithConsent = "仅在您同意后使用（{0}）",
        SourcesHeading = "信息来源",
        SourcesIntro = "我们还从其他来源获取信息，并在使用前对每个来源进行核实。",
        SourcesList = "其他信息来源，以及我们在使用前核实的内容",
        ChildrenHeading = "儿童",
        ChildrenNotServed = "除非另有说明，我们的网站、产品和服务不面向未满 {0} 周岁的儿童。",
        ChildrenWithGuardian = "对于未满 {0} 周岁的儿童，我们仅在取得其父母或其他监护人的同意后处理其个人信息。",
        ChildrenAgeIn = "在{0}为 {1} 周岁",
        ChildrenAges = "法律另有规定的，适用该年龄：{0}。",
        SharingIntro = "我们仅按本节所述共享个人信息，并在共享前进行适当的检查和控制。",
        Receives = "接收的信息：",
        ProcessingMethod = "处理方式：",
        Countries = "处理地点：",
        ContactDetails = "联系方式：",
        RightsAgainstThem = "向其行使权利：",
        SharedContacts = "以下接收方共用同一联系方式和行使权利的方式：",
        StorageHeading = "存储地点",
        StoredIn = "存储在{0}",
        CopiesIn = "，并在{0}存有副本",
        StorageYours = "您的个人信息{0}",
        StorageAll = "个人信息{0}",
        StorageByPlace = "个人信息的存储地点取决于您所在的地区：",
        EverywhereElse = "其他地区",
        TransfersHeading = "国际传输",
        TransfersIntro = "个人信息被传输到其他国家或地区时，我们会采取信息来源地法律认可的保障措施加以保护。",
        TransferTo = "向{0}传输",
        Safeguards = "保障措施：",
        TransferAdequate = "目的地能够提供充分的保护水平。",
        Controller = "控制方",
        PiplHandler = "个人信息处理者",
        SingleController = "{1}是您个人信息的{0}。",
        YourController = "对于{0}的用户，您个人信息的{1}是{2}。",
        GroupControllers = "您个人信息的{0}是下表所列的、{1}在您所在国家或地区的公司，除非{1}的其他公司告知您其为某项特定互动的{0}。",
        ControllerTableCaption = "您个人信息的{0}",
        ControllerHeaders = "您所在的地区|{0}|联系方式",
        PiplTerms = "《个人信息保护法》将控制方称为“个人信息处理者”。",
        RepresentativesHeading = "代表人",
        RepresentativesIntro = "法律要求在某一地区以外设立的公司在当地指定代表人的，我们已指定以下代表人：",
        DpoHeading = "数据保护官和隐私联系人",
        PiplOfficerHeading = "个人信息保护负责人和隐私联系人",
        SecurityIntro = "我们采取物理、管理和技术保护措施来保护个人信息。",
        RetentionHeading = "我们保留个人信息的时间",
        RetentionWhere = "每项处理目的的保留期限列于“我们收集和使用的个人信息”中该目的之下。期限届满后，我们会安全删除这些信息；注明匿名化处理的，我们会将其匿名化。",
        RightsIntro = "对于您的个人信息，您享有以下权利，各项权利下说明了行使方式。这些权利可能受到法律的限制；如我们无法满足您的请求，会告诉您原因。",
        HowToExercise = "行使方式：",
        Limitations = "限制：",
        NoAutomatedDecisions = "我们不会仅基于自动化处理对您作出决定。",
        RequestsHeading = "提出请求",
        RequestWhere = "请通过 {0} 提出请求。",
        RequestCollects = "您提出请求时，我们会收集：{0}",
        VerificationHeading = "我们如何确认您的身份",
        StatusVisible = "请求完成后 {0}内，您可以查询请求的状态。",
        RecordsKept = "我们会在就请求进行最后一次沟通后将请求记录保留 {0}。",
        RightsPage = "提出或跟进权利请求",
        PreferencesPage = "隐私偏好中心",
        CookiesPage = "Cookie 首选项",
        ComplaintsHeading = "投诉",
        DisputeResolution = "争议解决：",
        LegalBasesIntro = "在{0}，法律仅允许我们在具备法律依据时处理个人信息。各处理目的的法律依据列于该目的之下；我们依赖的法律依据包括：",
        BasisMeanings = new Dictionary<Enum, string>
        {
            [Policy.Model.LegalBasis.Consent] = "您已同意该处理，并可随时撤回同意。",
            [Policy.Model.LegalBasis.Contract] = "为订立或履行与您的合同，或应您的要求在订立合同前采取措施所必需。",
            [Policy.Model.LegalBasis.LegalObligation] = "法律要求我们进行该处理。",
            [Policy.Model.LegalBasis.VitalInterests] = "为保护您或他人的生命健康所必需。",
            [Policy.Model.LegalBasis.PublicTask] = "为执行符合公共利益的任务所必需。",
            [Policy.Model.LegalBasis.LegitimateInterests] = "为实现我们或他人的合法权益所必需，且您的权益和权利并不优先于这些合法权益；您可以提出反对。",
            [Policy.Model.LegalBasis.CreditProtection] = "为信用保护而处理，巴西《通用数据保护法》允许此类处理。",
            [Policy.Model.LegalBasis.LegalClaims] = "为在司法、行政或仲裁程序中行使或维护权利所必需。",
            [Policy.Model.LegalBasis.HumanResources] = "按照依法制定的劳动规章制度和集体合同实施人力资源管理所必需。",
            [Policy.Model.LegalBasis.PublicHealth] = "为应对突发公共卫生事件，或者在紧急情况下为保护自然人的生命健康和财产安全所必需。",
            [Policy.Model.LegalBasis.NewsReporting] = "为公共利益实施新闻报道、舆论监督等行为，在合理的范围内处理。",
            [Policy.Model.LegalBasis.PubliclyAvailable] = "在合理的范围内处理您自行公开或者其他已经合法公开的个人信息。",
            [Policy.Model.LegalBasis.NoticeAndOptOut] = "我们在收集时告知您收集的内容和目的，您可以选择退出。",
        },
        Lawfulness = new Dictionary<Enum, string>
        {
            [LawfulnessRule.ConsentWithExceptions] = "在{0}，我们在征得您的同意（在法律允许时，也可以是默示或视为作出的同意）后，或在法律规定无需同意的例外情形下，收集、使用和披露您的个人信息。",
            [LawfulnessRule.PurposeAndConsent] = "在{0}，我们仅在已告知您的利用目的范围内使用您的个人信息。除法律规定的例外情形外，在取得敏感信息、超出该范围使用、向第三方提供或向境外提供您的个人信息前，我们会征得您的同意。",
            [LawfulnessRule.NoticeAndOptOut] = "在{0}，法律不要求每项处理都具备法律依据。我们在收集时告知您收集的内容和目的；对于个人信息的出售或共享以及定向广告，您有权选择退出。",
        },
        ThisVersion = "这是本声明的第 {0} 版，自 {1}起生效。",
        LastReviewed = "隐私团队最近一次审阅本声明的日期为 {0}。",
        PreviousVersions = "本声明的先前版本",
        ContactLine = "{0}：{1}",
    };
}
