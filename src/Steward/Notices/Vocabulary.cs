using System.Globalization;
using System.Text.RegularExpressions;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Notices;

/// <summary>
/// How the notice, the record of processing and the diffs say the policy's fixed values in words: enum values,
/// countries, dates, periods, retention, lists. The one home of these words, so every output says them alike.
/// </summary>
internal static partial class Vocabulary
{
    /// <summary>The display name of an enum value of the policy model (a legal basis, a safeguard, ...).</summary>
    public static string Name(Enum value, string lang) =>
        Language.Strings<VocabularyStrings>(lang).Names.TryGetValue(value, out var name) ? name : value.ToString();

    /// <summary>A country's name in the notice's language (ISO 3166-1 alpha-2 code in, name out); unknown codes stay as they are.</summary>
    public static string Country(string code, string lang)
    {
        if (code == "worldwide") return Language.Strings<VocabularyStrings>(lang).Worldwide;
        // .NET's RegionInfo names countries only in the installed UI language, so the names ship as data.
        return Countries.Names.TryGetValue(code.ToUpperInvariant(), out var name) ? name.In(lang) : code;
    }

    /// <summary>A date as people write it: 24 January 2023, 2023 年 1 月 24 日.</summary>
    public static string Date(DateOnly date, string lang) =>
        date.ToString(Language.Strings<VocabularyStrings>(lang).DateFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// Joins items as a sentence list: "a, b and c" / "a、b和c". Where an item holds a conjunction itself, the last
    /// one joins so the reader still sees the items: "purchase and membership records, and identifiers" /
    /// "购买和会员记录、唯一标识符", not "购买和会员记录和唯一标识符".
    /// </summary>
    public static string List(IEnumerable<string> items, string lang)
    {
        var list = items.Where(i => !string.IsNullOrWhiteSpace(i)).Distinct().ToList();
        if (list.Count <= 1) return list.FirstOrDefault() ?? "";
        var w = Language.Strings<VocabularyStrings>(lang);
        var ambiguous = list.Any(i => w.Conjunctions.Split('|').Any(c => i.Contains(c, StringComparison.Ordinal)));
        return string.Join(w.ListComma, list[..^1]) + (ambiguous ? w.ListAndAfterConjunction : w.ListAnd) + list[^1];
    }

    /// <summary>Joins alternatives: "a, b or c" / "a、b或c".</summary>
    public static string Either(IEnumerable<string> items, string lang)
    {
        var list = items.Where(i => !string.IsNullOrWhiteSpace(i)).Distinct().ToList();
        if (list.Count <= 1) return list.FirstOrDefault() ?? "";
        var w = Language.Strings<VocabularyStrings>(lang);
        return string.Join(w.ListComma, list[..^1]) + w.ListOr + list[^1];
    }

    /// <summary>
    /// Where a law applies, without the law: "Mainland China" for "Mainland China (PIPL)". The catalogue names every
    /// law as its place followed by the law in brackets.
    /// </summary>
    public static string Place(Jurisdiction law, string lang)
    {
        var name = law.Name.In(lang);
        var cut = name.IndexOfAny(['（', '(']);
        var place = cut > 0 ? name[..cut].TrimEnd() : name;
        // A law of one country is written as that country is ("mainland China" inside a sentence).
        return law.Domestic is [var only] && Country(only, lang) is var country && string.Equals(country, place, StringComparison.OrdinalIgnoreCase) ? country : place;
    }

    /// <summary>A place name as it stands in a sentence: "the United Kingdom", "Brazil"; Chinese names as they are.</summary>
    public static string InProse(string place, string lang)
    {
        var w = Language.Strings<VocabularyStrings>(lang);
        var words = w.NamesWithArticle.Split('|', StringSplitOptions.RemoveEmptyEntries);
        return words.Any(n => place.Contains(n, StringComparison.Ordinal)) && !place.StartsWith(w.DefiniteArticle, StringComparison.OrdinalIgnoreCase)
            ? w.DefiniteArticle + place : place;
    }

    /// <summary>A period in words: "3 years", "12 个月", "until the browser session ends".</summary>
    public static string Period(Duration period, string lang)
    {
        var w = Language.Strings<VocabularyStrings>(lang);
        if (period.IsSession) return w.Session;
        var parts = new List<string>();
        void Add(int n, string one, string many)
        {
            if (n > 0) parts.Add(Language.Format(n == 1 ? one : many, n));
        }
        Add(period.Years, w.Year, w.Years);
        Add(period.Months, w.Month, w.Months);
        Add(period.Weeks, w.Week, w.Weeks);
        Add(period.Days, w.Day, w.Days);
        return string.Join(w.PeriodSeparator, parts);
    }

    /// <summary>
    /// How long a purpose keeps data, in words: first the general rule ("3 years, after the account is closed"),
    /// then one part per rule of its own with the data categories kept so ("email address: 1 year"). Without the end action, which
    /// each output states its own way.
    /// </summary>
    public static IReadOnlyList<string> Retention(Policy.Model.Retention r, PolicyDocument policy, string lang)
    {
        var w = Language.Strings<VocabularyStrings>(lang);
        string Rule(Duration? period, LocalizedText? criteria) =>
            string.Join(w.ClauseSeparator, new[] { period is { } p ? Period(p, lang) : "", criteria?.In(lang) ?? "" }.Where(x => x.Length > 0));
        var parts = new List<string>();
        if (Rule(r.Period, r.Criteria) is { Length: > 0 } general) parts.Add(general);
        // Categories kept alike are one item: "device and unique identifiers: until ...", not the same rule twice.
        foreach (var same in r.Categories.GroupBy(c => Rule(c.Value.Period, c.Value.Criteria)))
            parts.Add(List(same.Select(c => InSentence(policy.Taxonomy.DataCategories.GetValueOrDefault(c.Key), c.Key, lang)), lang) + w.LabelSeparator + same.Key);
        return parts;
    }

    /// <summary>
    /// A taxonomy name inside an English sentence. fideslang's names are titles ("User Contact Email"), so
    /// their capitalised words are lowered; the policy's own names only lose the capital of their first
    /// word. Acronyms (IP, ID) stay. Chinese has no capitals and stays as it is.
    /// </summary>
    /// <remarks>Words in <paramref name="properNouns"/> keep their capital (Northwind): see <see cref="ProperNouns"/>.</remarks>
    public static string InSentence(TaxonomyEntry? entry, string key, string lang, IReadOnlySet<string>? properNouns = null)
    {
        if (entry is null) return key;
        var name = entry.Name.In(lang);
        if (!Language.Strings<VocabularyStrings>(lang).LowerInSentences) return name;
        // fideslang's names hold no names of the policy's, so only the policy's own can start with one.
        string Lower(string w) =>
            entry.FromPolicy && properNouns?.Contains(w) == true ? w
            : w.Contains('/', StringComparison.Ordinal) ? string.Join('/', w.Split('/').Select(Lower))
            : w.Length > 1 && char.IsUpper(w[0]) && w.Skip(1).All(char.IsLower) ? char.ToLowerInvariant(w[0]) + w[1..] : w;
        var words = name.Split(' ');
        return string.Join(' ', entry.FromPolicy ? words.Take(1).Select(Lower).Concat(words.Skip(1)) : words.Select(Lower));
    }

    /// <summary>
    /// The words a policy's English texts capitalise in the middle of a sentence and never write in lower case
    /// (Northwind, Academy): names, which keep their capital when a name that starts with them is used inside a
    /// sentence. Quoted labels ("Contact us") do not count.
    /// </summary>
    public static IReadOnlySet<string> ProperNouns(IEnumerable<string> texts)
    {
        var capitalised = new HashSet<string>(StringComparer.Ordinal);
        var lower = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var words = Quoted().Replace(text, " ").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < words.Length; i++)
            {
                var word = words[i].Trim('(', ')', ',', ';', ':', '.', '!', '?');
                if (word.Length < 2 || !word.Skip(1).All(char.IsLower)) continue;
                if (char.IsLower(word[0])) lower.Add(word);
                else if (i > 0 && words[i - 1][^1] is not ('.' or '!' or '?' or ':')) capitalised.Add(word);
            }
        }
        capitalised.RemoveWhere(w => lower.Contains(w.ToLowerInvariant()));
        return capitalised;
    }

    [GeneratedRegex("\"[^\"]*\"|“[^”]*”")]
    private static partial Regex Quoted();

    /// <summary>Ends a text as a sentence unless it already ends with a full stop or a question or exclamation mark.</summary>
    public static string Sentence(string text, string lang) =>
        text.Length == 0 || ".。!?！？".Contains(text[^1], StringComparison.Ordinal) ? text : text + Language.Strings<VocabularyStrings>(lang).SentenceEnd;
}
