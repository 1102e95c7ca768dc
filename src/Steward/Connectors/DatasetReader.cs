using System.Globalization;
using Steward.People;
using Steward.Policy.Catalogue;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Steward.Connectors;

/// <summary>
/// Reads fideslang dataset YAML (plus Steward's <c>erase: delete</c>, <c>retention</c> and <c>retain</c>) into <see cref="DatasetDefinition"/>s,
/// checking what needs only the file: known keys, data categories, identity types and references between the file's collections.
/// </summary>
internal sealed class DatasetReader(Taxonomy taxonomy)
{
    private readonly List<DatasetProblem> _problems = [];

    public IReadOnlyList<DatasetProblem> Problems => _problems;

    public static readonly IReadOnlyDictionary<string, MaskingStrategy> Strategies = new Dictionary<string, MaskingStrategy>(StringComparer.Ordinal)
    {
        ["null_rewrite"] = MaskingStrategy.NullRewrite,
        ["string_rewrite"] = MaskingStrategy.StringRewrite,
        ["hash"] = MaskingStrategy.Hash,
        ["hmac"] = MaskingStrategy.Hmac,
        ["random_string_rewrite"] = MaskingStrategy.RandomStringRewrite,
    };

    /// <summary>The datasets of <paramref name="yaml"/>; empty when it cannot be read at all (see <see cref="Problems"/>).</summary>
    public IReadOnlyList<DatasetDefinition> Read(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            var at = message.IndexOf(") - (", StringComparison.Ordinal) is var i and >= 0 && message.IndexOf("): ", i, StringComparison.Ordinal) is var j and >= 0 ? message[(j + 3)..] : message;
            Error(at, e.End);
            return [];
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error("expected a mapping with a 'dataset' list", default(Mark));
            return [];
        }
        Keys(root, "dataset");
        if (Child(root, "dataset") is not YamlSequenceNode list)
        {
            Error("'dataset' must be a list of datasets", root.Start);
            return [];
        }
        var datasets = list.Children.Select(ReadDataset).OfType<DatasetDefinition>().ToList();
        foreach (var d in datasets.GroupBy(d => d.FidesKey).Where(g => g.Count() > 1)) Error($"dataset '{d.Key}' is declared twice", d.Last().At);
        CheckReferences(datasets);
        return datasets;
    }

    private DatasetDefinition? ReadDataset(YamlNode node)
    {
        if (!Mapping(node, "a dataset", out var map)) return null;
        Keys(map, "fides_key", "name", "description", "collections", "data_categories", "fides_meta", "organization_fides_key", "tags");
        var key = Text(map, "fides_key", required: true);
        var collections = Sequence(map, "collections").Select(ReadCollection).OfType<DatasetCollection>().ToList();
        foreach (var c in collections.GroupBy(c => c.Name).Where(g => g.Count() > 1)) Error($"collection '{c.Key}' is declared twice", c.Last().At);
        return key is null ? null : new DatasetDefinition(key, Text(map, "name"), Text(map, "description"), collections, At(map));
    }

    private DatasetCollection? ReadCollection(YamlNode node)
    {
        if (!Mapping(node, "a collection", out var map)) return null;
        Keys(map, "name", "description", "fields", "fides_meta", "data_categories");
        var name = Text(map, "name", required: true);
        var fields = Sequence(map, "fields").Select(ReadField).OfType<DatasetField>().ToList();
        foreach (var f in fields.GroupBy(f => f.Name).Where(g => g.Count() > 1)) Error($"field '{f.Key}' is declared twice", f.Last().At);
        if (name is null) return null;
        var collection = new DatasetCollection(name, fields, At(map));
        if (Child(map, "fides_meta") is { } metaNode && Mapping(metaNode, "fides_meta", out var meta))
        {
            Keys(meta, "after", "erase_after", "skip_processing", "erase", "retention");
            var erase = Text(meta, "erase");
            if (erase is not null and not "delete" and not "mask") Error($"erase must be 'delete' or 'mask', not '{erase}'", meta.Children[new YamlScalarNode("erase")].Start);
            collection = collection with { EraseByDelete = erase == "delete", After = Names(meta, "after"), EraseAfter = Names(meta, "erase_after") };
            if (Child(meta, "retention") is { } retentionNode && Mapping(retentionNode, "retention", out var retention))
            {
                Keys(retention, "clock");
                if (Text(retention, "clock", required: true) is { } clock)
                {
                    var at = Position(retention.Children[new YamlScalarNode("clock")].Start);
                    if (fields.All(f => f.Name != clock)) Error($"retention clock '{clock}' is not a field of collection '{name}'", at);
                    collection = collection with { RetentionClock = clock, RetentionClockAt = at };
                }
            }
        }
        return collection;
    }

    private DatasetField? ReadField(YamlNode node)
    {
        if (!Mapping(node, "a field", out var map)) return null;
        Keys(map, "name", "description", "data_categories", "fides_meta", "fields", "data_qualifier", "retention");
        var name = Text(map, "name", required: true);
        var categories = new List<string>();
        foreach (var c in Sequence(map, "data_categories"))
        {
            if (c is not YamlScalarNode { Value: { } category }) { Error("a data category must be a key such as user.contact.email", c.Start); continue; }
            if (!taxonomy.DataCategories.ContainsKey(category)) Error($"unknown data category '{category}' (see 'steward policy taxonomy')", c.Start);
            categories.Add(category);
        }
        if (name is null) return null;
        var field = new DatasetField(name, categories, At(map)) { Fields = Sequence(map, "fields").Select(ReadField).OfType<DatasetField>().ToList() };
        if (Child(map, "fides_meta") is not { } metaNode || !Mapping(metaNode, "fides_meta", out var meta)) return field;
        Keys(meta, "identity", "primary_key", "data_type", "references", "length", "read_only", "masking_strategy_override", "retain", "retain_reason",
            "return_all_elements", "custom_request_field");
        var identity = Text(meta, "identity");
        if (identity is not null && !IdentityTypes.TryParse(identity, out _))
            Error($"unknown identity '{identity}'; one of {string.Join(", ", IdentityTypes.All)}", meta.Children[new YamlScalarNode("identity")].Start);
        var retain = Text(meta, "retain");
        var reason = Text(meta, "retain_reason");
        if (retain is not null and not "legal-obligation")
            Error($"retain must be 'legal-obligation', not '{retain}'", meta.Children[new YamlScalarNode("retain")].Start);
        if (retain is not null && string.IsNullOrWhiteSpace(reason))
            Error("retain needs a retain_reason: the legal duty the person is told about", meta.Children[new YamlScalarNode("retain")].Start);
        field = field with
        {
            Identity = identity,
            PrimaryKey = Flag(meta, "primary_key"),
            ReadOnly = Flag(meta, "read_only"),
            DataType = Text(meta, "data_type"),
            Length = Text(meta, "length") is { } l ? int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : Invalid<int?>(meta, "length", "a whole number") : null,
            RetainReason = retain is null ? null : reason,
            References = Sequence(meta, "references").Select(ReadReference).OfType<FieldReference>().ToList(),
        };
        if (Child(meta, "masking_strategy_override") is { } maskNode && Mapping(maskNode, "masking_strategy_override", out var mask))
        {
            Keys(mask, "strategy", "configuration");
            var strategy = Text(mask, "strategy", required: true);
            if (strategy is not null && !Strategies.TryGetValue(strategy, out _))
                Error($"unknown masking strategy '{strategy}'; one of {string.Join(", ", Strategies.Keys)}", mask.Start);
            string? rewrite = null;
            if (Child(mask, "configuration") is YamlMappingNode config)
            {
                Keys(config, "rewrite_value", "length", "algorithm", "format_preservation");
                rewrite = Text(config, "rewrite_value");
            }
            field = field with { Masking = strategy is not null && Strategies.TryGetValue(strategy, out var s) ? s : MaskingStrategy.NullRewrite, RewriteValue = rewrite };
            if (field.Masking == MaskingStrategy.StringRewrite && rewrite is null) Error("string_rewrite needs configuration.rewrite_value", mask.Start);
        }
        return field;
    }

    private FieldReference? ReadReference(YamlNode node)
    {
        if (!Mapping(node, "a reference", out var map)) return null;
        Keys(map, "dataset", "field", "direction");
        var dataset = Text(map, "dataset", required: true);
        var field = Text(map, "field", required: true);
        var direction = Text(map, "direction", required: true);
        if (dataset is null || field is null || direction is null) return null;
        if (direction is not "from" and not "to") { Error($"direction must be 'from' or 'to', not '{direction}'", map.Start); return null; }
        var dot = field.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == field.Length - 1) { Error($"reference field must be 'collection.field', not '{field}'", map.Start); return null; }
        return new FieldReference(dataset, field[..dot], field[(dot + 1)..], direction == "from" ? ReferenceDirection.From : ReferenceDirection.To, At(map));
    }

    private void CheckReferences(List<DatasetDefinition> datasets)
    {
        foreach (var d in datasets)
            foreach (var c in d.Collections)
                foreach (var f in c.Fields)
                    foreach (var r in f.References)
                    {
                        var target = datasets.FirstOrDefault(x => x.FidesKey == r.Dataset);
                        // A dataset imported earlier may be the target; the importer checks those against stored datasets.
                        if (target is null) continue;
                        if (target.Collection(r.Collection) is not { } tc) Error($"reference to unknown collection '{r.Dataset}.{r.Collection}'", r.At);
                        else if (tc.Field(r.Field) is null) Error($"reference to unknown field '{r.Dataset}.{r.Collection}.{r.Field}'", r.At);
                    }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private void Keys(YamlMappingNode map, params string[] known)
    {
        foreach (var k in map.Children.Keys)
            if (k is not YamlScalarNode { Value: { } name } || !known.Contains(name, StringComparer.Ordinal))
                Error($"unknown key '{(k as YamlScalarNode)?.Value}'; expected one of {string.Join(", ", known)}", k.Start);
    }

    private bool Mapping(YamlNode node, string what, out YamlMappingNode map)
    {
        map = node as YamlMappingNode ?? new YamlMappingNode();
        if (node is YamlMappingNode) return true;
        Error($"expected {what} (a mapping)", node.Start);
        return false;
    }

    private IEnumerable<YamlNode> Sequence(YamlMappingNode map, string key)
    {
        var child = Child(map, key);
        if (child is null or YamlScalarNode { Value: null or "" }) return [];
        if (child is YamlSequenceNode s) return s.Children;
        Error($"'{key}' must be a list", child.Start);
        return [];
    }

    private string? Text(YamlMappingNode map, string key, bool required = false)
    {
        var child = Child(map, key);
        if (child is YamlScalarNode { Value: { Length: > 0 } v }) return v;
        if (required || child is not null and not YamlScalarNode) Error(child is null ? $"'{key}' is required" : $"'{key}' must be a single value", child?.Start ?? map.Start);
        return null;
    }

    private List<string> Names(YamlMappingNode map, string key)
    {
        var names = new List<string>();
        foreach (var node in Sequence(map, key))
        {
            if (node is YamlScalarNode { Value: { } name } && name.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot && dot < name.Length - 1) names.Add(name);
            else Error($"'{key}' lists collections as 'dataset.collection'", node.Start);
        }
        return names;
    }

    private bool Flag(YamlMappingNode map, string key) => Text(map, key) switch
    {
        null or "false" => false,
        "true" => true,
        _ => Invalid<bool>(map, key, "true or false"),
    };

    private T? Invalid<T>(YamlMappingNode map, string key, string expected)
    {
        Error($"'{key}' must be {expected}", Child(map, key)!.Start);
        return default;
    }

    private void Error(string message, Mark at) => _problems.Add(new DatasetProblem(message, Position(at)));

    private void Error(string message, SourceMark at) => _problems.Add(new DatasetProblem(message, at));

    private static SourceMark At(YamlNode node) => Position(node.Start);

    private static SourceMark Position(Mark mark) => new((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));
}
