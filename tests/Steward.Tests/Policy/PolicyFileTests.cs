using System.Diagnostics;
using System.Text;
using Steward.Policy;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Policy;

/// <summary>
/// What a policy is read from: ordinary UTF-8 files, in a folder and its subfolders. A pipe, a device or text in
/// another encoding is a located error that names the problem, never a hang and never published.
/// </summary>
public sealed class PolicyFileTests
{
    private static string NewFolder() => Directory.CreateTempSubdirectory("steward-policy-files-").FullName;

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    // Opening a named pipe blocks until something writes to it: the guard turns a regression into a failure, not a hung run.
    private static Task<CheckedPolicy> CheckAsync(string path, CancellationToken ct) => Task.Run(() => PolicyCheck.Run(path), ct);

    [Fact(Timeout = 60_000)]
    public async Task A_named_pipe_in_a_subfolder_is_an_error_naming_it()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "named pipes are made with mkfifo");
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), PolicyFixture.Minimal);
        Directory.CreateDirectory(Path.Combine(dir, "parts"));
        var pipe = Path.Combine(dir, "parts", "more.yaml");
        MakeFifo(pipe);

        var result = await CheckAsync(dir, TestContext.Current.CancellationToken);

        Assert.False(result.IsValid);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(PolicyCodes.FileProblem, d.Code);
        Assert.Equal(pipe, d.Location.File);
        Assert.Contains($"{pipe} is a named pipe (FIFO), not a regular file", d.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_named_pipe_given_as_the_policy_or_included_is_an_error()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "named pipes are made with mkfifo");
        var pipe = Path.Combine(NewFolder(), "policy.yaml");
        MakeFifo(pipe);
        var direct = Assert.Single((await CheckAsync(pipe, TestContext.Current.CancellationToken)).Errors);
        Assert.Contains("is a named pipe (FIFO)", direct.Message, StringComparison.Ordinal);

        var including = PolicyFixture.Write(PolicyFixture.Minimal.Swap("steward: 1", $"steward: 1\ninclude: [{pipe}]"));
        var included = Assert.Single((await CheckAsync(including, TestContext.Current.CancellationToken)).Errors);
        Assert.Equal(new SourceLocation(including, 2, 11), included.Location);
        Assert.Contains($"{pipe} is a named pipe (FIFO)", included.Message, StringComparison.Ordinal);
    }

    /// <summary>The minimal policy with the en title's last letter as <paramref name="replacement"/> bytes: a title as an editor in another encoding would save it.</summary>
    private static (string Path, int Line, int Column) WithTitleBytes(params byte[] replacement)
    {
        var yaml = PolicyFixture.Minimal;
        var at = yaml.IndexOf("Privacy notice,", StringComparison.Ordinal) + "Privacy notic".Length;
        var bytes = Encoding.UTF8.GetBytes(yaml[..at]).Concat(replacement).Concat(Encoding.UTF8.GetBytes(yaml[(at + 1)..])).ToArray();
        var path = Path.Combine(NewFolder(), "policy.yaml");
        File.WriteAllBytes(path, bytes);
        var line = PolicyFixture.LineOf(yaml, "Privacy notice,");
        return (path, line, at - yaml.LastIndexOf('\n', at));
    }

    [Fact]
    public void Invalid_utf8_is_an_error_at_its_line_and_column()
    {
        // "é" as Latin-1 saves it; decoded leniently it became U+FFFD in the published title.
        var (path, line, column) = WithTitleBytes(0xE9);
        var d = Assert.Single(PolicyCheck.Run(path).Diagnostics);
        Assert.Equal(new SourceLocation(path, line, column), d.Location);
        Assert.Equal(PolicyCodes.FileProblem, d.Code);
        Assert.Contains("Byte 0xE9 is not UTF-8; save the file as UTF-8", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chinese_saved_as_gbk_is_an_error_at_the_first_character()
    {
        var yaml = PolicyFixture.Minimal;
        var at = yaml.IndexOf("隐私声明", StringComparison.Ordinal);
        byte[] gbk = [0xD2, 0xFE, 0xCB, 0xBD]; // 隐私 in GBK
        var path = Path.Combine(NewFolder(), "policy.yaml");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes(yaml[..at]), .. gbk, .. Encoding.UTF8.GetBytes(yaml[(at + 2)..])]);

        var d = Assert.Single(PolicyCheck.Run(path).Diagnostics);
        Assert.Equal(new SourceLocation(path, PolicyFixture.LineOf(yaml, "隐私声明"), at - yaml.LastIndexOf('\n', at)), d.Location);
        Assert.Contains("Byte 0xD2 is not UTF-8", d.Message, StringComparison.Ordinal);
        Assert.Contains("GBK", d.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> WideEncodings => new()
    {
        { "utf-16le-bom", "UTF-16" },
        { "utf-16le", "UTF-16" },
        { "utf-16be-bom", "UTF-16" },
        { "utf-16be", "UTF-16" },
        { "utf-32le-bom", "UTF-32" },
        { "utf-32be", "UTF-32" },
    };

    [Theory]
    [MemberData(nameof(WideEncodings))]
    public void Utf16_and_utf32_are_named_with_the_fix(string encoding, string name)
    {
        var (text, bom) = encoding switch
        {
            "utf-16le-bom" or "utf-16le" => ((Encoding)new UnicodeEncoding(bigEndian: false, byteOrderMark: true), encoding.EndsWith("bom", StringComparison.Ordinal)),
            "utf-16be-bom" or "utf-16be" => (new UnicodeEncoding(bigEndian: true, byteOrderMark: true), encoding.EndsWith("bom", StringComparison.Ordinal)),
            "utf-32le-bom" => (new UTF32Encoding(bigEndian: false, byteOrderMark: true), true),
            _ => (new UTF32Encoding(bigEndian: true, byteOrderMark: false), false),
        };
        var path = Path.Combine(NewFolder(), "policy.yaml");
        File.WriteAllBytes(path, [.. (bom ? text.GetPreamble() : []), .. text.GetBytes(PolicyFixture.Minimal)]);

        var d = Assert.Single(PolicyCheck.Run(path).Diagnostics);
        Assert.Equal(new SourceLocation(path, 1, 1), d.Location);
        Assert.Equal(PolicyCodes.FileProblem, d.Code);
        Assert.Equal($"The file is {name}; save it as UTF-8.", d.Message);
    }

    [Fact]
    public void A_nul_byte_is_an_error_at_its_place()
    {
        var (path, line, column) = WithTitleBytes(0x00);
        var d = Assert.Single(PolicyCheck.Run(path).Diagnostics);
        Assert.Equal(new SourceLocation(path, line, column), d.Location);
        Assert.Contains("NUL byte", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_fine()
    {
        var path = Path.Combine(NewFolder(), "policy.yaml");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(PolicyFixture.Minimal)]);
        var result = PolicyCheck.Run(path);
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
        Assert.Equal("Privacy notice", result.Document!.Notice.Title!.En);
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_is_never_published()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (path, line, column) = WithTitleBytes(0xE9);
        var r = await StewardCli.RunAsync(db, "", "policy", "publish", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"{path}:{line}:{column}: error POL009: Byte 0xE9 is not UTF-8", r.Stderr, StringComparison.Ordinal);
        var versions = await StewardCli.RunAsync(db, "", "policy", "versions");
        Assert.Contains("no versions published yet", versions.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Subfolders_are_read_at_any_depth()
    {
        var dir = NewFolder();
        var yaml = PolicyFixture.Minimal;
        var cut = yaml.IndexOf("security_measures:", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), yaml[..cut]);
        Directory.CreateDirectory(Path.Combine(dir, "more", "deeper"));
        File.WriteAllText(Path.Combine(dir, "more", "deeper", "rest.YML"), yaml[cut..]);
        var result = PolicyCheck.Run(dir);
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
    }

    [Fact]
    public void Names_starting_with_a_dot_are_not_part_of_the_policy()
    {
        // A policy kept in its own repository has .github/workflows/*.yml beside it.
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), PolicyFixture.Minimal);
        Directory.CreateDirectory(Path.Combine(dir, ".github", "workflows"));
        File.WriteAllText(Path.Combine(dir, ".github", "workflows", "ci.yml"), "on: push\njobs: {}\n");
        File.WriteAllText(Path.Combine(dir, ".draft.yaml"), "purposes: {}\n");
        var result = PolicyCheck.Run(dir);
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
    }

    [Fact]
    public void A_linked_folder_is_read_once_even_in_a_loop()
    {
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), PolicyFixture.Minimal);
        Directory.CreateDirectory(Path.Combine(dir, "parts"));
        Directory.CreateSymbolicLink(Path.Combine(dir, "parts", "back"), dir);
        var result = PolicyCheck.Run(dir);
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
    }
}
