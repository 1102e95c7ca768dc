using Steward.Web;

namespace Steward.Retention;

/// <summary>The texts of the console's legal-holds page.</summary>
internal sealed record HoldStrings : ILocalised<HoldStrings>
{
    public required string Title { get; init; }
    public required string Intro { get; init; }
    public required string None { get; init; }
    public required string InForceOnly { get; init; }
    public required string All { get; init; }
    public required string Covers { get; init; }
    public required string Person { get; init; }
    public required string Reason { get; init; }
    public required string Until { get; init; }
    public required string UntilReleased { get; init; }
    public required string Placed { get; init; }
    public required string Ended { get; init; }
    public required string Release { get; init; }
    public required string Add { get; init; }
    public required string AddIntro { get; init; }
    public required string Email { get; init; }
    public required string Collection { get; init; }
    public required string CollectionHint { get; init; }
    public required string ReasonHint { get; init; }
    public required string LastDay { get; init; }
    public required string AddButton { get; init; }
    public required string Added { get; init; }
    public required string Released { get; init; }
    public required string Problem { get; init; }
    public required string BackToConsole { get; init; }

    public static HoldStrings English { get; } = new()
    {
        Title = "Legal holds",
        Intro = "While a hold is in force, retention and erasure leave what it covers alone. A person whose erasure request meets a hold is told its reason.",
        None = "No holds.",
        InForceOnly = "In force",
        All = "All",
        Covers = "Covers",
        Person = "person",
        Reason = "Reason",
        Until = "Until",
        UntilReleased = "until released",
        Placed = "Placed",
        Ended = "Ended",
        Release = "Release",
        Add = "Place a hold",
        AddIntro = "Hold one person (by email address) or one collection of a connected database.",
        Email = "Email address",
        Collection = "Collection",
        CollectionHint = "CONNECTION:COLLECTION, for example shop-db:orders",
        ReasonHint = "The person may read this: write it for them.",
        LastDay = "Last day (optional)",
        AddButton = "Place hold",
        Added = "The hold is in force.",
        Released = "The hold was released.",
        Problem = "Nothing was changed:",
        BackToConsole = "Back to the console",
    };

    public static HoldStrings Chinese { get; } = new()
    {
        Title = "法律保全",
        Intro = "法律保全有效期间，其涵盖的数据不会因保存期限届满或删除请求而被删除。删除请求涉及被保全的数据时，我们会将保全原因告知本人。",
        None = "暂无法律保全。",
        InForceOnly = "有效",
        All = "全部",
        Covers = "涵盖",
        Person = "个人",
        Reason = "原因",
        Until = "截止",
        UntilReleased = "至解除为止",
        Placed = "设立",
        Ended = "已结束",
        Release = "解除",
        Add = "设立法律保全",
        AddIntro = "对一名个人（按电子邮件地址）或已连接数据库中的一个数据集合设立保全。",
        Email = "电子邮件地址",
        Collection = "数据集合",
        CollectionHint = "连接:集合，例如 shop-db:orders",
        ReasonHint = "本人可能会看到此原因，请以面向本人的措辞填写。",
        LastDay = "最后一日（可选）",
        AddButton = "设立",
        Added = "法律保全已生效。",
        Released = "法律保全已解除。",
        Problem = "未作任何更改：",
        BackToConsole = "返回控制台",
    };
}
