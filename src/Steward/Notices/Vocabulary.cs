using System.Globalization;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Notices;

/// <summary>How the notice names the fixed values of the policy model, in en and zh-CN.</summary>
public static class Vocabulary
{
    private static readonly Dictionary<Enum, (string En, string Zh)> Names = new()
    {
        [LegalBasis.Consent] = ("your consent", "您的同意"),
        [LegalBasis.Contract] = ("performing a contract with you", "履行与您的合同所必需"),
        [LegalBasis.LegalObligation] = ("a legal obligation", "履行法定义务"),
        [LegalBasis.VitalInterests] = ("protecting vital interests", "保护重大利益"),
        [LegalBasis.PublicTask] = ("a task in the public interest", "履行公共利益职责"),
        [LegalBasis.LegitimateInterests] = ("our legitimate interests", "我们的合法利益"),
        [LegalBasis.CreditProtection] = ("credit protection", "信用保护"),
        [LegalBasis.LegalClaims] = ("establishing, exercising or defending legal claims", "在诉讼或其他程序中行使或维护权利"),
        [LegalBasis.HumanResources] = ("human-resources management", "人力资源管理所必需"),
        [LegalBasis.PublicHealth] = ("responding to public-health emergencies", "应对突发公共卫生事件"),
        [LegalBasis.NewsReporting] = ("news reporting in the public interest", "为公共利益实施新闻报道"),
        [LegalBasis.PubliclyAvailable] = ("information already made public", "已合法公开的个人信息"),
        [LegalBasis.NoticeAndOptOut] = ("notice at collection, with the right to opt out", "收集时告知，并可选择退出"),

        [Safeguard.Adequacy] = ("an adequacy decision", "充分性认定"),
        [Safeguard.EuScc] = ("EU standard contractual clauses", "欧盟标准合同条款"),
        [Safeguard.UkIdta] = ("the UK international data transfer agreement", "英国国际数据传输协议"),
        [Safeguard.BrScc] = ("the Brazilian standard contractual clauses (ANPD)", "巴西国家数据保护局标准合同条款"),
        [Safeguard.BcrC] = ("binding corporate rules for controllers (BCR-C)", "控制者约束性企业规则（BCR-C）"),
        [Safeguard.BcrP] = ("binding corporate rules for processors (BCR-P)", "处理者约束性企业规则（BCR-P）"),
        [Safeguard.ApecCbpr] = ("APEC Cross-Border Privacy Rules (CBPR)", "亚太经合组织跨境隐私规则（CBPR）"),
        [Safeguard.ApecPrp] = ("APEC Privacy Recognition for Processors (PRP)", "亚太经合组织处理者隐私认可（PRP）"),
        [Safeguard.PiplStandardContract] = ("the PIPL standard contract", "个人信息出境标准合同"),
        [Safeguard.PiplCertification] = ("personal information protection certification", "个人信息保护认证"),
        [Safeguard.PiplSecurityAssessment] = ("a security assessment by the Cyberspace Administration", "国家网信部门组织的安全评估"),
        [Safeguard.ExplicitConsent] = ("your explicit consent", "您的明确同意"),
        [Safeguard.ContractNecessity] = ("necessity for a contract with you", "履行与您的合同所必需"),

        [RecipientKind.Internal] = ("Within our group", "集团内部"),
        [RecipientKind.Processor] = ("Suppliers who process data for us", "代表我们处理数据的供应商"),
        [RecipientKind.Partner] = ("Business partners", "业务合作伙伴"),
        [RecipientKind.Adviser] = ("Professional advisers", "专业顾问"),
        [RecipientKind.ContractParty] = ("Parties to a contract", "合同相关方"),
        [RecipientKind.Authority] = ("Authorities", "政府机关和监管机构"),
        [RecipientKind.Acquirer] = ("Buyers and sellers of a business", "业务的买方和卖方"),
        [RecipientKind.Public] = ("The public", "公众"),

        [SecurityMeasureKind.Physical] = ("Physical safeguards", "物理保护措施"),
        [SecurityMeasureKind.Administrative] = ("Administrative safeguards", "管理保护措施"),
        [SecurityMeasureKind.Technical] = ("Technical safeguards", "技术保护措施"),
        [SecurityMeasureKind.Contractual] = ("Obligations of partners and suppliers", "对合作伙伴和供应商的要求"),

        [ConsentMechanism.CookieBanner] = ("the cookie manager", "Cookie 管理工具"),
        [ConsentMechanism.PreferenceCentre] = ("the preference centre", "首选项中心"),
        [ConsentMechanism.Checkbox] = ("a checkbox that is never pre-ticked", "一个不会预先勾选的复选框"),
        [ConsentMechanism.DoubleOptIn] = ("a confirmation email (double opt-in)", "确认邮件（双重确认）"),
        [ConsentMechanism.Form] = ("the form where you provide the data", "您提供数据的表单"),
        [ConsentMechanism.AppSetting] = ("a setting in the app", "应用中的设置"),

        [SourceKind.FirstParty] = ("you", "您本人"),
        [SourceKind.Observed] = ("your use of our sites and services", "您对我们网站和服务的使用"),
        [SourceKind.ThirdParty] = ("third parties", "第三方"),
        [SourceKind.Public] = ("public sources", "公开来源"),

        [RetentionAction.Delete] = ("deleted securely", "安全删除"),
        [RetentionAction.Anonymise] = ("anonymised", "匿名化处理"),

        [CookieType.Cookie] = ("cookie", "Cookie"),
        [CookieType.LocalStorage] = ("local storage", "本地存储"),
        [CookieType.WebBeacon] = ("web beacon", "网络信标"),
        [CookieType.Pixel] = ("pixel", "像素标签"),
        [CookieType.Sdk] = ("software development kit", "软件开发工具包"),
    };

    public static string Name(Enum value, string lang) =>
        Names.TryGetValue(value, out var n) ? (lang == Language.Chinese ? n.Zh : n.En) : value.ToString();

    /// <summary>A country's name in the notice's language (ISO 3166-1 alpha-2 code in, name out); unknown codes stay as they are.</summary>
    public static string Country(string code, string lang)
    {
        if (code == "worldwide") return lang == Language.Chinese ? "全球各地" : "countries worldwide";
        return Countries.TryGetValue(code.ToUpperInvariant(), out var name) ? name.In(lang) : code;
    }

    // .NET's RegionInfo names countries only in the installed UI language, so the names ship as data.
    private static readonly Dictionary<string, LocalizedText> Countries = LoadCountries();

    private static Dictionary<string, LocalizedText> LoadCountries()
    {
        using var stream = typeof(Vocabulary).Assembly.GetManifestResourceStream("Steward.Notices.countries.json")
            ?? throw new InvalidOperationException("The country names are not embedded.");
        return System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, LocalizedText>>(stream, Policy.PolicyLoader.Json)!;
    }

    /// <summary>A date as people write it: 24 January 2023, 2023年1月24日.</summary>
    public static string Date(DateOnly date, string lang) =>
        lang == Language.Chinese
            ? $"{date.Year}年{date.Month}月{date.Day}日"
            : date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>Joins items as a sentence list: "a, b and c" / "a、b 和 c".</summary>
    public static string List(IEnumerable<string> items, string lang)
    {
        var list = items.Where(i => !string.IsNullOrWhiteSpace(i)).Distinct().ToList();
        if (list.Count <= 1) return list.FirstOrDefault() ?? "";
        return lang == Language.Chinese
            ? string.Join("、", list[..^1]) + "和" + list[^1]
            : string.Join(", ", list[..^1]) + " and " + list[^1];
    }
}
