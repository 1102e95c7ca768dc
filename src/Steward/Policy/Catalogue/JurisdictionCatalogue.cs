using System.Text.Json;
using Steward.Policy.Model;

namespace Steward.Policy.Catalogue;

/// <summary>What Steward knows about one law: its legal bases, children's age, transfer regime.</summary>
public sealed record Jurisdiction(
    string Key,
    LocalizedText Name,
    bool RequiresLegalBasis,
    IReadOnlyList<LegalBasis> LegalBases,
    int MinimumChildAge,
    bool RestrictsTransfers,
    IReadOnlyList<string> Domestic,
    IReadOnlyList<string> Adequate,
    string? Notes,
    IReadOnlyList<Safeguard>? Safeguards = null);

/// <summary>The bundled rule pack of jurisdictions (Catalogue/jurisdictions.json).</summary>
public sealed class JurisdictionCatalogue
{
    public IReadOnlyDictionary<string, Jurisdiction> ByKey { get; }

    private JurisdictionCatalogue(IEnumerable<Jurisdiction> all) =>
        ByKey = all.ToDictionary(j => j.Key, StringComparer.Ordinal);

    public static JurisdictionCatalogue Bundled { get; } = Load();

    public Jurisdiction? Find(string key) => ByKey.GetValueOrDefault(key);

    private sealed record File(List<Jurisdiction> Jurisdictions);

    private static JurisdictionCatalogue Load()
    {
        using var stream = typeof(JurisdictionCatalogue).Assembly.GetManifestResourceStream("Steward.Policy.Catalogue.jurisdictions.json")
            ?? throw new InvalidOperationException("The jurisdiction catalogue is not embedded.");
        var file = JsonSerializer.Deserialize<File>(stream, PolicyLoader.Json)!;
        return new JurisdictionCatalogue(file.Jurisdictions);
    }
}
