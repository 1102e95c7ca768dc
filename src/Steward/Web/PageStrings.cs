namespace Steward.Web;

/// <summary>The texts of the shared page layout and of the error pages.</summary>
internal sealed record PageStrings : ILocalised<PageStrings>
{
    public required string Brand { get; init; }
    public required string SkipToContent { get; init; }
    public required string LanguageNav { get; init; }
    public required string NotFoundTitle { get; init; }
    public required string NotFoundText { get; init; }
    public required string ErrorTitle { get; init; }
    public required string ErrorText { get; init; }
    public required string BackToNotice { get; init; }

    public static PageStrings English { get; } = new()
    {
        Brand = "Privacy centre",
        SkipToContent = "Skip to content",
        LanguageNav = "Language",
        NotFoundTitle = "Page not found",
        NotFoundText = "This page does not exist or is not available yet.",
        ErrorTitle = "This page cannot be shown",
        ErrorText = "Please try again later.",
        BackToNotice = "Back to the privacy notice",
    };

    public static PageStrings Chinese { get; } = new()
    {
        Brand = "隐私中心",
        SkipToContent = "跳到正文",
        LanguageNav = "语言",
        NotFoundTitle = "未找到页面",
        NotFoundText = "此页面不存在或尚未提供。",
        ErrorTitle = "无法显示此页面",
        ErrorText = "请稍后再试。",
        BackToNotice = "返回隐私声明",
    };
}
