using System.Text.RegularExpressions;
using Steward.Policy;
using Steward.Policy.Catalogue;

namespace Steward.Tests.Notices;

/// <summary>
/// What can be checked mechanically of a notice written as a person writes: Chinese spaced from Latin and digits,
/// no keys of the policy, no English in the Chinese notice beyond names and abbreviations, no capitals in the
/// middle of an English sentence nor a lower-case start of a line, every address a link, no sentence said more
/// than twice. Over every example policy of the repository, in both languages.
/// </summary>
public sealed partial class NoticeWordingTests
{
    public static TheoryData<string> Examples() => NoticeText.Examples();

    public static TheoryData<string, string> ExamplesAndLanguages()
    {
        var data = new TheoryData<string, string>();
        foreach (var example in NoticeText.ExampleNames())
            foreach (var lang in new[] { "zh-CN", "en" }) data.Add(example, lang);
        return data;
    }

    [Theory]
    [MemberData(nameof(ExamplesAndLanguages))]
    public async Task No_sentence_is_said_more_than_twice(string example, string lang)
    {
        var html = await NoticeText.HtmlAsync(NoticeText.ExamplePath(example), lang);
        Assert.Empty(NoticeText.RepeatedSentences(html));
    }

    [Theory]
    [MemberData(nameof(ExamplesAndLanguages))]
    public async Task No_key_of_the_policy_reaches_the_reader(string example, string lang)
    {
        var path = NoticeText.ExamplePath(example);
        var text = WithoutAddresses(NoticeText.Full(await NoticeText.HtmlAsync(path, lang)));
        var names = Names(path);
        // A hyphenated word the policy's own texts use ("third-party") is a word, not a key.
        var policyKeys = PolicyKeys(path);
        policyKeys.ExceptWith(NoticeText.PolicyTexts(path, lang).SelectMany(t => Key().Matches(t).Select(m => m.Value)));
        var keys = Key().Matches(text).Select(m => m.Value)
            .Where(k => !names.Contains(k) && (k.Contains('_', StringComparison.Ordinal) || k.Contains('.', StringComparison.Ordinal) || policyKeys.Contains(k)))
            .Distinct().ToList();
        Assert.True(keys.Count == 0, "Keys in the notice: " + string.Join(", ", keys));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Chinese_is_spaced_from_latin_letters_and_digits_and_carries_no_english_beyond_names(string example)
    {
        var path = NoticeText.ExamplePath(example);
        var text = NoticeText.Full(await NoticeText.HtmlAsync(path, "zh-CN"));
        var glued = Glued().Matches(text).Select(m => m.Value).Distinct().ToList();
        Assert.True(glued.Count == 0, "Chinese glued to Latin or digits: " + string.Join(" | ", glued));

        var allowed = ChineseLatinAllowed(path);
        var english = LatinWord().Matches(WithoutAddresses(text)).Select(m => m.Value.Trim('.', '-', '\'')).Where(w => w.Length > 0 && !allowed.Contains(w)).Distinct().ToList();
        Assert.True(english.Count == 0, "Latin words that are neither names nor abbreviations: " + string.Join(", ", english));
        Assert.Contains("2026 年 11 月 29 日起生效", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task English_has_no_capital_in_the_middle_of_a_sentence_and_no_line_starts_in_lower_case(string example)
    {
        var path = NoticeText.ExamplePath(example);
        var html = await NoticeText.HtmlAsync(path, "en");
        var names = EnglishNames(path);
        var prose = NoticeText.Full(Table().Replace(html, ""));
        var capitals = MidSentenceCapital().Matches(Quoted().Replace(prose, "\"\""))
            .Select(m => m.Groups["word"].Value).Where(w => !names.Contains(w)).Distinct().ToList();
        Assert.True(capitals.Count == 0, "Capitals in the middle of a sentence: " + string.Join(", ", capitals));
        var lower = NoticeText.Lines(prose).Where(l => char.IsLower(l[0]) && !Address().IsMatch(l[..Math.Min(l.Length, 60)].Split(' ')[0])).ToList();
        Assert.True(lower.Count == 0, "Lines that start in lower case: " + string.Join(" | ", lower));
    }

    [Theory]
    [MemberData(nameof(ExamplesAndLanguages))]
    public async Task Every_web_and_email_address_is_a_link(string example, string lang)
    {
        var html = await NoticeText.HtmlAsync(NoticeText.ExamplePath(example), lang);
        var outsideLinks = NoticeText.Full(AnchorElement().Replace(html, ""));
        var bare = Address().Matches(outsideLinks).Select(m => m.Value).ToList();
        Assert.True(bare.Count == 0, "Addresses that are not links: " + string.Join(", ", bare));
        Assert.Matches("<a href=\"mailto:[^\"]+@[^\"]+\">", html);
    }

    private static string WithoutAddresses(string text) => Address().Replace(text, " ");

    /// <summary>Every key a policy uses: of its maps, of the taxonomy it refers to, of the jurisdictions and of the values of its fields.</summary>
    private static HashSet<string> PolicyKeys(string path)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(PolicyCheck.Run(path).Document!, PolicyLoader.Json)!;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Walk(System.Text.Json.Nodes.JsonNode? node)
        {
            switch (node)
            {
                case System.Text.Json.Nodes.JsonObject o:
                    foreach (var (key, child) in o) { keys.Add(key); Walk(child); }
                    break;
                case System.Text.Json.Nodes.JsonArray a:
                    foreach (var child in a) Walk(child);
                    break;
                case System.Text.Json.Nodes.JsonValue v when v.TryGetValue<string>(out var s) && !s.Contains(' ', StringComparison.Ordinal):
                    keys.Add(s);
                    break;
            }
        }
        Walk(json);
        keys.UnionWith(JurisdictionCatalogue.Bundled.ByKey.Keys);
        return keys;
    }

    /// <summary>Names that look like keys but are what the reader sees on their device: cookie and SDK names.</summary>
    private static HashSet<string> Names(string path)
    {
        var p = PolicyCheck.Run(path).Document!;
        return [.. (p.Cookies?.Items.Keys.AsEnumerable() ?? []).Concat(p.Sdks.Values.Select(s => s.Name ?? ""))];
    }

    /// <summary>
    /// Latin words a Chinese notice may carry: those the policy's own Chinese texts use (company names, addresses),
    /// the names of cookies, SDKs, providers and languages, the catalogue's names of laws, and abbreviations.
    /// </summary>
    private static HashSet<string> ChineseLatinAllowed(string path)
    {
        var p = PolicyCheck.Run(path).Document!;
        IEnumerable<string> texts =
        [
            .. NoticeText.PolicyTexts(path, "zh-CN"), .. Names(path), .. p.Notice.OtherLanguages,
            // The platforms an SDK runs on are product names (Android).
            .. p.Sdks.Values.SelectMany(s => s.Platforms),
            .. JurisdictionCatalogue.Bundled.ByKey.Values.Select(j => j.Name.In("zh-CN")),
            // Providers are names: only their capitalised words.
            .. (p.Cookies?.Items.Values.Select(i => i.Provider ?? "") ?? []).SelectMany(x => x.Split(' ')).Where(w => w.Length > 0 && char.IsUpper(w[0])),
            "Cookie SDK ID IP IT URL GPC CCPA CPRA BCR-C BCR-P CBPR PRP APEC",
        ];
        return [.. texts.SelectMany(t => LatinWord().Matches(t).Select(m => m.Value.Trim('.', '-', '\'')))];
    }

    /// <summary>Words English capitalises inside a sentence: the policy's names (any word it capitalises inside a sentence), laws and places.</summary>
    private static HashSet<string> EnglishNames(string path)
    {
        var p = PolicyCheck.Run(path).Document!;
        IEnumerable<string> names =
        [
            .. NoticeText.PolicyTexts(path, "en").SelectMany(t => MidSentenceCapital().Matches(Quoted().Replace(t, "\"\"")).Select(m => m.Groups["word"].Value)),
            .. p.Notice.OtherLanguages.SelectMany(l => l.Split(' ', '(', ')')),
            .. JurisdictionCatalogue.Bundled.ByKey.Values.SelectMany(j => j.Name.In("en").Split(' ', '(', ')', '/')),
            .. p.Entities.Values.SelectMany(e => (e.Name?.En ?? "").Split(' ')),
            .. (p.Cookies?.Items.Values.SelectMany(i => (i.Provider ?? "").Split(' ')) ?? []),
            "Simplified", "Chinese", "English", "Privacy", "Preference", "Centre", "China's", "Personal", "Information", "Protection", "Law",
            "Brazil's", "Brazilian", "European", "LGPD", "CCPA", "GDPR", "PIPL", "SDK", "SDKs", "ID", "IP",
        ];
        return [.. names.Select(n => n.Trim(',', '.', ';', ':'))];
    }

    // A key: words joined by _ . or - in lower case (user.contact.email, cn-pipl, first_party).
    [GeneratedRegex(@"(?<![\w@/.-])(?=[a-z0-9_.-]*[a-z])[a-z0-9]+(?:[_.-][a-z0-9]+)+(?![\w@/-])")]
    private static partial Regex Key();

    [GeneratedRegex(@"[\u3400-\u9FFF][A-Za-z0-9]|[A-Za-z0-9%][\u3400-\u9FFF]")]
    private static partial Regex Glued();

    [GeneratedRegex(@"[A-Za-z\u00C0-\u024F][A-Za-z0-9\u00C0-\u024F'’.\-]*")]
    private static partial Regex LatinWord();

    [GeneratedRegex(@"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@./-])(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|example)\b")]
    private static partial Regex Address();

    // A capitalised word after a word that ends in a lower-case letter or a comma: inside a sentence.
    [GeneratedRegex(@"(?<=[a-z,] )(?<word>[A-Z][a-z]+)\b")]
    private static partial Regex MidSentenceCapital();

    [GeneratedRegex("\"[^\"]*\"|“[^”]*”")]
    private static partial Regex Quoted();

    [GeneratedRegex("<table>.*?</table>", RegexOptions.Singleline)]
    private static partial Regex Table();

    [GeneratedRegex("<a [^>]*>.*?</a>", RegexOptions.Singleline)]
    private static partial Regex AnchorElement();
}
