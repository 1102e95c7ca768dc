using System.Text.Json;
using Steward.Policy.Model;

namespace Steward.Policy.Catalogue;

/// <summary>One data category, use or subject: bundled (fideslang) or added by the policy.</summary>
internal sealed record TaxonomyEntry(string Key, string? Parent, LocalizedText Name, LocalizedText? Description, bool FromPolicy = false);

/// <summary>The three fideslang vocabularies; bundled under CC BY 4.0 (see Taxonomy/ATTRIBUTION.md).</summary>
internal sealed class Taxonomy
{
    public IReadOnlyDictionary<string, TaxonomyEntry> DataCategories { get; }
    public IReadOnlyDictionary<string, TaxonomyEntry> DataUses { get; }
    public IReadOnlyDictionary<string, TaxonomyEntry> DataSubjects { get; }
    public string Source { get; }

    private Taxonomy(string source, IEnumerable<TaxonomyEntry> categories, IEnumerable<TaxonomyEntry> uses, IEnumerable<TaxonomyEntry> subjects)
    {
        Source = source;
        DataCategories = categories.ToDictionary(e => e.Key, StringComparer.Ordinal);
        DataUses = uses.ToDictionary(e => e.Key, StringComparer.Ordinal);
        DataSubjects = subjects.ToDictionary(e => e.Key, StringComparer.Ordinal);
    }

    public static Taxonomy Bundled { get; } = Load();

    /// <summary>The bundled taxonomy extended with a policy's own entries.</summary>
    public Taxonomy ExtendedBy(PolicyDocument policy)
    {
        // A policy entry with a bundled key renames it (the office's own wording); its place in the tree stays.
        static IEnumerable<TaxonomyEntry> Merge(IReadOnlyDictionary<string, TaxonomyEntry> bundled, Dictionary<string, TaxonomyExtension> custom) =>
            bundled.Values.Select(b => custom.TryGetValue(b.Key, out var c) && c.Name is not null ? b with { Name = c.Name, Description = c.Description ?? b.Description, FromPolicy = true } : b)
                .Concat(custom.Where(c => !bundled.ContainsKey(c.Key))
                    .Select(c => new TaxonomyEntry(c.Key, c.Value.Parent, c.Value.Name ?? new LocalizedText { En = c.Key, ZhCn = c.Key }, c.Value.Description, FromPolicy: true)));
        return new Taxonomy(Source, Merge(DataCategories, policy.DataCategories), Merge(DataUses, policy.DataUses), Merge(DataSubjects, policy.DataSubjects));
    }

    private sealed record Entry(string Key, string? Parent, LocalizedText Name, LocalizedText? Description);
    private sealed record File(string Source, string Licence, List<Entry> DataCategories, List<Entry> DataUses, List<Entry> DataSubjects);

    private static Taxonomy Load()
    {
        using var stream = typeof(Taxonomy).Assembly.GetManifestResourceStream("Steward.Policy.Taxonomy.fideslang.json")
            ?? throw new InvalidOperationException("The fideslang taxonomy is not embedded.");
        var file = JsonSerializer.Deserialize<File>(stream, PolicyLoader.Json)!;
        static IEnumerable<TaxonomyEntry> Map(List<Entry> entries) => entries.Select(e => new TaxonomyEntry(e.Key, e.Parent, e.Name, e.Description));
        return new Taxonomy(file.Source, Map(file.DataCategories), Map(file.DataUses), Map(file.DataSubjects));
    }
}
