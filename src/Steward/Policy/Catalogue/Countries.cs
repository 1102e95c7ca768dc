using System.Globalization;
using System.Text.Json;
using Steward.Policy.Model;

namespace Steward.Policy.Catalogue;

/// <summary>
/// The 249 assigned ISO 3166-1 alpha-2 codes with their names in en and zh-CN (Notices/countries.json): what a policy
/// may name as a country, and what the notice prints for it.
/// </summary>
internal static class Countries
{
    /// <summary>Name by code; codes are in capitals, as ISO writes them.</summary>
    public static IReadOnlyDictionary<string, LocalizedText> Names { get; } = Load();

    public static bool IsAssigned(string code) => code.Length == 2 && Names.ContainsKey(code);

    /// <summary>
    /// The assigned code the author most likely meant by <paramref name="given"/>: the same in capitals (de), the
    /// alpha-2 code of an alpha-3 one (USA), of a code ISO reserves for other uses (UK, EL), or of a country's name in
    /// either language (Germany, 德国). Null when nothing is close.
    /// </summary>
    public static string? Suggest(string given)
    {
        var upper = given.Trim().ToUpperInvariant();
        if (IsAssigned(upper)) return upper;
        if (Reserved.TryGetValue(upper, out var reserved)) return reserved;
        if (upper.Length == 3 && Alpha3.Value.TryGetValue(upper, out var alpha2)) return alpha2;
        return ByName.Value.GetValueOrDefault(given.Trim());
    }

    // Exceptionally reserved codes that people write for a country which has another code.
    private static readonly Dictionary<string, string> Reserved = new(StringComparer.Ordinal) { ["UK"] = "GB", ["EL"] = "GR" };

    // Only needed for a suggestion, so built on the first mistake; the alpha-3 codes come with .NET's region data.
    private static readonly Lazy<Dictionary<string, string>> Alpha3 = new(() =>
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var code in Names.Keys)
        {
            try { map.TryAdd(new RegionInfo(code).ThreeLetterISORegionName, code); }
            catch (ArgumentException) { } // a territory the installed region data does not know: no suggestion for it
        }
        return map;
    });

    private static readonly Lazy<Dictionary<string, string>> ByName = new(() =>
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (code, name) in Names)
        {
            if (name.En is { } en) map.TryAdd(en, code);
            if (name.ZhCn is { } zh) map.TryAdd(zh, code);
        }
        return map;
    });

    private static Dictionary<string, LocalizedText> Load()
    {
        using var stream = typeof(Countries).Assembly.GetManifestResourceStream("Steward.Notices.countries.json")
            ?? throw new InvalidOperationException("The country names are not embedded.");
        return JsonSerializer.Deserialize<Dictionary<string, LocalizedText>>(stream, PolicyLoader.Json)!;
    }
}
