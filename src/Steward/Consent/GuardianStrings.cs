using Steward.Web;

namespace Steward.Consent;

/// <summary>The texts of the page where a parent or guardian consents, or refuses, for a child.</summary>
internal sealed record GuardianStrings : ILocalised<GuardianStrings>
{
    public required string Title { get; init; }
    public required string Intro { get; init; }
    public required string AskedHeading { get; init; }
    public required string HowHeading { get; init; }
    public required string Confirm { get; init; }
    public required string Grant { get; init; }
    public required string Refuse { get; init; }
    public required string Withdrawal { get; init; }
    public required string GrantedTitle { get; init; }
    public required string GrantedText { get; init; }
    public required string RefusedTitle { get; init; }
    public required string RefusedText { get; init; }
    public required string LinkInvalidTitle { get; init; }
    public required string LinkInvalidText { get; init; }
    public required string FormExpired { get; init; }
    public required string NotRecordedTitle { get; init; }
    public required string NotRecordedText { get; init; }

    public static GuardianStrings English { get; } = new()
    {
        Title = "Consent by a parent or guardian",
        Intro = "We sent you this link because we were told you are the parent or guardian of a child who uses our services. The child is below the age at which they can consent themselves, so we ask for your decision on the following.",
        AskedHeading = "What we ask your consent for",
        HowHeading = "How a parent or guardian consents",
        Confirm = "By choosing below, you confirm that you are the child's parent or guardian.",
        Grant = "I consent on the child's behalf",
        Refuse = "I do not consent",
        Withdrawal = "You can withdraw your consent at any time. Withdrawing consent does not affect the lawfulness of processing carried out before you withdrew it.",
        GrantedTitle = "Your consent has been recorded",
        GrantedText = "We have recorded your consent on the child's behalf. You can withdraw it at any time.",
        RefusedTitle = "Your refusal has been recorded",
        RefusedText = "We have recorded that you do not consent. We will not use the child's personal information for what we asked.",
        LinkInvalidTitle = "This link does not work",
        LinkInvalidText = "The link is incomplete, has expired or was not issued by us. Contact us for a new link.",
        FormExpired = "The form has expired. Open the link again and make your choice once more.",
        NotRecordedTitle = "Your decision was not recorded",
        NotRecordedText = "Something went wrong on our side. Please try again in a few minutes.",
    };

    public static GuardianStrings Chinese { get; } = new()
    {
        Title = "监护人同意",
        Intro = "我们向您发送此链接，是因为我们获悉您是一名使用我们服务的儿童的父母或其他监护人。该儿童未达到可以自行作出同意的年龄，因此我们需要您就以下事项作出决定。",
        AskedHeading = "需要您同意的事项",
        HowHeading = "监护人同意的方式",
        Confirm = "您在下方作出选择，即表示确认您是该儿童的父母或其他监护人。",
        Grant = "我代表该儿童同意",
        Refuse = "我不同意",
        Withdrawal = "您可以随时撤回同意。撤回同意不影响撤回前基于您的同意已进行的个人信息处理活动的效力。",
        GrantedTitle = "您的同意已记录",
        GrantedText = "我们已记录您代表该儿童作出的同意。您可以随时撤回同意。",
        RefusedTitle = "您的拒绝已记录",
        RefusedText = "我们已记录您不同意。我们不会将该儿童的个人信息用于征求您同意的事项。",
        LinkInvalidTitle = "此链接无效",
        LinkInvalidText = "链接不完整、已过期或并非由我们发出。如需新的链接，请与我们联系。",
        FormExpired = "表单已过期。请重新打开链接，再次作出选择。",
        NotRecordedTitle = "未能记录您的决定",
        NotRecordedText = "我们的系统出现了问题，请几分钟后再试。",
    };
}
