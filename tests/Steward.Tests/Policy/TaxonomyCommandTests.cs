using System.Text.RegularExpressions;
using Steward.Policy.Catalogue;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Policy;

/// <summary><c>steward policy taxonomy</c>: the keys a policy can name, with both names, so nobody has to read the bundled JSON.</summary>
public sealed class TaxonomyCommandTests
{
    private static Task<CliResult> RunAsync(params string[] args) => StewardCli.RunAsync((TestDatabase?)null, "", ["policy", "taxonomy", .. args]);

    /// <summary>The table rows (indented lines below a heading) whose key is <paramref name="key"/>.</summary>
    private static string? Row(string stdout, string key) =>
        stdout.Split('\n').FirstOrDefault(l => Regex.IsMatch(l, $"^  {Regex.Escape(key)}( \\*)? "));

    [Fact]
    public async Task Lists_every_bundled_entry_with_key_english_and_chinese_name()
    {
        var r = await RunAsync();
        Assert.Equal(0, r.ExitCode);
        var t = Taxonomy.Bundled;
        Assert.Contains($"data categories ({t.DataCategories.Count})", r.Stdout, StringComparison.Ordinal);
        Assert.Contains($"data uses ({t.DataUses.Count})", r.Stdout, StringComparison.Ordinal);
        Assert.Contains($"data subjects ({t.DataSubjects.Count})", r.Stdout, StringComparison.Ordinal);
        foreach (var e in t.DataCategories.Values.Concat(t.DataUses.Values).Concat(t.DataSubjects.Values))
        {
            var row = Row(r.Stdout, e.Key);
            Assert.NotNull(row);
            Assert.Matches($"^  {Regex.Escape(e.Key)} +{Regex.Escape(e.Name.En!)} +{Regex.Escape(e.Name.ZhCn!)}$", row);
        }
        // Columns line up: the English names start at the same place in every row of a table.
        var lines = r.Stdout.Split('\n');
        Assert.Equal(lines.Single(l => l.StartsWith("  user.contact.email ", StringComparison.Ordinal)).IndexOf("User Contact Email", StringComparison.Ordinal),
            lines.Single(l => l.StartsWith("  system ", StringComparison.Ordinal)).IndexOf("System Data", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("EMAIL", "user.contact.email")]          // the key, in any case
    [InlineData("imprecise subject", "user.location.imprecise")] // the English name
    [InlineData("位置", "user.location.precise")]          // the Chinese name
    public async Task Search_matches_key_or_either_name(string word, string expected)
    {
        var r = await RunAsync("--search", word);
        Assert.Equal(0, r.ExitCode);
        Assert.NotNull(Row(r.Stdout, expected));
        Assert.Null(Row(r.Stdout, "customer"));
        Assert.All(r.Stdout.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith("  key ", StringComparison.Ordinal)),
            l => Assert.Contains(word, l, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Kind_keeps_one_vocabulary()
    {
        var r = await RunAsync("--kind", "subjects");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("data subjects (", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("data categories", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("data uses", r.Stdout, StringComparison.Ordinal);
        Assert.NotNull(Row(r.Stdout, "customer"));

        var wrong = await RunAsync("--kind", "purposes");
        Assert.Equal(2, wrong.ExitCode);
    }

    [Fact]
    public async Task No_match_says_so_and_succeeds()
    {
        var r = await RunAsync("--search", "no-such-entry-anywhere");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("no entry matches 'no-such-entry-anywhere'", r.Stdout.Trim());
    }

    [Fact]
    public async Task A_policy_adds_its_own_entries_and_wording_marked()
    {
        var path = PolicyFixture.Write(PolicyFixture.Minimal + """
            data_categories:
              user.loyalty_tier: { parent: user, name: { en: Loyalty tier, zh-CN: 会员等级 } }
              user.contact.email: { name: { en: Email address, zh-CN: 电子邮箱 } }
            """ + "\n");
        var r = await RunAsync("--policy", path, "--kind", "categories");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches("^  user\\.loyalty_tier \\* +Loyalty tier +会员等级$", Row(r.Stdout, "user.loyalty_tier"));
        Assert.Matches("^  user\\.contact\\.email \\* +Email address +电子邮箱$", Row(r.Stdout, "user.contact.email"));
        Assert.Matches("^  user\\.name +", Row(r.Stdout, "user.name"));
        Assert.Contains("* added or renamed by the policy", r.Stdout, StringComparison.Ordinal);

        var bundledOnly = await RunAsync("--kind", "categories");
        Assert.Null(Row(bundledOnly.Stdout, "user.loyalty_tier"));
    }

    [Fact]
    public async Task A_policy_with_errors_is_reported_located()
    {
        var path = PolicyFixture.Write(PolicyFixture.Minimal.Swap("country: GB", "country: XX"));
        var r = await RunAsync("--policy", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"{path}:6:", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("'XX'", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_names_every_option()
    {
        var r = await RunAsync("--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var option in new[] { "--search <WORD>", "--kind <categories|subjects|uses>", "--policy <PATH>" })
            Assert.Contains(option, r.Stdout, StringComparison.Ordinal);
        var policy = await StewardCli.RunAsync((TestDatabase?)null, "", "policy", "--help");
        Assert.Contains("taxonomy", policy.Stdout, StringComparison.Ordinal);
    }
}
