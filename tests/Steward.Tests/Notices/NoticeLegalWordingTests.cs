using System.Text.RegularExpressions;
using Steward.Notices;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Tests.Policy;
using Steward.Web;

namespace Steward.Tests.Notices;

/// <summary>
/// Sentences of the bundled example's notice that were legally wrong once, each held to what is right: the notice
/// fits the company, uses each law's own terms and one glossary, and says what each law allows.
/// </summary>
public sealed partial class NoticeLegalWordingTests
{
    private static async Task<string> ExampleAsync(string lang, string? jurisdiction = null) =>
        NoticeText.Full(await NoticeText.HtmlAsync(PolicyFixture.ExamplePath, lang, jurisdiction));

    private static async Task<string> PurposeAsync(string key, string lang, string? jurisdiction = null) =>
        NoticeText.Purpose(await NoticeText.HtmlAsync(PolicyFixture.ExamplePath, lang, jurisdiction), key);

    private static NoticeStrings S(string lang) => Language.Pick(lang, NoticeStrings.English, NoticeStrings.Chinese);

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public async Task No_form_is_named_for_consent_to_data_that_comes_from_cameras_or_others(string lang)
    {
        var form = Vocabulary.Name(ConsentMechanism.Form, lang);
        var cameras = await PurposeAsync("video-surveillance", lang);
        Assert.DoesNotContain(form, cameras, StringComparison.Ordinal);
        Assert.Contains(S(lang).ConsentBeforeCollection, cameras, StringComparison.Ordinal);
        var sourcing = await PurposeAsync("talent-sourcing", lang);
        Assert.DoesNotContain(form, sourcing, StringComparison.Ordinal);
        Assert.Contains(S(lang).ConsentBeforeUse, sourcing, StringComparison.Ordinal);
        foreach (var mixed in new[] { "visitor-access", "business-contact-relationship", "client-contract-administration" })
            Assert.Contains(S(lang).ConsentOtherSources, await PurposeAsync(mixed, lang), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipl_provides_no_contract_basis_for_fraud_checks_disputes_or_a_sale_of_the_business()
    {
        var policy = PolicyCheck.Run(PolicyFixture.ExamplePath).Document!;
        foreach (var key in new[] { "fraud-and-credit-protection", "disputes-and-legal-claims", "corporate-transactions" })
        {
            Assert.DoesNotContain(LegalBasis.Contract, policy.Purposes[key].LegalBasesIn("cn-pipl"));
            Assert.DoesNotContain(Vocabulary.Name(LegalBasis.Contract, "zh-CN"), await PurposeAsync(key, "zh-CN", "cn-pipl"), StringComparison.Ordinal);
        }
        // Giving information to a buyer is giving it to another handler: asked for separately (PIPL Art. 23).
        Assert.Contains(S("zh-CN").ConsentSeparate, await PurposeAsync("corporate-transactions", "zh-CN", "cn-pipl"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public async Task Japan_and_singapore_read_as_consent_regimes_and_only_us_states_as_notice_and_opt_out(string lang)
    {
        var laws = JurisdictionCatalogue.Bundled;
        Assert.Equal(LawfulnessRule.PurposeAndConsent, laws.Find("jp-appi")!.LawfulnessRule);
        Assert.Equal(LawfulnessRule.ConsentWithExceptions, laws.Find("sg-pdpa")!.LawfulnessRule);
        Assert.All(laws.ByKey.Values.Where(j => j.LawfulnessRule == LawfulnessRule.NoticeAndOptOut), j => Assert.StartsWith("us-", j.Key, StringComparison.Ordinal));

        var text = await ExampleAsync(lang);
        string Place(string key) => Vocabulary.InProse(Vocabulary.Place(laws.Find(key)!, lang), lang);
        Assert.Contains(Language.Format(S(lang).Lawfulness[LawfulnessRule.PurposeAndConsent], Place("jp-appi")), text, StringComparison.Ordinal);
        Assert.Contains(Language.Format(S(lang).Lawfulness[LawfulnessRule.ConsentWithExceptions], Place("sg-pdpa")), text, StringComparison.Ordinal);
        var optOutWords = Language.Format(S(lang).Lawfulness[LawfulnessRule.NoticeAndOptOut], "§").Split('§')[1];
        var optOut = NoticeText.Lines(text).Single(l => l.Contains(optOutWords, StringComparison.Ordinal));
        Assert.Contains(Place("us-ca"), optOut, StringComparison.Ordinal);
        Assert.DoesNotContain(Place("jp-appi"), optOut, StringComparison.Ordinal);
        Assert.DoesNotContain(Place("sg-pdpa"), optOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "for money", "may also be a \"sale\"")]
    [InlineData("zh-CN", "为获取金钱", "也可能构成“出售”")]
    public async Task The_notice_does_not_claim_that_nothing_is_sold_when_ads_count_as_a_sale(string lang, string money, string sale)
    {
        var text = await ExampleAsync(lang);
        Assert.DoesNotContain(money, text, StringComparison.Ordinal);
        Assert.DoesNotMatch(lang == "en" ? "(?i)we do not sell" : "我们不会.{0,6}出售", text);
        Assert.Contains(sale, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "We process the personal information of a child under 16 only with the consent of a parent or guardian.", "12 in Brazil", "not meant for children")]
    [InlineData("zh-CN", "对于未满 16 周岁的儿童，我们仅在取得其父母或其他监护人的同意后处理其个人信息。", "在巴西为 12 周岁", "不面向未满")]
    public async Task Children_served_with_a_guardians_consent_are_not_excluded_and_brazil_counts_children_under_twelve(string lang, string guardian, string brazil, string excluded)
    {
        var text = await ExampleAsync(lang);
        Assert.Contains(guardian, text, StringComparison.Ordinal);
        Assert.Contains(brazil, text, StringComparison.Ordinal);
        Assert.DoesNotContain(excluded, text, StringComparison.Ordinal);
        Assert.Equal(12, JurisdictionCatalogue.Bundled.Find("br-lgpd")!.MinimumChildAge);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public async Task Camera_footage_does_not_come_from_your_device_and_security_logs_hold_no_password(string lang)
    {
        var policy = PolicyCheck.Run(PolicyFixture.ExamplePath).Document!;
        Assert.All(policy.Purposes["video-surveillance"].Sources, s => Assert.NotEqual("your-devices", s));
        Assert.DoesNotContain(policy.Sources["your-devices"].Name!.In(lang), await PurposeAsync("video-surveillance", lang), StringComparison.Ordinal);
        var security = await PurposeAsync("it-security", lang);
        foreach (var password in new[] { "user.authorization.credentials", "user.authorization.password" })
            Assert.DoesNotContain(policy.Taxonomy.DataCategories[password].Name.In(lang), security, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "delete")]
    [InlineData("zh-CN", "删除")]
    public async Task Secure_deletion_is_said_once_and_not_where_nothing_is_kept(string lang, string delete)
    {
        var text = await ExampleAsync(lang);
        Assert.Equal(1, Regex.Count(text, Regex.Escape(S(lang).RetentionWhere)));
        // The social media features keep nothing themselves: their retention says so, and says nothing of deleting.
        var social = await PurposeAsync("social-media-features", lang);
        var retention = NoticeText.Lines(social).Single(l => l.StartsWith(S(lang).HowLong, StringComparison.Ordinal));
        Assert.DoesNotContain(delete, retention, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "Example UK Ltd is the controller of your personal information.", "company in your country")]
    [InlineData("zh-CN", "示例英国有限公司是您个人信息的控制方。", "在您所在国家或地区的公司")]
    public async Task A_single_company_is_named_as_the_controller_not_as_a_company_of_a_group(string lang, string named, string group)
    {
        var single = PolicyFixture.Write(PolicyFixture.Minimal
            .Swap("  example-cn: { name: { en: Example Shanghai Co., zh-CN: 示例（上海）有限公司 }, country: CN, email: privacy-cn@example.test }\n", "")
            .Swap("  CN: example-cn\n", ""));
        var text = NoticeText.Full(await NoticeText.HtmlAsync(single, lang));
        Assert.Contains(named, text, StringComparison.Ordinal);
        Assert.DoesNotContain(group, text, StringComparison.Ordinal);
        // A group is described as one, and readers who pick their place see the company that is theirs.
        Assert.Contains(group, await ExampleAsync(lang), StringComparison.Ordinal);
        Assert.Contains(lang == "en" ? "For people in mainland China, the personal information handler of your personal information is Northwind Global Technologies (Shanghai) Co., Ltd."
            : "对于中国大陆的用户，您个人信息的个人信息处理者是北风环球科技（上海）有限公司。", await ExampleAsync(lang, "cn-pipl"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readers_under_pipl_see_its_terms_and_representatives_are_not_called_legal_representatives()
    {
        var china = await ExampleAsync("zh-CN", "cn-pipl");
        Assert.Contains("个人信息处理者", china, StringComparison.Ordinal);
        Assert.Contains(S("zh-CN").PiplOfficerHeading, china, StringComparison.Ordinal);
        Assert.DoesNotContain("控制方是", china, StringComparison.Ordinal);
        var all = await ExampleAsync("zh-CN");
        Assert.Contains(S("zh-CN").PiplTerms, all, StringComparison.Ordinal);
        Assert.Contains(S("zh-CN").RepresentativesHeading, all, StringComparison.Ordinal);
        Assert.DoesNotContain("法定代表", all, StringComparison.Ordinal);
        Assert.Equal("代表人", S("zh-CN").RepresentativesHeading);
    }

    [Fact]
    public async Task The_chinese_notice_keeps_to_one_glossary()
    {
        var text = await ExampleAsync("zh-CN");
        foreach (var (right, wrong) in new[] { ("合法权益", "合法利益"), ("控制方企业约束规则（BCR-C）", "控制者约束性企业规则"), ("隐私偏好中心", "首选项中心"), ("中国大陆", "受托处理方") })
        {
            Assert.Contains(right, text, StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, text, StringComparison.Ordinal);
        }
        // Mainland China, never China alone (Hong Kong, Macao and Taiwan have laws of their own).
        Assert.DoesNotMatch("中国(?!大陆)", text);
        Assert.Equal("中国大陆", Vocabulary.Country("CN", "zh-CN"));
    }
}
