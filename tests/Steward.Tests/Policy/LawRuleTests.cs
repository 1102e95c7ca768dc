using Steward.Policy;
using Steward.Policy.Catalogue;
using static Steward.Tests.Policy.PolicyRuleTests;

namespace Steward.Tests.Policy;

/// <summary>
/// The rules that say what a law asks beyond the common ones: where a purpose applies, lists of bases, separate
/// consent and sensitive information (PIPL), recipients' details and countries, per-origin safeguards, storage, SDKs,
/// processor purposes. Each has a failing example on the minimal policy, located at the line to fix.
/// </summary>
public sealed class LawRuleTests
{
    private const string NewsletterConsent = "    consent:\n      mechanism: double-opt-in";
    private const string NewsletterChannels = "    marketing_channels: [email]\n";
    private const string AccountBasis = "legal_basis: { default: contract }";
    private const string RecipientsSection = "recipients:\n  hosting:";
    private const string ToUsSafeguards = "    safeguards: [eu-scc, uk-idta, pipl-standard-contract]\n";

    /// <summary>A partner with everything PIPL asks to say about it, so that only the rule under test speaks.</summary>
    private const string DescribedPartner =
        "  agency: { kind: partner, name: { en: Agency, zh-CN: 代理商 }, receives: [user.contact.email], email: privacy@agency.test, "
        + "processing_method: { en: It sends our mail., zh-CN: 其代发我们的邮件。 }, exercise_rights: { en: Write to it., zh-CN: 请直接联系对方。 } }\n";

    private static string NewsletterWith(string yaml, string lines) => yaml.Swap(NewsletterChannels, NewsletterChannels + lines);

    public static readonly Dictionary<string, RuleCase> Cases = new()
    {
        ["separate consent: another handler"] = new(PolicyCodes.SeparateConsentRequired,
            y => NewsletterWith(y, "    recipients: [agency]\n").Swap(RecipientsSection, "recipients:\n" + DescribedPartner + "  hosting:"),
            NewsletterConsent, "sharing with another handler (agency; Art. 23)"),
        ["separate consent: transfer abroad"] = new(PolicyCodes.SeparateConsentRequired,
            y => NewsletterWith(y, "    transfers: [to-us]\n"), NewsletterConsent, "transfer abroad (to-us; Art. 39)"),
        ["separate consent: publication"] = new(PolicyCodes.SeparateConsentRequired,
            y => NewsletterWith(y, "    recipients: [readers]\n").Swap(RecipientsSection, "recipients:\n  readers: { kind: public, name: { en: Readers, zh-CN: 读者 } }\n  hosting:"),
            NewsletterConsent, "publication (readers; Art. 25)"),
        ["separate consent: sensitive information"] = new(PolicyCodes.SeparateConsentRequired,
            y => y.Swap("    data_categories: [user.contact.email]\n", "    data_categories: [user.contact.email, user.location.precise]\n"),
            NewsletterConsent, "sensitive information (user.location.precise; Art. 29)"),
        ["basis where the purpose does not apply"] = new(PolicyCodes.BasisWherePurposeDoesNotApply,
            y => y.Swap(AccountBasis, "jurisdictions: [cn-pipl]\n    legal_basis: { default: contract, eu-gdpr: contract }"),
            "legal_basis: { default: contract, eu-gdpr", "applies only in cn-pipl"),
        ["purpose in a jurisdiction out of scope"] = new(PolicyCodes.UnknownJurisdiction,
            y => y.Swap(AccountBasis, "jurisdictions: [cn-pipl, br-lgpd]\n    " + AccountBasis), "jurisdictions: [cn-pipl, br-lgpd]", "not in scope"),
        ["processor purpose with a legal basis"] = new(PolicyCodes.ProcessorWithLegalBasis,
            y => y.Swap("legal_basis: { default: consent }", "role: processor\n    client: { en: Our clients, zh-CN: 我们的客户 }\n    legal_basis: { default: consent }"),
            "legal_basis: { default: consent }", "rests on the client's instructions"),
        ["processor purpose without a client"] = new(PolicyCodes.MissingField,
            y => y.Swap(AccountBasis, "role: processor"), "role: processor", "needs 'client'"),
        ["provision requirement unstated"] = new(PolicyCodes.ProvisionRequirementUnstated,
            y => y.Swap("    provision_requirement: { en: Needed to open an account., zh-CN: 注册帐户必须提供。 }\n", ""), "  account:\n", "provision_requirement"),
        ["recipient's country without a transfer"] = new(PolicyCodes.TransferNotCovered,
            y => y.Swap("receives: [user.name, user.contact.email] }", "receives: [user.name, user.contact.email], countries: [SG] }"),
            "    recipients: [hosting]", "reaches SG through recipient 'hosting' with no transfer for it"),
        ["storage without a transfer"] = new(PolicyCodes.TransferNotCovered,
            y => y + "storage:\n  eu-gdpr: { countries: [CN] }\n", "eu-gdpr: { countries: [CN] }", "is stored in CN, but no transfer takes it there"),
        ["safeguards for an origin the transfer does not leave"] = new(PolicyCodes.SafeguardForOtherOrigin,
            y => y.Swap(ToUsSafeguards, ToUsSafeguards + "    safeguards_by_origin: { us-ca: [eu-scc] }\n"), "safeguards_by_origin: { us-ca", "does not take data out of it"),
        ["per-origin safeguard the origin's law lacks"] = new(PolicyCodes.SafeguardNotRecognised,
            y => y.Swap(ToUsSafeguards, ToUsSafeguards + "    safeguards_by_origin: { cn-pipl: [pipl-standard-contract, eu-scc] }\n"),
            "safeguards_by_origin: { cn-pipl", "relying on eu-scc, which that law does not recognise; use pipl-standard-contract"),
        ["per-origin adequacy not granted"] = new(PolicyCodes.AdequacyNotGranted,
            y => y.Swap(ToUsSafeguards, ToUsSafeguards + "    safeguards_by_origin: { cn-pipl: [adequacy] }\n"), "safeguards_by_origin: { cn-pipl", "not adequate under cn-pipl"),
        ["recipient abroad without PIPL details"] = new(PolicyCodes.RecipientDetailsMissing,
            y => y.Swap("receives: [user.name, user.contact.email] }", "receives: [user.name, user.contact.email], countries: [US] }"),
            "  hosting:", "abroad (US)"),
        ["other handler without PIPL details"] = new(PolicyCodes.RecipientDetailsMissing,
            y => y.Swap("    recipients: [hosting]\n    transfers: [to-us]", "    recipients: [hosting, carrier]\n    transfers: [to-us]")
                .Swap(RecipientsSection, "recipients:\n  carrier: { kind: contract-party, name: { en: Carrier, zh-CN: 承运商 } }\n  hosting:"),
            "  carrier:", "add a contact (email, url or address), processing_method, receives, exercise_rights"),
        ["SDK without privacy policy under PIPL"] = new(PolicyCodes.RecipientDetailsMissing,
            y => y + Sdk(""), "  push:", "privacy_policy"),
        ["SDK privacy policy not https"] = new(PolicyCodes.UnsafeUrl,
            y => y + Sdk(", privacy_policy: \"http://push.test/privacy\""), "  push:", "https"),
        ["SDK of an undefined cookie category"] = new(PolicyCodes.UndefinedReference,
            y => y + Sdk(", privacy_policy: \"https://push.test/privacy\", category: analytics"), "  push:", "Unknown cookie category 'analytics'"),
        ["SDK listed as a cookie"] = new(PolicyCodes.SdkListedAsCookie,
            y => y + Cookie("type: sdk, purpose: { en: Push, zh-CN: 推送 }"), "    push-sdk:", "move it to 'sdks'"),
        ["cookie without purpose"] = new(PolicyCodes.CookieWithoutPurpose,
            y => y + Cookie("provider: first-party"), "    push-sdk:", "has no 'purpose'"),
        ["children's data without guardian consent"] = new(PolicyCodes.GuardianConsentUnstated,
            y => y.Swap("data_categories: [user.name, user.contact.email]", "data_categories: [user.name, user.contact.email, user.childrens]"),
            "data_categories: [user.name, user.contact.email, user.childrens]", "'children.guardian_consent' is absent"),
        ["sensitive information unexplained"] = new(PolicyCodes.SensitiveUnexplained,
            y => y.Swap("data_categories: [user.name, user.contact.email]", "data_categories: [user.name, user.contact.email, user.government_id.passport_number]"),
            "data_categories: [user.name, user.contact.email, user.government_id", "sensitive personal information under cn-pipl (user.government_id.passport_number)"),
        ["special categories on consent that is not explicit"] = new(PolicyCodes.SpecialCategoriesConsentNotExplicit,
            y => y.Swap("    data_categories: [user.contact.email]\n", "    data_categories: [user.contact.email, user.health_and_medical]\n"),
            "data_categories: [user.contact.email, user.health_and_medical]", "must then be explicit"),
        ["sensitive in a jurisdiction out of scope"] = new(PolicyCodes.UnknownJurisdiction,
            y => y + "data_categories:\n  user.union: { name: { en: Union membership, zh-CN: 工会会员身份 }, parent: user, sensitive_in: [br-lgpd] }\n",
            "user.union:", "not in scope"),
        ["sensitive data use"] = new(PolicyCodes.WrongType,
            y => y + "data_uses:\n  research: { name: { en: Research, zh-CN: 研究 }, sensitive_in: [eu-gdpr] }\n", "research:", "only data categories can be sensitive"),
    };

    private static string Sdk(string extra) =>
        $"sdks:\n  push: {{ name: PushKit, provider: {{ en: Push Co., zh-CN: 推送公司 }}, purpose: {{ en: Notifications, zh-CN: 通知 }}, data_categories: [user.device.device_id]{extra} }}\n";

    private static string Cookie(string fields) =>
        "cookies:\n  categories:\n    necessary: { name: { en: Necessary, zh-CN: 必要 }, description: { en: Needed., zh-CN: 必需。 }, consent_required: false }\n"
        + $"  items:\n    push-sdk: {{ category: necessary, lifetime: P1Y, {fields} }}\n";

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_rule_reports_its_code_at_the_line_to_fix(string name) => AssertReported(Cases[name]);

    [Fact]
    public void The_minimal_policy_itself_is_clean_under_these_rules() =>
        Assert.Empty(PolicyCheck.Run(PolicyFixture.MinimalPath).Diagnostics);

    [Fact]
    public void A_purpose_asks_for_legal_bases_only_where_it_applies()
    {
        var limited = PolicyFixture.Check(PolicyFixture.Minimal.Swap(AccountBasis, "jurisdictions: [cn-pipl, us-ca]\n    legal_basis: { cn-pipl: contract }"));
        Assert.True(limited.IsValid, string.Join('\n', limited.Diagnostics));
        Assert.Empty(limited.Diagnostics);
        var everywhere = PolicyFixture.Check(PolicyFixture.Minimal.Swap(AccountBasis, "legal_basis: { cn-pipl: contract }"));
        Assert.Contains(everywhere.Diagnostics, d => d.Code == PolicyCodes.MissingLegalBasis && d.Message.Contains("eu-gdpr", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[contract, consent]", PolicyCodes.ConsentWithoutMechanism)]
    [InlineData("[contract, legitimate-interests]", PolicyCodes.LegitimateInterestsUnderPipl)]
    [InlineData("[contract, credit-protection]", PolicyCodes.BasisNotInLaw)]
    public void Every_basis_of_a_list_meets_the_rules(string bases, string code)
    {
        var result = PolicyFixture.Check(PolicyFixture.Minimal.Swap(AccountBasis, $"legal_basis: {{ default: {bases} }}"));
        Assert.Contains(result.Diagnostics, d => d.Code == code);
    }

    [Fact]
    public void A_purpose_on_another_basis_needs_no_separate_consent()
    {
        // The account rests on the contract: sharing with another handler and a transfer abroad need no consent (PIPL Art. 13).
        var yaml = PolicyFixture.Minimal
            .Swap("    recipients: [hosting]\n    transfers: [to-us]", "    recipients: [hosting, agency]\n    transfers: [to-us]")
            .Swap(RecipientsSection, "recipients:\n" + DescribedPartner + "  hosting:");
        var result = PolicyFixture.Check(yaml);
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == PolicyCodes.SeparateConsentRequired);
    }

    [Fact]
    public void A_separate_consent_meets_the_rule_and_is_explicit_for_special_categories()
    {
        var yaml = NewsletterWith(PolicyFixture.Minimal, "    transfers: [to-us]\n")
            .Swap("      mechanism: double-opt-in\n", "      mechanism: double-opt-in\n      separate: true\n");
        Assert.Empty(PolicyFixture.Check(yaml).Diagnostics);
    }

    [Fact]
    public void Safeguards_of_an_origin_replace_the_common_ones_for_it()
    {
        // EU clauses alone would leave China without a safeguard its law knows; its own entry supplies one.
        var yaml = PolicyFixture.Minimal.Swap(ToUsSafeguards, "    safeguards: [eu-scc, uk-idta]\n    safeguards_by_origin: { cn-pipl: [pipl-standard-contract] }\n");
        var result = PolicyFixture.Check(yaml);
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void A_transfer_that_names_its_recipients_covers_no_other()
    {
        var yaml = PolicyFixture.Minimal
            .Swap("receives: [user.name, user.contact.email] }", "receives: [user.name, user.contact.email] }\n  mailer: { kind: processor, name: { en: Mailer, zh-CN: 邮件服务商 }, countries: [US] }")
            .Swap("    recipients: [hosting]\n    transfers: [to-us]", "    recipients: [hosting, mailer]\n    transfers: [to-us]");
        var result = PolicyFixture.Check(yaml);
        Assert.Contains(result.Diagnostics, d => d.Code == PolicyCodes.TransferNotCovered && d.Message.Contains("'mailer'", StringComparison.Ordinal));
        Assert.True(PolicyFixture.Check(yaml.Swap("    recipients: [hosting]\n    from:", "    recipients: [hosting, mailer]\n    from:"))
            .Diagnostics.All(d => d.Code != PolicyCodes.TransferNotCovered));
    }

    [Fact]
    public void A_category_is_sensitive_by_the_law_or_by_the_policy_and_below_it()
    {
        var laws = JurisdictionCatalogue.Bundled;
        var yaml = PolicyFixture.Minimal + "data_categories:\n"
            + "  user.financial.wallet: { name: { en: Wallet, zh-CN: 钱包 }, parent: user.financial }\n"
            + "  user.union: { name: { en: Union membership, zh-CN: 工会会员身份 }, parent: user, sensitive_in: [eu-gdpr] }\n";
        var taxonomy = PolicyFixture.Check(yaml).Document!.Taxonomy;
        Assert.True(taxonomy.IsSensitive("user.biometric.fingerprint", laws.Find("cn-pipl")!));
        Assert.True(taxonomy.IsSensitive("user.biometric.fingerprint", "eu-gdpr"));
        Assert.True(taxonomy.IsSensitive("user.location.precise", "cn-pipl"));
        Assert.False(taxonomy.IsSensitive("user.location.precise", "eu-gdpr"));
        Assert.True(taxonomy.IsSensitive("user.financial.wallet", "cn-pipl"));
        Assert.True(taxonomy.IsSensitive("user.union", "eu-gdpr"));
        Assert.False(taxonomy.IsSensitive("user.union", "cn-pipl"));
        Assert.False(taxonomy.IsSensitive("user.contact.email", "cn-pipl"));
        Assert.False(taxonomy.IsSensitive("user.biometric", "no-such-law"));
    }

    /// <summary>Every sensitive category of the catalogue is a key of the bundled taxonomy, so none is silently ignored.</summary>
    [Fact]
    public void The_catalogue_names_only_categories_that_exist()
    {
        var unknown = JurisdictionCatalogue.Bundled.ByKey.Values.SelectMany(j => (j.SensitiveCategories ?? []).Select(c => (j.Key, c)))
            .Where(x => !Taxonomy.Bundled.DataCategories.ContainsKey(x.c)).ToList();
        Assert.Empty(unknown);
    }

    internal static void AssertReported(RuleCase c)
    {
        var yaml = c.Break(PolicyFixture.Minimal);
        var result = PolicyFixture.Check(yaml);
        var found = result.Diagnostics.Where(d => d.Code == c.Code).ToList();
        Assert.True(found.Count > 0, $"expected {c.Code}, got:\n{string.Join('\n', result.Diagnostics)}");
        var expectedLine = PolicyFixture.LineOf(yaml, c.ExpectedLineText);
        Assert.True(found.Any(d => d.Location.Line == expectedLine && d.Message.Contains(c.MessagePart, StringComparison.Ordinal)),
            $"expected {c.Code} at line {expectedLine} saying '{c.MessagePart}', got:\n{string.Join('\n', found)}");
        if (found.Any(d => d.Severity == Severity.Error)) Assert.False(result.IsValid);
    }
}
