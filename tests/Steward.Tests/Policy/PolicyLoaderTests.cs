using Steward.Policy;

namespace Steward.Tests.Policy;

/// <summary>Malformed files give located errors, never a crash; folders merge.</summary>
public sealed class PolicyLoaderTests
{
    [Fact]
    public void A_missing_path_is_reported()
    {
        var result = PolicyCheck.Run(Path.Combine(Path.GetTempPath(), "no-such-policy-" + Guid.NewGuid()));
        Assert.Contains(result.Diagnostics, d => d.Code == PolicyCodes.FileProblem && d.Message.Contains("No such file", StringComparison.Ordinal));
    }

    [Fact]
    public void A_huge_file_is_refused_without_reading_it()
    {
        var path = PolicyFixture.Write(PolicyFixture.Minimal + "# " + new string('x', (int)PolicyLoader.MaxFileBytes) + "\n");
        var result = PolicyCheck.Run(path);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(PolicyCodes.FileProblem, d.Code);
        Assert.Contains("at most 2 MiB", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_beyond_the_cap_are_counted_but_not_described()
    {
        // A file of 50,000 unknown keys: describing each (with "did you mean") cost seconds per request.
        const int unknown = 50_000;
        var yaml = new System.Text.StringBuilder(PolicyFixture.Minimal);
        for (var i = 0; i < unknown; i++) yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"no_such_key_{i}: 1\n");
        var path = PolicyFixture.Write(yaml.ToString());

        var loaded = PolicyLoader.Load(path);
        Assert.Equal(PolicyLoader.MaxProblemsComputed, loaded.Diagnostics.Count);
        Assert.Equal(unknown - PolicyLoader.MaxProblemsComputed, loaded.Suppressed);

        var check = PolicyCheck.Run(path);
        Assert.Equal(PolicyCheck.MaxDiagnostics + 1, check.Diagnostics.Count);
        Assert.Contains($"{unknown - PolicyCheck.MaxDiagnostics} more problem(s) not shown", check.Diagnostics[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var path = PolicyFixture.Write("steward: 1\nfoo: " + new string('[', 5000) + new string(']', 5000) + "\n");
        var d = Assert.Single(PolicyCheck.Run(path).Diagnostics);
        Assert.Equal(PolicyCodes.YamlSyntax, d.Code);
        Assert.Contains("nested more than", d.Message, StringComparison.Ordinal);
        Assert.Equal(2, d.Location.Line);
    }

    [Fact]
    public void Anchors_and_aliases_are_refused()
    {
        var path = PolicyFixture.Write("steward: 1\na: &x [1, 2]\nb: *x\n");
        var d = Assert.Single(PolicyCheck.Run(path).Diagnostics);
        Assert.Equal(PolicyCodes.YamlSyntax, d.Code);
        Assert.Equal(2, d.Location.Line);
    }

    [Fact]
    public void Binary_garbage_is_a_located_error()
    {
        var path = PolicyFixture.Write("steward: 1\n\u0001\u0002 : : [ {\n");
        var d = Assert.Single(PolicyCheck.Run(path).Diagnostics);
        Assert.Equal(PolicyCodes.YamlSyntax, d.Code);
        Assert.Equal(path, d.Location.File);
        Assert.Equal(2, d.Location.Line);
    }

    [Fact]
    public void A_folder_merges_map_sections_across_files()
    {
        var dir = Directory.CreateTempSubdirectory("steward-folder-").FullName;
        var yaml = PolicyFixture.Minimal;
        var split = yaml.IndexOf("  newsletter:", StringComparison.Ordinal);
        var end = yaml.IndexOf("\nmarketing_channels:", StringComparison.Ordinal) + 1;
        File.WriteAllText(Path.Combine(dir, "a.yaml"), yaml[..split] + yaml[end..]);
        File.WriteAllText(Path.Combine(dir, "b.yaml"), "purposes:\n" + yaml[split..end]);
        var result = PolicyCheck.Run(dir);
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
        Assert.Equal(["account", "newsletter"], result.Document!.Purposes.Keys);
    }

    [Fact]
    public void A_folder_refuses_the_same_plain_section_twice_naming_both_places()
    {
        var dir = Directory.CreateTempSubdirectory("steward-folder-").FullName;
        File.WriteAllText(Path.Combine(dir, "a.yaml"), PolicyFixture.Minimal);
        File.WriteAllText(Path.Combine(dir, "b.yaml"), "children: { default_minimum_age: 18 }\n");
        var d = Assert.Single(PolicyCheck.Run(dir).Diagnostics, d => d.Code == PolicyCodes.DuplicateKey);
        Assert.EndsWith("b.yaml", d.Location.File, StringComparison.Ordinal);
        Assert.Contains("a.yaml", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_refuses_the_same_purpose_in_two_files()
    {
        var dir = Directory.CreateTempSubdirectory("steward-folder-").FullName;
        File.WriteAllText(Path.Combine(dir, "a.yaml"), PolicyFixture.Minimal);
        File.WriteAllText(Path.Combine(dir, "b.yaml"), "purposes:\n  account: { name: { en: x, zh-CN: x } }\n");
        var d = Assert.Single(PolicyCheck.Run(dir).Diagnostics, d => d.Code == PolicyCodes.DuplicateKey);
        Assert.EndsWith("b.yaml", d.Location.File, StringComparison.Ordinal);
    }

    [Fact]
    public void Includes_are_followed_relative_to_the_including_file()
    {
        var dir = Directory.CreateTempSubdirectory("steward-include-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "parts"));
        var yaml = PolicyFixture.Minimal;
        var cut = yaml.IndexOf("security_measures:", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "main.yaml"), "include: [parts/rest.yaml]\n" + yaml[..cut]);
        File.WriteAllText(Path.Combine(dir, "parts", "rest.yaml"), yaml[cut..]);
        var result = PolicyCheck.Run(Path.Combine(dir, "main.yaml"));
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
    }

    [Fact]
    public void Devices_and_pipes_are_never_read()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the kind of a file is asked of the Linux kernel");
        var path = PolicyFixture.Write(PolicyFixture.Minimal.Swap("steward: 1", "steward: 1\ninclude: [/dev/zero]"));
        var result = PolicyCheck.Run(path);
        var d = Assert.Single(result.Errors);
        Assert.Equal(PolicyCodes.FileProblem, d.Code);
        Assert.Equal(path, d.Location.File); // the include that names it
        Assert.Contains("/dev/zero is a character device, not a regular file", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_section_is_reported_once_without_follow_up_noise()
    {
        var result = PolicyFixture.Check(PolicyFixture.Minimal.Swap("children: { default_minimum_age: 16 }\n", ""));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(PolicyCodes.MissingField, d.Code);
        Assert.Contains("'children'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Thousands_of_problems_are_capped()
    {
        var refs = string.Join(", ", Enumerable.Range(0, 1000).Select(i => $"no.such.category{i}"));
        var result = PolicyFixture.Check(PolicyFixture.Minimal.Swap("data_categories: [user.name, user.contact.email]", $"data_categories: [{refs}]"));
        Assert.Equal(PolicyCheck.MaxDiagnostics + 1, result.Diagnostics.Count);
        Assert.Equal(PolicyCodes.TooManyProblems, result.Diagnostics[^1].Code);
    }

    [Fact]
    public void Diagnostics_print_as_path_line_column_severity_code_message()
    {
        var d = new PolicyDiagnostic(new SourceLocation("p.yaml", 3, 7), Severity.Warning, "POL014", "state them");
        Assert.Equal("p.yaml:3:7: warning POL014: state them", d.ToString());
    }
}
