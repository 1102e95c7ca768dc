using Steward.Web;

namespace Steward.Notices;

/// <summary>The sentences that say what changed between two policy versions, in en and zh-CN.</summary>
internal sealed record DiffStrings : ILocalised<DiffStrings>
{
    public required string JurisdictionAdded { get; init; }
    public required string JurisdictionRemoved { get; init; }
    public required string PurposeAdded { get; init; }
    public required string PurposeRemoved { get; init; }
    public required string CollectsAdded { get; init; }
    public required string CollectsRemoved { get; init; }
    public required string SharedAdded { get; init; }
    public required string SharedRemoved { get; init; }
    public required string TransferredAdded { get; init; }
    public required string TransferredRemoved { get; init; }
    public required string BasisChanged { get; init; }
    public required string RetentionChanged { get; init; }
    public required string ConsentChanged { get; init; }
    public required string NoConsent { get; init; }
    public required string RecipientAdded { get; init; }
    public required string RecipientRemoved { get; init; }
    public required string RecipientKindChanged { get; init; }
    public required string ReceivesAdded { get; init; }
    public required string ReceivesRemoved { get; init; }
    public required string TransferAdded { get; init; }
    public required string TransferRemoved { get; init; }
    public required string TransferDestinationChanged { get; init; }
    public required string SafeguardAdded { get; init; }
    public required string SafeguardRemoved { get; init; }
    public required string CategoryAdded { get; init; }
    public required string CategoryRemoved { get; init; }
    public required string RightAdded { get; init; }
    public required string RightRemoved { get; init; }
    public required string ControllerAdded { get; init; }
    public required string ControllerRemoved { get; init; }
    public required string ControllerChanged { get; init; }
    public required string MinimumAgeChanged { get; init; }
    public required string AppliesAdded { get; init; }
    public required string AppliesRemoved { get; init; }
    public required string SeparateConsentAdded { get; init; }
    public required string SeparateConsentRemoved { get; init; }
    public required string SensitiveAdded { get; init; }
    public required string SensitiveRemoved { get; init; }
    public required string SensitiveExplanationChanged { get; init; }
    public required string CountriesAdded { get; init; }
    public required string CountriesRemoved { get; init; }
    /// <summary>A transfer's name for the data of one origin: {0} the transfer, {1} the law.</summary>
    public required string ForOrigin { get; init; }
    public required string SdkAdded { get; init; }
    public required string SdkRemoved { get; init; }
    public required string StorageAdded { get; init; }
    public required string StorageRemoved { get; init; }
    public required string StorageChanged { get; init; }
    /// <summary>Whose data a 'default' storage entry is about.</summary>
    public required string StorageElsewhere { get; init; }
    /// <summary>Appended to the storage countries: {0} where copies are kept.</summary>
    public required string StorageCopies { get; init; }

    public static DiffStrings English { get; } = new()
    {
        JurisdictionAdded = "Now also applies in {0}.",
        JurisdictionRemoved = "No longer applies in {0}.",
        PurposeAdded = "New purpose {0}: {1}.",
        PurposeRemoved = "Purpose {0} was removed.",
        CollectsAdded = "{0} now also collects {1}.",
        CollectsRemoved = "{0} no longer collects {1}.",
        SharedAdded = "{0} is now also shared with {1}.",
        SharedRemoved = "{0} is no longer shared with {1}.",
        TransferredAdded = "{0} is now also transferred to {1}.",
        TransferredRemoved = "{0} is no longer transferred to {1}.",
        BasisChanged = "{0}: the legal basis in {1} changed from {2} to {3}.",
        RetentionChanged = "{0}: retention changed from {1} to {2}.",
        ConsentChanged = "{0}: consent is now asked through {1}.",
        NoConsent = "(no consent)",
        RecipientAdded = "New recipient {0}.",
        RecipientRemoved = "Removed recipient {0}.",
        RecipientKindChanged = "{0} is now listed as {1}.",
        ReceivesAdded = "{0} now also receives {1}.",
        ReceivesRemoved = "{0} no longer receives {1}.",
        TransferAdded = "New transfer to {0}.",
        TransferRemoved = "Removed transfer to {0}.",
        TransferDestinationChanged = "Transfer {0} now goes to {1} instead of {2}.",
        SafeguardAdded = "{0} is now also covered by {1}.",
        SafeguardRemoved = "{0} is no longer covered by {1}.",
        CategoryAdded = "New custom data category {0}.",
        CategoryRemoved = "Removed custom data category {0}.",
        RightAdded = "New right {0}.",
        RightRemoved = "Removed right {0}.",
        ControllerAdded = "New controller for {0}.",
        ControllerRemoved = "Removed controller for {0}.",
        ControllerChanged = "The controller for {0} changed from {1} to {2}.",
        MinimumAgeChanged = "The minimum age changed from {0} to {1}.",
        AppliesAdded = "{0} now also applies in {1}.",
        AppliesRemoved = "{0} no longer applies in {1}.",
        SeparateConsentAdded = "{0}: consent is now asked separately, on its own.",
        SeparateConsentRemoved = "{0}: consent is no longer asked separately.",
        SensitiveAdded = "{0} now processes sensitive personal information: {1}.",
        SensitiveRemoved = "{0} no longer processes sensitive personal information: {1}.",
        SensitiveExplanationChanged = "{0}: why it needs sensitive personal information, or how that affects you, was reworded.",
        CountriesAdded = "{0} now also processes the data in {1}.",
        CountriesRemoved = "{0} no longer processes the data in {1}.",
        ForOrigin = "{0} for data from {1}",
        SdkAdded = "New SDK in our apps: {0}.",
        SdkRemoved = "SDK {0} was removed from our apps.",
        StorageAdded = "{0}: personal information is stored in {1}.",
        StorageRemoved = "{0}: where personal information is stored is no longer stated.",
        StorageChanged = "{0}: personal information is now stored in {1} instead of {2}.",
        StorageElsewhere = "Everywhere else",
        StorageCopies = " (copies in {0})",
    };

    public static DiffStrings Chinese { get; } = new()
    {
        JurisdictionAdded = "新增适用地区：{0}。",
        JurisdictionRemoved = "不再适用于：{0}。",
        PurposeAdded = "新增处理目的{0}：{1}。",
        PurposeRemoved = "删除了处理目的{0}。",
        CollectsAdded = "{0}新增收集{1}。",
        CollectsRemoved = "{0}不再收集{1}。",
        SharedAdded = "{0}新增共享给{1}。",
        SharedRemoved = "{0}不再共享给{1}。",
        TransferredAdded = "{0}新增传输至{1}。",
        TransferredRemoved = "{0}不再传输至{1}。",
        BasisChanged = "{0}：{1}的法律依据由{2}变更为{3}。",
        RetentionChanged = "{0}：保留期限由{1}变更为{2}。",
        ConsentChanged = "{0}：现在通过{1}征求同意。",
        NoConsent = "（不再征求同意）",
        RecipientAdded = "新增接收方{0}。",
        RecipientRemoved = "删除了接收方{0}。",
        RecipientKindChanged = "{0}现归类为{1}。",
        ReceivesAdded = "{0}新增接收{1}。",
        ReceivesRemoved = "{0}不再接收{1}。",
        TransferAdded = "新增向以下地区的传输：{0}。",
        TransferRemoved = "删除了向以下地区的传输：{0}。",
        TransferDestinationChanged = "传输{0}的目的地由{2}变更为{1}。",
        SafeguardAdded = "{0}新增保障措施{1}。",
        SafeguardRemoved = "{0}不再采用保障措施{1}。",
        CategoryAdded = "新增自定义个人信息类别{0}。",
        CategoryRemoved = "删除了自定义个人信息类别{0}。",
        RightAdded = "新增权利{0}。",
        RightRemoved = "删除了权利{0}。",
        ControllerAdded = "新增控制方：{0}。",
        ControllerRemoved = "删除了控制方：{0}。",
        ControllerChanged = "{0} 的控制方由 {1} 变更为 {2}。",
        MinimumAgeChanged = "最低年龄由 {0} 周岁变更为 {1} 周岁。",
        AppliesAdded = "{0}新增适用于{1}。",
        AppliesRemoved = "{0}不再适用于{1}。",
        SeparateConsentAdded = "{0}：现单独征求您的同意。",
        SeparateConsentRemoved = "{0}：不再单独征求同意。",
        SensitiveAdded = "{0}新增处理敏感个人信息：{1}。",
        SensitiveRemoved = "{0}不再处理敏感个人信息：{1}。",
        SensitiveExplanationChanged = "{0}：关于处理敏感个人信息的必要性及对您权益影响的说明有所修改。",
        CountriesAdded = "{0}新增在{1}处理数据。",
        CountriesRemoved = "{0}不再在{1}处理数据。",
        ForOrigin = "{0}（来自{1}的数据）",
        SdkAdded = "我们的应用新增 SDK：{0}。",
        SdkRemoved = "我们的应用已移除 SDK{0}。",
        StorageAdded = "{0}：个人信息存储于{1}。",
        StorageRemoved = "{0}：不再说明个人信息的存储地点。",
        StorageChanged = "{0}：个人信息的存储地点由{2}变更为{1}。",
        StorageElsewhere = "其他地区",
        StorageCopies = "（副本存放于{0}）",
    };
}
