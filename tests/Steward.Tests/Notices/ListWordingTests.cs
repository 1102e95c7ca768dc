using Steward.Notices;

namespace Steward.Tests.Notices;

/// <summary>Lists in sentences stay readable when an item holds a conjunction of its own.</summary>
public sealed class ListWordingTests
{
    [Theory]
    [InlineData("en", "names, emails and phone numbers", "names", "emails", "phone numbers")]
    [InlineData("zh-CN", "姓名、电子邮件地址和电话号码", "姓名", "电子邮件地址", "电话号码")]
    [InlineData("en", "purchase and membership records, and unique identifiers", "purchase and membership records", "unique identifiers")]
    [InlineData("zh-CN", "购买和会员记录、唯一标识符", "购买和会员记录", "唯一标识符")]
    [InlineData("zh-CN", "履行与您的合同所必需、履行法定义务", "履行与您的合同所必需", "履行法定义务")]
    public void An_item_with_its_own_conjunction_does_not_blur_the_list(string lang, string expected, params string[] items) =>
        Assert.Equal(expected, Vocabulary.List(items, lang));
}
