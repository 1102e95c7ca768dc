using System.Text.Json;
using Steward.Policy.Model;

namespace Steward.Policy.Catalogue;

/// <summary>One data category, use or subject: bundled (fideslang) or added by the policy.</summary>
internal sealed record TaxonomyEntry(string Key, string? Parent, LocalizedText Name, LocalizedText? Description, bool FromPolicy = false)
{
    /// <summary>Jurisdictions where the policy marks this category sensitive, beyond what the law's catalogue entry says.</summary>
    public IReadOnlyList<string> SensitiveIn { get; init; } = [];
}

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
            bundled.Values.Select(b => custom.TryGetValue(b.Key, out var c)
                    ? b with
                    {
                        Name = c.Name ?? b.Name,
                        Description = c.Description ?? b.Description,
                        FromPolicy = c.Name is not null || b.FromPolicy,
                        SensitiveIn = c.SensitiveIn,
                    }
                    : b)
                .Concat(custom.Where(c => !bundled.ContainsKey(c.Key))
                    .Select(c => new TaxonomyEntry(c.Key, c.Value.Parent, c.Value.Name ?? new LocalizedText { En = c.Key, ZhCn = c.Key }, c.Value.Description, FromPolicy: true)
                    {
                        SensitiveIn = c.Value.SensitiveIn,
                    }));
        return new Taxonomy(Source, Merge(DataCategories, policy.DataCategories), Merge(DataUses, policy.DataUses), Merge(DataSubjects, policy.DataSubjects));
    }

    /// <summary>
    /// Whether a data category is sensitive personal information under a law: it or a category above it is in the law's
    /// list (<c>sensitive_categories</c> of the catalogue) or marked <c>sensitive_in</c> that law by the policy.
    /// </summary>
    public bool IsSensitive(string category, Jurisdiction law)
    {
        // The parent chain of a well-formed taxonomy is short; the bound stops a cycle of custom parents.
        string? key = category;
        for (var steps = 0; key is not null && steps < 32; steps++)
        {
            if (law.SensitiveCategories?.Contains(key) == true) return true;
            if (!DataCategories.TryGetValue(key, out var entry)) return false;
            if (entry.SensitiveIn.Contains(law.Key)) return true;
            key = entry.Parent;
        }
        return false;
    }

    /// <summary>The same, for a jurisdiction key of the bundled catalogue; false for an unknown one.</summary>
    public bool IsSensitive(string category, string jurisdiction) =>
        JurisdictionCatalogue.Bundled.Find(jurisdiction) is { } law && IsSensitive(category, law);

    /// <summary>The data categories of a purpose that are sensitive under a law, in the purpose's order.</summary>
    public IReadOnlyList<string> SensitiveCategories(Purpose purpose, Jurisdiction law) =>
        purpose.DataCategories.Where(c => IsSensitive(c, law)).ToList();

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
