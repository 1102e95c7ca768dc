using Steward.Notices;
using Steward.Policy;

namespace Steward.Tests.Policy;

/// <summary>The diff says in words, in both languages, how the fields of what the law asks changed.</summary>
public sealed class LawFieldsDiffTests
{
    private static List<PolicyChange> Diff(string newer, string lang = "en")
    {
        var older = PolicyCheck.Run(PolicyFixture.MinimalPath);
        var changed = PolicyFixture.Check(newer);
        Assert.True(changed.IsValid, string.Join('\n', changed.Diagnostics));
        return PolicyDiff.Compare(older.Document!, changed.Document!, lang);
    }

    private static void Says(List<PolicyChange> changes, string text) =>
        Assert.True(changes.Any(c => c.Text.Contains(text, StringComparison.Ordinal)), $"'{text}' not in:\n{string.Join('\n', changes.Select(c => c.Text))}");

    [Fact]
    public void Where_a_purpose_applies_and_its_list_of_bases()
    {
        var changes = Diff(PolicyFixture.Minimal.Swap("legal_basis: { default: contract }",
            "jurisdictions: [eu-gdpr, uk-gdpr, cn-pipl]\n    legal_basis: { default: contract, cn-pipl: [contract, legal-obligation] }"));
        Says(changes, "“Running your account” no longer applies in California (CCPA/CPRA).");
        Says(changes, "the legal basis in Mainland China (PIPL) changed from performing a contract with you to performing a contract with you and a legal obligation");
        // The basis where the purpose stopped applying is not reported as a change of basis as well.
        Assert.DoesNotContain(changes, c => c.Text.Contains("California (CCPA/CPRA) changed", StringComparison.Ordinal));
    }

    [Fact]
    public void Separate_consent_and_sensitive_information()
    {
        var newer = PolicyFixture.Minimal
            .Swap("    data_categories: [user.contact.email]\n", "    data_categories: [user.contact.email, user.location.precise]\n")
            .Swap("      mechanism: double-opt-in\n", "      mechanism: double-opt-in\n      separate: true\n")
            .Swap("    marketing_channels: [email]\n", "    marketing_channels: [email]\n    sensitive: { necessity: { en: For local news., zh-CN: 用于本地新闻。 }, impact: { en: It shows where you are., zh-CN: 会显示您的位置。 } }\n");
        var en = Diff(newer);
        Says(en, "“Newsletter”: consent is now asked separately, on its own.");
        Says(en, "“Newsletter” now processes sensitive personal information: Precise Subject Location.");
        var zh = Diff(newer, "zh-CN");
        Says(zh, "“新闻通讯”：现单独征求您的同意。");
        Says(zh, "“新闻通讯”新增处理敏感个人信息：精确位置。");
    }

    private const string Hosting = "receives: [user.name, user.contact.email] }";
    private const string HostingAbroad = "receives: [user.name, user.contact.email], countries: [US], email: privacy@hosting.test, "
        + "processing_method: { en: It hosts our servers., zh-CN: 托管我们的服务器。 }, exercise_rights: { en: Ask us., zh-CN: 请联系我们。 } }";
    private const string Sdk = "sdks:\n  push: { name: PushKit, provider: { en: Push Co., zh-CN: 推送公司 }, purpose: { en: Notifications, zh-CN: 通知 }, "
        + "data_categories: [user.device.device_id], privacy_policy: \"https://push.test/privacy\" }\n";

    // A transfer worldwide reaches wherever the data is stored.
    private static string WithHostingAbroad(string storage, string sdks) => PolicyFixture.Minimal
        .Swap(Hosting, HostingAbroad)
        .Swap("destination: US", "destination: worldwide")
        .Swap("    safeguards: [eu-scc, uk-idta, pipl-standard-contract]\n",
            "    safeguards: [eu-scc, uk-idta]\n    safeguards_by_origin: { cn-pipl: [pipl-standard-contract, pipl-certification] }\n")
        + storage + sdks;

    [Fact]
    public void Storage_sdks_recipients_countries_and_safeguards_per_origin()
    {
        var first = WithHostingAbroad("storage:\n  cn-pipl: { countries: [CN] }\n  default: { countries: [GB], copies: [IE] }\n", Sdk);
        var en = Diff(first);
        Says(en, "“Our hosting provider” now also processes the data in the United States.");
        Says(en, "“countries worldwide” for data from Mainland China (PIPL) is now also covered by personal information protection certification.");
        Says(en, "Transfer “to-us” now goes to “countries worldwide” instead of “United States”.");
        Says(en, "Mainland China (PIPL): personal information is stored in mainland China.");
        Says(en, "Everywhere else: personal information is stored in the United Kingdom (copies in Ireland).");
        Says(en, "New SDK in our apps: “PushKit”.");

        var second = WithHostingAbroad("storage:\n  default: { countries: [DE] }\n", "");
        var zh = PolicyDiff.Compare(PolicyFixture.Check(first).Document!, PolicyFixture.Check(second).Document!, "zh-CN");
        Says(zh, "中国大陆（《个人信息保护法》）：不再说明个人信息的存储地点。");
        Says(zh, "其他地区：个人信息的存储地点由英国（副本存放于爱尔兰）变更为德国。");
        Says(zh, "我们的应用已移除 SDK“PushKit”。");
    }
}
