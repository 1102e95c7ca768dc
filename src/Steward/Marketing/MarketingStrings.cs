using Steward.Web;

namespace Steward.Marketing;

/// <summary>The texts of the unsubscribe and preference-centre pages.</summary>
internal sealed record MarketingStrings : ILocalised<MarketingStrings>
{
    public required string UnsubscribeTitle { get; init; }
    /// <summary>{0}: the channel's name.</summary>
    public required string ChannelLine { get; init; }
    public required string UnsubscribeIntro { get; init; }
    public required string UnsubscribeButton { get; init; }
    public required string UnsubscribedTitle { get; init; }
    public required string UnsubscribedText { get; init; }
    public required string LinkInvalidTitle { get; init; }
    public required string LinkInvalidText { get; init; }
    public required string NotRecordedTitle { get; init; }
    public required string NotRecordedText { get; init; }
    public required string PreferencesTitle { get; init; }
    public required string PreferencesIntro { get; init; }
    public required string ChannelsHeading { get; init; }
    public required string PurposesHeading { get; init; }
    public required string Yes { get; init; }
    public required string No { get; init; }
    public required string NotChosenYet { get; init; }
    public required string Save { get; init; }
    public required string Saved { get; init; }
    public required string NothingChanged { get; init; }
    public required string FormExpired { get; init; }
    public required string NothingToChoose { get; init; }
    public required string ChildCannotConsent { get; init; }

    public static MarketingStrings English { get; } = new()
    {
        UnsubscribeTitle = "Unsubscribe",
        ChannelLine = "Channel: {0}",
        UnsubscribeIntro = "Select Unsubscribe and we will stop sending you marketing through this channel. Your choices for other channels stay as they are.",
        UnsubscribeButton = "Unsubscribe",
        UnsubscribedTitle = "You are unsubscribed",
        UnsubscribedText = "We have recorded your choice and will send you no more marketing through this channel. Your choices for other channels are unchanged.",
        LinkInvalidTitle = "This link does not work",
        LinkInvalidText = "The link is incomplete, has expired or was not issued by us. Use the link in the latest message we sent you, or contact us.",
        NotRecordedTitle = "Your choice was not recorded",
        NotRecordedText = "Something went wrong on our side. Please try again in a few minutes.",
        PreferencesTitle = "Your choices",
        PreferencesIntro = "Choose how we may contact you for marketing and what we may use your information for. You can change these choices at any time. Withdrawing consent does not affect the lawfulness of processing carried out before you withdrew it.",
        ChannelsHeading = "How we may send you marketing",
        PurposesHeading = "What we may use your information for",
        Yes = "Yes",
        No = "No",
        NotChosenYet = "You have not chosen yet.",
        Save = "Save my choices",
        Saved = "Your choices have been saved.",
        NothingChanged = "Nothing was changed: your choices were already as shown.",
        FormExpired = "The form has expired. Open the link again and save your choices once more.",
        NothingToChoose = "There is nothing for you to choose here at the moment.",
        ChildCannotConsent = "You are below the age at which you can give consent yourself, so a parent or guardian must give it for you. Nothing was saved. You can still say no to anything listed.",
    };

    public static MarketingStrings Chinese { get; } = new()
    {
        UnsubscribeTitle = "退订",
        ChannelLine = "渠道：{0}",
        UnsubscribeIntro = "点击“退订”后，我们将不再通过此渠道向您发送营销信息。您对其他渠道的选择保持不变。",
        UnsubscribeButton = "退订",
        UnsubscribedTitle = "您已退订",
        UnsubscribedText = "我们已记录您的选择，今后不再通过此渠道向您发送营销信息。您对其他渠道的选择保持不变。",
        LinkInvalidTitle = "此链接无效",
        LinkInvalidText = "链接不完整、已过期或并非由我们发出。请使用我们最近发给您的消息中的链接，或与我们联系。",
        NotRecordedTitle = "未能记录您的选择",
        NotRecordedText = "我们的系统出现了问题，请几分钟后再试。",
        PreferencesTitle = "您的选择",
        PreferencesIntro = "请选择我们可以通过哪些方式向您发送营销信息，以及可以将您的个人信息用于哪些目的。您可以随时更改这些选择。撤回同意不影响撤回前基于您的同意已进行的个人信息处理活动的效力。",
        ChannelsHeading = "我们可以通过哪些方式向您发送营销信息",
        PurposesHeading = "我们可以将您的个人信息用于哪些目的",
        Yes = "同意",
        No = "不同意",
        NotChosenYet = "您尚未作出选择。",
        Save = "保存我的选择",
        Saved = "您的选择已保存。",
        NothingChanged = "未作任何更改：您的选择与页面所示一致。",
        FormExpired = "表单已过期。请重新打开链接，再次保存您的选择。",
        NothingToChoose = "目前没有需要您选择的事项。",
        ChildCannotConsent = "您未达到可以自行作出同意的年龄，须由您的父母或其他监护人代为同意。您的选择未保存。您仍可以对所列任何事项选择“不同意”。",
    };
}
