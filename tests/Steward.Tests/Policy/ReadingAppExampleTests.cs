using System.Net.Http.Json;
using System.Text.Json;
using Steward.Notices;
using Steward.Policy;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Policy;

/// <summary>
/// The second example, a reading app of one company in Hangzhou for mainland China and the EU: it checks clean, its
/// records of processing say what the law asks, and each rule it was written to meet fires when the example breaks it.
/// </summary>
public sealed class ReadingAppExampleTests
{
    private static readonly string PolicyPath = Repository.PathOf("examples", "example-reading-app", "policy");

    [Fact]
    public void The_example_is_valid_without_warnings()
    {
        var result = PolicyCheck.Run(PolicyPath);
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    /// <summary>A change to one file of the example: the text must occur there exactly once.</summary>
    public sealed record Break(string File, string Old, string New, string Code, string MessagePart);

    public static readonly Dictionary<string, Break> Breaks = new()
    {
        ["child accounts without separate consent"] = new("10-purposes.yaml",
            "      mechanism: form\n      separate: true\n", "      mechanism: form\n", PolicyCodes.SeparateConsentRequired, "sensitive information (user.childrens"),
        ["crash reports abroad without separate consent"] = new("10-purposes.yaml",
            "      mechanism: app-setting\n      separate: true\n", "      mechanism: app-setting\n", PolicyCodes.SeparateConsentRequired, "transfer abroad (crash-reports-to-sg"),
        ["wallet payment details unexplained"] = new("10-purposes.yaml",
            "    recipients: [yunfu-pay]\n    sensitive:\n", "    recipients: [yunfu-pay]\n    sensitive_old:\n", PolicyCodes.SensitiveUnexplained, "(user.payment)"),
        ["crash reports reach Singapore without a transfer"] = new("10-purposes.yaml",
            "    transfers: [crash-reports-to-sg, eu-to-hangzhou]", "    transfers: [eu-to-hangzhou]", PolicyCodes.TransferNotCovered, "reaches SG through recipient 'crash-reporting'"),
        ["EU clauses for data leaving China"] = new("30-sharing-transfers.yaml",
            "      cn-pipl: [pipl-standard-contract]\n", "      cn-pipl: [eu-scc]\n", PolicyCodes.SafeguardNotRecognised, "leaves cn-pipl"),
        ["wallet provider without a contact"] = new("30-sharing-transfers.yaml",
            "    email: privacy@yunfu-pay.example\n    address:\n      en: 88 Jiangnan Avenue, Binjiang District, Hangzhou, Zhejiang 310051, China\n      zh-CN: 浙江省杭州市滨江区江南大道 88 号，邮编 310051\n",
            "", PolicyCodes.RecipientDetailsMissing, "add a contact"),
        ["schools' purpose with a legal basis"] = new("10-purposes.yaml",
            "    role: processor\n", "    role: processor\n    legal_basis: { cn-pipl: contract }\n", PolicyCodes.ProcessorWithLegalBasis, "school-reading"),
        ["no guardian consent"] = new("40-rights-security.yaml",
            "  guardian_consent:\n", "  guardian_consent_old:\n", PolicyCodes.GuardianConsentUnstated, "child-accounts"),
        ["EU basis for a China-only purpose"] = new("10-purposes.yaml",
            "      cn-pipl: contract\n    retention:\n      period: P3Y\n      criteria: { en: after the payment",
            "      cn-pipl: contract\n      eu-gdpr: contract\n    retention:\n      period: P3Y\n      criteria: { en: after the payment",
            PolicyCodes.BasisWherePurposeDoesNotApply, "applies only in cn-pipl"),
        ["storage abroad without a transfer"] = new("00-organisation.yaml",
            "    countries: [DE]\n", "    countries: [JP]\n", PolicyCodes.TransferNotCovered, "stored in JP"),
        ["SDK without its privacy policy"] = new("20-cookies-sdks.yaml",
            "    privacy_policy: https://www.meixun-push.example/privacy\n", "", PolicyCodes.RecipientDetailsMissing, "SDK 'meipush'"),
    };

    public static TheoryData<string> BreakNames() => new(Breaks.Keys);

    [Theory]
    [MemberData(nameof(BreakNames))]
    public void Breaking_what_the_law_asks_is_caught(string name)
    {
        var b = Breaks[name];
        var copy = Directory.CreateTempSubdirectory("steward-reading-app-").FullName;
        foreach (var file in Directory.GetFiles(PolicyPath)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        var target = Path.Combine(copy, b.File);
        File.WriteAllText(target, File.ReadAllText(target).Swap(b.Old, b.New));

        var result = PolicyCheck.Run(copy);
        Assert.True(result.Diagnostics.Any(d => d.Code == b.Code && d.Message.Contains(b.MessagePart, StringComparison.Ordinal)),
            $"expected {b.Code} saying '{b.MessagePart}', got:\n{string.Join('\n', result.Diagnostics)}");
    }

    [Fact]
    public void The_controllers_record_leaves_out_the_schools_and_says_where_data_goes()
    {
        var policy = PolicyCheck.Run(PolicyPath).Document!;
        var rows = RecordOfProcessing.Rows(policy, "en");
        Assert.DoesNotContain(rows, r => r.PurposeKey == "school-reading");
        Assert.Equal(policy.Purposes.Count - 1, rows.Count);

        var crash = rows.Single(r => r.PurposeKey == "crash-reports");
        Assert.Contains("Lumen Insights Pte. Ltd. (Suppliers who process data for us; Singapore)", crash.Recipients, StringComparison.Ordinal);
        Assert.Contains("Singapore (for data from Mainland China (PIPL): the PIPL standard contract; for data from European Union (GDPR): EU standard contractual clauses)",
            crash.Transfers, StringComparison.Ordinal);
        Assert.Contains("Mainland China (PIPL): mainland China", crash.Storage, StringComparison.Ordinal);
        Assert.Contains("European Union (GDPR): Germany", crash.Storage, StringComparison.Ordinal);
        Assert.Contains("performing a contract with you and a legal obligation", rows.Single(r => r.PurposeKey == "membership").LegalBasis, StringComparison.Ordinal);
        Assert.Equal("Mainland China (PIPL): performing a contract with you", rows.Single(r => r.PurposeKey == "wallet-payment").LegalBasis);

        var zh = RecordOfProcessing.Rows(policy, "zh-CN").Single(r => r.PurposeKey == "notifications");
        Assert.Contains("美国（来自中国大陆（《个人信息保护法》）的数据：履行与您的合同所必需；来自欧盟（《通用数据保护条例》）的数据：充分性认定）", zh.Transfers, StringComparison.Ordinal);
        Assert.Contains("消息推送服务商（代表我们处理数据的供应商；中国大陆和美国）", zh.Recipients, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_processors_record_names_the_schools_on_whose_behalf_in_both_languages()
    {
        var csv = await StewardCli.RunAsync(null, "", "policy", "ropa", "--processor", "--policy", PolicyPath, "--format", "csv", "--lang", "zh-CN");
        Assert.Equal(0, csv.ExitCode);
        var lines = csv.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("处理活动类别,说明,控制方（客户）,受托处理方", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("school-reading,书渡校园版,", lines[1], StringComparison.Ordinal);
        Assert.Contains("订阅书渡校园版的各中国大陆中小学校", lines[1], StringComparison.Ordinal);

        var html = await StewardCli.RunAsync(null, "", "policy", "ropa", "--processor", "--policy", PolicyPath, "--format", "html");
        Assert.Equal(0, html.ExitCode);
        Assert.Contains("Record of processing activities as a processor — Shudu Reading", html.Stdout, StringComparison.Ordinal);
        Assert.Contains("Controller (client)", html.Stdout, StringComparison.Ordinal);
        Assert.Contains("Each primary or secondary school in mainland China", html.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Yunfu", html.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_gives_the_processors_record_on_request()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyPath);
        var auditor = await app.ClientForRoleAsync(Roles.Auditor);

        var processor = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/ropa?processor=true&lang=en");
        Assert.Equal(1, processor.GetArrayLength());
        Assert.Equal("school-reading", processor[0].GetProperty("purpose_key").GetString());
        Assert.StartsWith("Each primary or secondary school", processor[0].GetProperty("controller").GetString(), StringComparison.Ordinal);

        var controller = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/ropa?lang=en");
        Assert.DoesNotContain(controller.EnumerateArray(), r => r.GetProperty("purpose_key").GetString() == "school-reading");
        var csv = await auditor.GetStringAsync("/api/v1/ropa?format=csv&processor=true");
        Assert.Contains("Category of processing", csv, StringComparison.Ordinal);
    }
}
