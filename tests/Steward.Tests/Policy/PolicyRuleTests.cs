using System.Reflection;
using Steward.Policy;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Policy;

/// <summary>Every problem code has a failing example here, located at the line a person must fix.</summary>
public sealed class PolicyRuleTests
{
    /// <summary>A failing example: the change to the minimal policy, and the text on the line the problem must point at.</summary>
    public sealed record RuleCase(string Code, Func<string, string> Break, string ExpectedLineText, string MessagePart);

    public static readonly Dictionary<string, RuleCase> Cases = new()
    {
        ["yaml syntax"] = new RuleCase(PolicyCodes.YamlSyntax, y => y.Swap("jurisdictions: [eu-gdpr, uk-gdpr, cn-pipl, us-ca]", "jurisdictions: [eu-gdpr, uk-gdpr"), "jurisdictions: [eu-gdpr, uk-gdpr", "YAML syntax"),
        ["bad indentation"] = new(PolicyCodes.YamlSyntax, y => y.Swap("  scope: {", " scope: {"), " scope: {", "YAML syntax"),
        ["tab indentation"] = new RuleCase(PolicyCodes.YamlSyntax, y => y.Swap("  default: example-uk", "\tdefault: example-uk"), "default: example-uk", "tabs"),
        ["unknown field"] = new RuleCase(PolicyCodes.UnknownField, y => y.Swap("  scope: {", "  scoop: {"), "scoop:", "did you mean 'scope'"),
        ["unknown language"] = new RuleCase(PolicyCodes.UnknownField, y => y.Swap("zh-CN: 示例有限公司 }", "zh: 示例有限公司 }"), "Example Ltd", "did you mean 'zh-CN'"),
        ["wrong type"] = new RuleCase(PolicyCodes.WrongType, y => y.Swap("    subjects: [customer]\n    sources: [from-you]", "    subjects: customer\n    sources: [from-you]"), "subjects: customer", "should be a list"),
        ["unknown enum value"] = new RuleCase(PolicyCodes.WrongType, y => y.Swap("mechanism: double-opt-in", "mechanism: double-optin"), "mechanism:", "did you mean 'double-opt-in'"),
        ["duplicate key"] = new RuleCase(PolicyCodes.DuplicateKey, y => y.Swap("  marketing: { name", "  accounts: { name"), "accounts: { name: { en: Marketing", "twice"),
        ["malformed duration"] = new RuleCase(PolicyCodes.MalformedDuration, y => y.Swap("status_visible_for: P90D", "status_visible_for: 90 days"), "status_visible_for", "ISO 8601"),
        ["malformed date"] = new RuleCase(PolicyCodes.MalformedDate, y => y.Swap("  title: { en: Privacy notice", "  last_reviewed: 2026-13-40\n  title: { en: Privacy notice"), "last_reviewed", "YYYY-MM-DD"),
        ["missing field"] = new RuleCase(PolicyCodes.MissingField, y => y.Swap("    description: { en: We email you news you asked for., zh-CN: 我们向您发送您订阅的新闻。 }\n", ""), "  newsletter:", "needs 'description'"),
        ["undefined reference"] = new RuleCase(PolicyCodes.UndefinedReference, y => y.Swap("    activity: marketing", "    activity: marketting"), "activity: marketting", "did you mean 'marketing'"),
        ["undefined data category"] = new RuleCase(PolicyCodes.UndefinedReference, y => y.Swap("data_categories: [user.name, user.contact.email]", "data_categories: [user.name, user.contact.emial]"), "user.contact.emial", "did you mean 'user.contact.email'"),
        ["missing legal basis"] = new RuleCase(PolicyCodes.MissingLegalBasis, y => y.Swap("legal_basis: { default: contract }", "legal_basis: { eu-gdpr: contract }"), "legal_basis: { eu-gdpr", "no legal basis for uk-gdpr"),
        ["consent without mechanism"] = new RuleCase(PolicyCodes.ConsentWithoutMechanism, y => y.Swap("    consent:\n      mechanism: double-opt-in\n      withdrawal: { en: Use the unsubscribe link in every email., zh-CN: 点击每封邮件中的退订链接。 }\n", ""), "legal_basis: { default: consent }", "'consent:' mechanism"),
        ["legitimate interests under PIPL"] = new RuleCase(PolicyCodes.LegitimateInterestsUnderPipl, y => y.Swap("legal_basis: { default: contract }", "legal_basis: { default: legitimate-interests }\n    legitimate_interests: { en: Running the service, zh-CN: 运营服务 }"), "legal_basis: { default: legitimate", "PIPL has no such basis"),
        ["basis the law lacks"] = new RuleCase(PolicyCodes.BasisNotInLaw, y => y.Swap("legal_basis: { default: contract }", "legal_basis: { default: contract, eu-gdpr: credit-protection }"), "credit-protection", "does not provide"),
        ["legitimate interests unstated"] = new RuleCase(PolicyCodes.LegitimateInterestsUnstated, y => y.Swap("legal_basis: { default: contract }", "legal_basis: { default: legitimate-interests, cn-pipl: contract }"), "legal_basis: { default: legitimate", "state them"),
        ["transfer without safeguard"] = new RuleCase(PolicyCodes.TransferWithoutSafeguard, y => y.Swap("    safeguards: [eu-scc, uk-idta, pipl-standard-contract]\n", ""), "destination: US", "no safeguard"),
        ["adequacy not granted"] = new RuleCase(PolicyCodes.AdequacyNotGranted, y => y.Swap("safeguards: [eu-scc, uk-idta, pipl-standard-contract]", "safeguards: [adequacy]"), "safeguards: [adequacy]", "not adequate under cn-pipl"),
        ["safeguard the law lacks"] = new(PolicyCodes.SafeguardNotRecognised, y => y.Swap("safeguards: [eu-scc, uk-idta, pipl-standard-contract]", "safeguards: [eu-scc, uk-idta]"), "safeguards: [eu-scc, uk-idta]", "does not recognise; add pipl-standard-contract"),
        ["missing retention"] = new RuleCase(PolicyCodes.MissingRetention, y => y.Swap("    retention:\n      period: P3Y\n      criteria: { en: after the account is closed, zh-CN: 自帐户注销之日起 }", "    retention:\n      categories: { user.name: { period: P3Y } }"), "data_categories: [user.name, user.contact.email]", "no retention rule for it"),
        ["cookie too long"] = new RuleCase(PolicyCodes.CookieTooLong, y => y + "cookies:\n  max_lifetime: P12M\n  categories:\n    analytics: { name: { en: Analytics, zh-CN: 分析 }, description: { en: Counts visits., zh-CN: 统计访问。 } }\n  items:\n    _ga: { category: analytics, lifetime: P2Y }\n", "_ga:", "at most P12M"),
        ["unknown consent mode signal"] = new RuleCase(PolicyCodes.UnknownConsentModeSignal, y => y + "cookies:\n  categories:\n    analytics:\n      name: { en: Analytics, zh-CN: 分析 }\n      description: { en: Counts visits., zh-CN: 统计访问。 }\n      consent_mode: [analytics_storage, analytics]\n", "consent_mode:", "'analytics' in cookie category 'analytics' is not a Google Consent Mode signal"),
        ["missing translation"] = new RuleCase(PolicyCodes.MissingTranslation, y => y.Swap("introduction: { en: We respect your privacy., zh-CN: 我们尊重您的隐私。 }", "introduction: { en: We respect your privacy. }"), "introduction:", "zh-CN"),
        ["text in one language"] = new RuleCase(PolicyCodes.MissingTranslation, y => y.Swap("introduction: { en: We respect your privacy., zh-CN: 我们尊重您的隐私。 }", "introduction: We respect your privacy."), "introduction:", "both languages"),
        ["child age too low"] = new RuleCase(PolicyCodes.ChildAgeTooLow, y => y.Swap("children: { default_minimum_age: 16 }", "children: { default_minimum_age: 16, minimum_age: { cn-pipl: 12 } }"), "children:", "below the 14"),
        ["unknown jurisdiction"] = new RuleCase(PolicyCodes.UnknownJurisdiction, y => y.Swap("jurisdictions: [eu-gdpr, uk-gdpr, cn-pipl, us-ca]", "jurisdictions: [eu-gdpr, uk-gdpr, cn-pipl, us-ca, eu-gdrp]"), "jurisdictions:", "did you mean 'eu-gdpr'"),
        ["third-party source unattested"] = new RuleCase(PolicyCodes.ThirdPartySourceUnattested, y => y.Swap("sources:\n", "sources:\n  brokers: { kind: third-party, name: { en: data providers, zh-CN: 数据提供商 } }\n"), "brokers:", "lawful_source_attestation"),
        ["no default controller"] = new RuleCase(PolicyCodes.NoDefaultController, y => y.Swap("  default: example-uk\n", ""), "controllers:", "'default'"),
        ["photo id kept"] = new RuleCase(PolicyCodes.PhotoIdKept, y => y + "identity_verification:\n  methods:\n    id-copy: { description: { en: A copy of your ID., zh-CN: 身份证件副本。 }, photo_id: true }\n", "id-copy:", "does not delete it"),
        ["unsupported version"] = new RuleCase(PolicyCodes.UnsupportedFormatVersion, y => y.Swap("steward: 1", "steward: 2"), "steward: 2", "version 2"),
        ["script link"] = new(PolicyCodes.UnsafeUrl, y => y.Swap("  scope: {", "  website: \"javascript:alert(1)\"\n  scope: {"), "website:", "not an absolute http(s)"),
        ["include cycle"] = new RuleCase(PolicyCodes.FileProblem, y => y.Swap("steward: 1", "steward: 1\ninclude: [policy.yaml]"), "include:", "Include cycle"),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Fact]
    public void The_minimal_policy_is_valid_without_warnings()
    {
        var result = PolicyCheck.Run(PolicyFixture.MinimalPath);
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_rule_reports_its_code_at_the_line_to_fix(string name)
    {
        var c = Cases[name];
        var yaml = c.Break(PolicyFixture.Minimal);
        var result = PolicyFixture.Check(yaml);
        var found = result.Diagnostics.Where(d => d.Code == c.Code).ToList();
        Assert.True(found.Count > 0, $"expected {c.Code}, got:\n{string.Join('\n', result.Diagnostics)}");
        var expectedLine = PolicyFixture.LineOf(yaml, c.ExpectedLineText);
        Assert.Contains(found, d => d.Location.Line == expectedLine && d.Message.Contains(c.MessagePart, StringComparison.Ordinal));
        Assert.All(found, d => Assert.EndsWith("policy.yaml", d.Location.File, StringComparison.Ordinal));
        if (found.Any(d => d.Severity == Severity.Error)) Assert.False(result.IsValid);
    }

    [Fact]
    public void Every_code_has_a_failing_example_and_documentation()
    {
        var codes = typeof(PolicyCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();
        var docs = File.ReadAllText(Repository.PathOf("docs", "policy.md"));
        var covered = Cases.Values.Concat(LawRuleTests.Cases.Values).Select(c => c.Code).ToHashSet();
        covered.Add(PolicyCodes.FileProblem);
        covered.Add(PolicyCodes.TooManyProblems); // PolicyLoaderTests.Thousands_of_problems_are_capped
        Assert.DoesNotContain(codes, c => !covered.Contains(c));
        Assert.DoesNotContain(codes, c => !docs.Contains($"| {c} |", StringComparison.Ordinal));
    }
}
