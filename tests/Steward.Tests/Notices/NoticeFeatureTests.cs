using Steward.Notices;
using Steward.Tests.Policy;

namespace Steward.Tests.Notices;

/// <summary>
/// Every part of a policy reaches its notice, said once and in both languages: separate and guardian consent,
/// sensitive information, processors' clients, recipients' contacts, where data is stored, safeguards by origin,
/// SDKs apart from cookies, and the consent sentence that fits where the data comes from.
/// </summary>
public sealed class NoticeFeatureTests
{
    /// <summary>The minimal policy with one of each: the features the notice has to say.</summary>
    internal static readonly string Features = PolicyFixture.Minimal
        .Swap("sources:\n  from-you: { kind: first-party, name: { en: you, zh-CN: 您本人 } }\n", """
            sources:
              from-you: { kind: first-party, name: { en: you, zh-CN: 您本人 } }
              premises: { kind: observed, name: { en: Our cameras, zh-CN: 我们的摄像头 } }
              brokers:
                kind: third-party
                name: { en: List brokers, zh-CN: 名单提供商 }
                lawful_source_attestation: { en: The broker had your consent to pass your details on., zh-CN: 提供商已取得您同意转交您信息的授权。 }

            """)
        .Swap("purposes:\n", """
            purposes:
              health-check:
                name: { en: Wellbeing check, zh-CN: 健康申报 }
                description: { en: We record a health declaration before events., zh-CN: 活动前我们记录您的健康申报。 }
                activity: accounts
                uses: [essential.service]
                data_categories: [user.health_and_medical]
                subjects: [customer]
                sources: [from-you]
                legal_basis: { default: consent }
                consent: { mechanism: form, separate: true, withdrawal: { en: Tell the organiser., zh-CN: 告诉组织者即可。 } }
                provision_requirement: { en: Up to you; without it you cannot attend., zh-CN: 由您决定；如不提供，您将无法参加活动。 }
                sensitive:
                  necessity: { en: Needed to keep other attendees safe., zh-CN: 为保障其他参加者的安全所必需。 }
                  impact: { en: Only the organiser sees it; a leak could reveal your health., zh-CN: 仅组织者可以查看；一旦泄露可能暴露您的健康状况。 }
                retention: { period: P30D, criteria: { en: after the event, zh-CN: 自活动结束之日起 } }
              client-files:
                name: { en: Files our clients store, zh-CN: 客户存储的文件 }
                description: { en: Clients keep files in our service., zh-CN: 客户在我们的服务中保存文件。 }
                activity: accounts
                role: processor
                client: { en: the company that gave you access, zh-CN: 为您开通访问权限的公司 }
                uses: [essential.service]
                data_categories: [user.content.private]
                subjects: [customer]
                retention: { criteria: { en: for as long as the client decides, zh-CN: 由客户决定 } }
              cameras:
                name: { en: Cameras, zh-CN: 安防监控 }
                description: { en: Cameras record our entrance., zh-CN: 摄像头记录我们的入口。 }
                activity: accounts
                uses: [essential.service.security]
                data_categories: [user.sensor]
                subjects: [visitor]
                sources: [premises]
                legal_basis: { default: consent }
                consent: { mechanism: form, withdrawal: { en: Tell reception., zh-CN: 告知前台即可。 } }
                retention: { period: P30D, criteria: { en: after recording, zh-CN: 自录制之日起 } }
              leads:
                name: { en: Leads, zh-CN: 销售线索 }
                description: { en: We contact people a broker names., zh-CN: 我们联系名单提供商提供的人员。 }
                activity: marketing
                uses: [marketing.communications]
                data_categories: [user.name]
                subjects: [prospect]
                sources: [brokers]
                jurisdictions: [cn-pipl]
                legal_basis: { default: consent }
                consent: { mechanism: form, separate: true, withdrawal: { en: Reply stop., zh-CN: 回复“退订”即可。 } }
                retention: { period: P1Y, criteria: { en: after our last contact, zh-CN: 自最后一次联系之日起 } }
                recipients: [partner]
                transfers: [to-partner]
              events:
                name: { en: Event sign-ups, zh-CN: 活动报名 }
                description: { en: We register you for events., zh-CN: 我们为您报名参加活动。 }
                activity: marketing
                uses: [marketing.communications]
                data_categories: [user.name]
                subjects: [prospect]
                sources: [from-you, brokers]
                legal_basis: { default: consent }
                consent: { mechanism: form, withdrawal: { en: Cancel your place., zh-CN: 取消报名即可。 } }
                provision_requirement: { en: Needed to register you., zh-CN: 报名必须提供。 }
                retention: { period: P1Y, criteria: { en: after the event, zh-CN: 自活动结束之日起 } }

            """)
        .Swap("recipients:\n", """
            recipients:
              partner:
                kind: partner
                name: { en: Partner Co, zh-CN: 合作伙伴公司 }
                receives: [user.name]
                countries: [SG]
                email: privacy@partner.example
                url: https://partner.example/privacy
                address: { en: "1 Partner Road, Singapore", zh-CN: 新加坡合作伙伴路 1 号 }
                processing_method: { en: Stores your name to send you its offers., zh-CN: 存储您的姓名并向您发送其优惠信息。 }
                exercise_rights: { en: Write to its privacy team., zh-CN: 致函其隐私团队。 }

            """)
        .Swap("    safeguards: [eu-scc, uk-idta, pipl-standard-contract]\n", """
                safeguards: [eu-scc, uk-idta, pipl-standard-contract]
                safeguards_by_origin: { eu-gdpr: [bcr-c] }
              to-partner:
                destination: SG
                recipients: [partner]
                from: [cn-pipl]
                safeguards: [pipl-standard-contract]
              backup-copy:
                destination: DE
                recipients: [hosting]
                from: [cn-pipl]
                safeguards: [pipl-standard-contract]
              uk-storage:
                destination: GB
                recipients: [hosting]
                from: [eu-gdpr]
                safeguards: [adequacy]

            """)
        .Swap("children: { default_minimum_age: 16 }", """
            children:
              default_minimum_age: 16
              minimum_age: { cn-pipl: 14 }
              guardian_consent: { en: The parent confirms by email., zh-CN: 由父母通过电子邮件确认。 }
            """)
        + """
            cookies:
              categories:
                analytics: { name: { en: Analytics, zh-CN: 分析类 }, description: { en: Measures use., zh-CN: 统计使用情况。 } }
              items:
                ex_aid: { category: analytics, lifetime: P6M, purpose: { en: Tells visits apart., zh-CN: 区分不同的访问。 } }
            sdks:
              maps:
                name: MapKit Pro
                provider: { en: Cartograph Inc., zh-CN: Cartograph 公司 }
                purpose: { en: Shows the nearest store on a map., zh-CN: 在地图上显示最近的门店。 }
                data_categories: [user.location]
                privacy_policy: https://cartograph.example/privacy
                category: analytics
                platforms: [Android, iOS]
            storage:
              cn-pipl: { countries: [CN], copies: [DE] }
              default: { countries: [GB] }
            """;

    private static async Task<string> TextAsync(string lang, string? jurisdiction = null) =>
        NoticeText.Full(await NoticeText.HtmlAsync(PolicyFixture.Write(Features), lang, jurisdiction));

    private static async Task<string> PurposeAsync(string key, string lang) =>
        NoticeText.Purpose(await NoticeText.HtmlAsync(PolicyFixture.Write(Features), lang), key);

    [Fact]
    public void The_fixture_is_a_valid_policy() =>
        Assert.True(Steward.Policy.PolicyCheck.Run(PolicyFixture.Write(Features)).IsValid);

    [Theory]
    [InlineData("en", "separate consent", "Why it is necessary: Needed to keep other attendees safe.", "How it affects you: Only the organiser sees it")]
    [InlineData("zh-CN", "单独同意", "处理的必要性： 为保障其他参加者的安全所必需。", "对您权益的影响： 仅组织者可以查看")]
    public async Task Sensitive_information_is_asked_for_separately_with_its_necessity_and_its_impact(string lang, string separate, string necessity, string impact)
    {
        var text = await PurposeAsync("health-check", lang);
        Assert.Contains(separate, text, StringComparison.Ordinal);
        Assert.Contains(necessity, text, StringComparison.Ordinal);
        Assert.Contains(impact, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "We process this information on behalf of the company that gave you access", "Legal basis:")]
    [InlineData("zh-CN", "我们代表为您开通访问权限的公司处理这些信息", "法律依据：")]
    public async Task A_processor_purpose_says_on_whose_behalf_and_whose_notice_applies_not_a_legal_basis_of_ours(string lang, string behalf, string basis)
    {
        var text = await PurposeAsync("client-files", lang);
        Assert.Contains(behalf, text, StringComparison.Ordinal);
        Assert.DoesNotContain(basis, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public async Task Consent_is_asked_in_words_that_fit_the_mechanism_and_where_the_data_comes_from(string lang)
    {
        var s = Steward.Web.Language.Pick(lang, NoticeStrings.English, NoticeStrings.Chinese);
        var form = Vocabulary.Name(Steward.Policy.Model.ConsentMechanism.Form, lang);
        // Given on a form by the person: the form.
        Assert.Contains(form, await PurposeAsync("health-check", lang), StringComparison.Ordinal);
        // Recorded by our cameras: before we record, no form.
        var cameras = await PurposeAsync("cameras", lang);
        Assert.Contains(s.ConsentBeforeCollection, cameras, StringComparison.Ordinal);
        Assert.DoesNotContain(form, cameras, StringComparison.Ordinal);
        // From a broker: before we use it, no form.
        var leads = await PurposeAsync("leads", lang);
        Assert.Contains(s.ConsentBeforeUse, leads, StringComparison.Ordinal);
        Assert.DoesNotContain(form, leads, StringComparison.Ordinal);
        // Both: the form for what the person gives, before use for the rest.
        var events = await PurposeAsync("events", lang);
        Assert.Contains(form, events, StringComparison.Ordinal);
        Assert.Contains(s.ConsentOtherSources, events, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "We process the personal information of a child under 16 only with the consent of a parent or guardian. The parent confirms by email.", "not meant for children")]
    [InlineData("zh-CN", "对于未满 16 周岁的儿童，我们仅在取得其父母或其他监护人的同意后处理其个人信息。由父母通过电子邮件确认。", "不面向未满")]
    public async Task Children_served_with_a_guardians_consent_are_not_said_to_be_excluded(string lang, string guardian, string excluded)
    {
        var text = await TextAsync(lang);
        Assert.Contains(guardian, text, StringComparison.Ordinal);
        Assert.DoesNotContain(excluded, text, StringComparison.Ordinal);
        // Without a guardian's consent the services are not meant for such children.
        var without = NoticeText.Full(await NoticeText.HtmlAsync(PolicyFixture.MinimalPath, lang));
        Assert.Contains(excluded, without, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "Partner Co", "How they process it: Stores your name to send you its offers.", "Where they process it: Singapore", "Contact: 1 Partner Road, Singapore; privacy@partner.example; https://partner.example/privacy", "Exercising your rights with them: Write to its privacy team.")]
    [InlineData("zh-CN", "合作伙伴公司", "处理方式： 存储您的姓名并向您发送其优惠信息。", "处理地点： 新加坡", "联系方式： 新加坡合作伙伴路 1 号；privacy@partner.example；https://partner.example/privacy", "向其行使权利： 致函其隐私团队。")]
    public async Task A_recipient_that_handles_data_itself_is_named_with_its_contact_method_places_and_how_to_exercise_rights(string lang, params string[] expected)
    {
        var html = await NoticeText.HtmlAsync(PolicyFixture.Write(Features), lang);
        var text = NoticeText.Full(html);
        foreach (var e in expected) Assert.Contains(e, text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"mailto:privacy@partner.example\">privacy@partner.example</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://partner.example/privacy\">https://partner.example/privacy</a>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "Your personal information is stored in mainland China, with a copy in Germany.", "Everywhere else: stored in the United Kingdom.")]
    [InlineData("zh-CN", "您的个人信息存储在中国大陆，并在德国存有副本。", "其他地区：存储在英国。")]
    public async Task Where_data_is_stored_is_said_for_the_readers_place(string lang, string forChina, string elsewhere)
    {
        Assert.Contains(forChina, await TextAsync(lang, "cn-pipl"), StringComparison.Ordinal);
        var all = await TextAsync(lang);
        Assert.Contains(elsewhere, all, StringComparison.Ordinal);
        Assert.DoesNotContain(forChina, all, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "the PIPL standard contract", "binding corporate rules for controllers (BCR-C)", "EU standard contractual clauses")]
    [InlineData("zh-CN", "个人信息出境标准合同", "控制方企业约束规则（BCR-C）", "欧盟标准合同条款")]
    public async Task A_transfer_shows_the_safeguard_of_the_readers_origin(string lang, string pipl, string bcr, string scc)
    {
        // Data from mainland China leaves under the one safeguard of the list that PIPL recognises.
        var china = await TextAsync(lang, "cn-pipl");
        Assert.Contains(pipl, china, StringComparison.Ordinal);
        Assert.DoesNotContain(scc, china, StringComparison.Ordinal);
        // Data from the EU leaves under the safeguard the policy names for it.
        var europe = await TextAsync(lang, "eu-gdpr");
        Assert.Contains(bcr, europe, StringComparison.Ordinal);
        Assert.DoesNotContain(scc, europe, StringComparison.Ordinal);
        Assert.DoesNotContain(pipl, europe, StringComparison.Ordinal);
        var all = await TextAsync(lang);
        foreach (var safeguard in new[] { pipl, bcr, scc }) Assert.Contains(safeguard, all, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "MapKit Pro (Cartograph Inc.; Android and iOS)", "Shows the nearest store on a map.", "Only with your consent (Analytics)")]
    [InlineData("zh-CN", "MapKit Pro（Cartograph 公司；Android 和 iOS）", "在地图上显示最近的门店。", "仅在您同意后使用（分析类）")]
    public async Task Sdks_have_their_own_part_apart_from_cookies_with_provider_purpose_data_consent_and_policy(string lang, string name, string purpose, string consent)
    {
        var html = await NoticeText.HtmlAsync(PolicyFixture.Write(Features), lang);
        var sdks = html[html.IndexOf("<h3 id=\"sdks\">", StringComparison.Ordinal)..];
        sdks = NoticeText.Full("<article>" + sdks[..sdks.IndexOf("</table>", StringComparison.Ordinal)] + "</article>");
        foreach (var e in new[] { name, purpose, consent, "https://cartograph.example/privacy" }) Assert.Contains(e, sdks, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://cartograph.example/privacy\">", html, StringComparison.Ordinal);
        // The cookie table lists cookies, each with what it is for.
        var cookies = html[html.IndexOf("<caption>", html.IndexOf("id=\"cookie-details\"", StringComparison.Ordinal), StringComparison.Ordinal)..];
        cookies = cookies[..cookies.IndexOf("</table>", StringComparison.Ordinal)];
        Assert.DoesNotContain("MapKit", cookies, StringComparison.Ordinal);
        Assert.Matches(lang == "en" ? "ex_aid.*Tells visits apart\\." : "ex_aid.*区分不同的访问。", NoticeText.Full("<article>" + cookies + "</article>").Replace("\n", " ", StringComparison.Ordinal));
    }
}
