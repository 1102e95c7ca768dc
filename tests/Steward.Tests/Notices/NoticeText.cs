using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Steward.Notices;
using Steward.Policy;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Notices;

/// <summary>
/// The notice as a reader sees it, for tests that read it as text: the words of the article of the HTML page (tags
/// dropped, entities decoded, each block on its own line, runs of spaces as one), with every disclosure open or with
/// every disclosure closed (its summary still shown).
/// </summary>
internal static partial class NoticeText
{
    /// <summary>
    /// Characters of the reference privacy statement (zh-CN, effective 24 January 2023) whose promises the bundled
    /// example encodes: the length of its text as published, the yardstick of the notice's length.
    /// </summary>
    public const int ReferenceStatementCharacters = 12_238;

    public static string Full(string html) => Text(Article(html));

    public static string FirstLayer(string html) => Text(Disclosure().Replace(Article(html), m => $"<p>{m.Groups["summary"].Value}</p>"));

    /// <summary>Lines of the article with labels ("How long we keep it:") dropped: what is left of each line is prose or a value.</summary>
    public static List<string> ProseLines(string html) => [.. Lines(Text(Label().Replace(Article(html), "")))];

    /// <summary>The text of one purpose's disclosure: its name and everything it holds.</summary>
    public static string Purpose(string html, string key)
    {
        var start = html.IndexOf($"<details id=\"purpose-{key}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No purpose {key}.");
        return Full("<article>" + html[start..html.IndexOf("</details>", start, StringComparison.Ordinal)] + "</article>");
    }

    public static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The sentences of the text: runs that end with a full stop, question or exclamation mark, in either script. A
    /// value after a label ("your consent") is not a sentence.
    /// </summary>
    public static IEnumerable<string> Sentences(string text) =>
        Lines(text).SelectMany(line => SentenceEnd().Split(line)).Select(s => s.Trim()).Where(s => s.Length > 0 && "。！？.!?".Contains(s[^1], StringComparison.Ordinal));

    /// <summary>Sentences of at least some length that occur more than twice.</summary>
    public static List<string> RepeatedSentences(string html) =>
        [.. Sentences(string.Join('\n', ProseLines(html))).Where(s => s.Length >= 10).GroupBy(s => s, StringComparer.Ordinal).Where(g => g.Count() > 2).Select(g => $"{g.Count()}× {g.Key}")];

    private static string Article(string html)
    {
        var start = html.IndexOf("<article>", StringComparison.Ordinal);
        var end = html.IndexOf("</article>", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "The page has no article.");
        return html[start..end];
    }

    private static string Text(string html)
    {
        var blocks = BlockBoundary().Replace(html, "\n");
        var text = WebUtility.HtmlDecode(Tag().Replace(blocks, ""));
        return string.Join('\n', text.Split('\n').Select(l => Spaces().Replace(l, " ").Trim()).Where(l => l.Length > 0));
    }

    /// <summary>The bundled example (or another example's policy folder) rendered in a language, as the HTML page of the notice.</summary>
    public static Task<string> HtmlAsync(string policyPath, string lang, string? jurisdiction = null) =>
        NoticeRenderers.HtmlFileAsync(NoticeBuilder.Build(Published(policyPath), lang, jurisdiction));

    public static string Markdown(string policyPath, string lang, string? jurisdiction = null) =>
        NoticeRenderers.Markdown(NoticeBuilder.Build(Published(policyPath), lang, jurisdiction));

    public static PublishedPolicy Published(string policyPath)
    {
        var check = PolicyCheck.Run(policyPath);
        Assert.True(check.IsValid, string.Join('\n', check.Diagnostics));
        return new PublishedPolicy(new PolicyVersionInfo(1, "", new DateOnly(2026, 11, 29), false, null, DateTimeOffset.UnixEpoch, "test"), check.Document!);
    }

    /// <summary>The example policies of the repository: the bundled one, and any other example folder with a policy.</summary>
    public static TheoryData<string> Examples() => [.. ExampleNames()];

    public static IEnumerable<string> ExampleNames() =>
        Directory.GetDirectories(Repository.PathOf("examples")).Order(StringComparer.Ordinal)
            .Where(dir => Directory.Exists(Path.Combine(dir, "policy"))).Select(Path.GetFileName).OfType<string>();

    public static string ExamplePath(string example) => Repository.PathOf("examples", example, "policy");

    /// <summary>Every text of a policy in one language: its <c>en</c> or <c>zh-CN</c> values.</summary>
    public static List<string> PolicyTexts(string policyPath, string lang)
    {
        var json = JsonSerializer.SerializeToNode(PolicyCheck.Run(policyPath).Document!, PolicyLoader.Json)!;
        var texts = new List<string>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o when o["en"] is JsonValue && o["zh-CN"] is JsonValue:
                    texts.Add(o[lang]!.GetValue<string>());
                    break;
                case JsonObject o:
                    foreach (var (_, child) in o) Walk(child);
                    break;
                case JsonArray a:
                    foreach (var child in a) Walk(child);
                    break;
            }
        }
        Walk(json);
        return texts;
    }

    [GeneratedRegex(@"<details[^>]*>\s*<summary>(?<summary>.*?)</summary>.*?</details>", RegexOptions.Singleline)]
    private static partial Regex Disclosure();

    [GeneratedRegex(@"<p><strong>[^<]*</strong>")]
    private static partial Regex Label();

    [GeneratedRegex(@"</?(p|li|h[1-6]|tr|td|th|caption|summary|details|ul|ol|table|section|nav|div)\b[^>]*>")]
    private static partial Regex BlockBoundary();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t\u00A0]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"(?<=[。！？])|(?<=[.!?])(?=\s)")]
    private static partial Regex SentenceEnd();
}
