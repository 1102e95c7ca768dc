using Steward.Web;

namespace Steward.Notices;

/// <summary>The texts around the notice on the privacy centre's pages: versions, banners, footer.</summary>
internal sealed record PrivacyPageStrings : ILocalised<PrivacyPageStrings>
{
    public required string Contents { get; init; }
    public required string VersionsTitle { get; init; }
    public required string VersionColumn { get; init; }
    public required string EffectiveColumn { get; init; }
    public required string SummaryColumn { get; init; }
    public required string VersionLabel { get; init; }
    public required string InForce { get; init; }
    public required string SignificantChange { get; init; }
    public required string BackToNotice { get; init; }
    public required string UpdatedOn { get; init; }
    public required string SeePrevious { get; init; }
    public required string OldVersion { get; init; }
    public required string ReadCurrent { get; init; }
    public required string NothingPublished { get; init; }
    public required string NotFoundTitle { get; init; }
    public required string NoSuchVersion { get; init; }
    public required string AllVersions { get; init; }
    public required string FooterNav { get; init; }
    public required string Notice { get; init; }
    public required string Rights { get; init; }
    public required string Preferences { get; init; }
    public required string Cookies { get; init; }
    public required string SeeChanges { get; init; }
    public required string ChangesFrom { get; init; }
    public required string NoChanges { get; init; }
    public required string JurisdictionLabel { get; init; }
    public required string AllJurisdictions { get; init; }
    public required string Show { get; init; }

    public static PrivacyPageStrings English { get; } = new()
    {
        Contents = "Contents",
        VersionsTitle = "Versions of the privacy notice",
        VersionColumn = "Version",
        EffectiveColumn = "Effective from",
        SummaryColumn = "What changed",
        VersionLabel = "Version {0}",
        InForce = "(in force)",
        SignificantChange = "significant change",
        BackToNotice = "Back to the privacy notice",
        UpdatedOn = "We updated this privacy notice on {0}.",
        SeePrevious = "See previous versions.",
        OldVersion = "You are reading version {0}, effective from {1}; it is no longer in force.",
        ReadCurrent = "Read the current notice.",
        NothingPublished = "No privacy notice has been published yet.",
        NotFoundTitle = "Not found",
        NoSuchVersion = "There is no version {0} of the privacy notice.",
        AllVersions = "All versions",
        FooterNav = "Privacy centre",
        Notice = "Privacy notice",
        Rights = "Your rights",
        Preferences = "Privacy Preference Centre",
        Cookies = "Cookie preferences",
        SeeChanges = "See what changed.",
        ChangesFrom = "What changed since version {0}",
        NoChanges = "The content is the same as the previous version; only its wording or dates changed.",
        JurisdictionLabel = "Show what applies in",
        AllJurisdictions = "All places",
        Show = "Show",
    };

    public static PrivacyPageStrings Chinese { get; } = new()
    {
        Contents = "目录",
        VersionsTitle = "隐私声明的各个版本",
        VersionColumn = "版本",
        EffectiveColumn = "生效日期",
        SummaryColumn = "变更内容",
        VersionLabel = "第 {0} 版",
        InForce = "（现行版本）",
        SignificantChange = "重大变更",
        BackToNotice = "返回隐私声明",
        UpdatedOn = "我们已于 {0}更新本隐私声明。",
        SeePrevious = "查看先前版本。",
        OldVersion = "您正在阅读第 {0} 版（自 {1}起生效），该版本已不再适用。",
        ReadCurrent = "阅读现行版本。",
        NothingPublished = "尚未发布隐私声明。",
        NotFoundTitle = "未找到",
        NoSuchVersion = "隐私声明没有第 {0} 版。",
        AllVersions = "全部版本",
        FooterNav = "隐私中心",
        Notice = "隐私声明",
        Rights = "您的权利",
        Preferences = "隐私偏好中心",
        Cookies = "Cookie 首选项",
        SeeChanges = "查看变更内容。",
        ChangesFrom = "自第 {0} 版以来的变更",
        NoChanges = "内容与上一版本相同，仅措辞或日期有所变化。",
        JurisdictionLabel = "显示适用于以下地区的内容",
        AllJurisdictions = "所有地区",
        Show = "显示",
    };
}
