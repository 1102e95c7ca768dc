namespace Steward.Connectors;

/// <summary>Where something stands in a dataset file (1-based), for messages a person can act on.</summary>
internal readonly record struct SourceMark(int Line, int Column);

/// <summary>A problem found while importing a dataset; warnings do not stop the import.</summary>
internal sealed record DatasetProblem(string Message, SourceMark At, bool Warning = false)
{
    public string Format(string source) => $"{source}:{At.Line}:{At.Column}: {(Warning ? "warning: " : "")}{Message}";
}

/// <summary>How a reference lets values flow (fideslang): <c>from</c> the referenced field into this one, or <c>to</c> it.</summary>
internal enum ReferenceDirection
{
    /// <summary>The referenced field's values find this collection's rows (the person's child rows, e.g. orders by customer id).</summary>
    From,
    /// <summary>This field's values look up the referenced rows (a lookup, e.g. customer.address_id → address.id); followed forward only.</summary>
    To,
}

/// <summary>A declared (or foreign-key derived) reference of a field to another collection's field.</summary>
internal sealed record FieldReference(string Dataset, string Collection, string Field, ReferenceDirection Direction, SourceMark At, bool FromForeignKey = false);

/// <summary>How an erased field is overwritten (fideslang masking strategies Steward applies).</summary>
internal enum MaskingStrategy
{
    NullRewrite,
    StringRewrite,
    Hash,
    Hmac,
    RandomStringRewrite,
}

/// <summary>One column of a collection.</summary>
internal sealed record DatasetField(string Name, IReadOnlyList<string> DataCategories, SourceMark At)
{
    public string? Identity { get; init; }
    public bool PrimaryKey { get; init; }
    public string? DataType { get; init; }
    public int? Length { get; init; }
    public bool ReadOnly { get; init; }
    public MaskingStrategy Masking { get; init; } = MaskingStrategy.NullRewrite;
    /// <summary>The replacement text of <see cref="MaskingStrategy.StringRewrite"/>.</summary>
    public string? RewriteValue { get; init; }
    /// <summary>Kept under a legal duty (Steward's <c>retain: legal-obligation</c>): never erased, reported with this reason.</summary>
    public string? RetainReason { get; init; }
    public IReadOnlyList<FieldReference> References { get; init; } = [];
    /// <summary>Fields inside a document field; kept for the data map, not read from SQL databases.</summary>
    public IReadOnlyList<DatasetField> Fields { get; init; } = [];

    /// <summary>True when erasure overwrites it: it holds data about a person and nothing keeps it.</summary>
    public bool Erasable => !ReadOnly && RetainReason is null && DataCategories.Any(c => c.StartsWith("user", StringComparison.Ordinal));
}

/// <summary>One table.</summary>
internal sealed record DatasetCollection(string Name, IReadOnlyList<DatasetField> Fields, SourceMark At)
{
    /// <summary>Steward's <c>erase: delete</c>: erasure deletes the person's rows instead of masking fields.</summary>
    public bool EraseByDelete { get; init; }
    /// <summary>Collections (<c>dataset.collection</c>) read before this one, beyond what references order.</summary>
    public IReadOnlyList<string> After { get; init; } = [];
    /// <summary>Collections (<c>dataset.collection</c>) erased before this one, beyond the reverse of the read order.</summary>
    public IReadOnlyList<string> EraseAfter { get; init; } = [];
    /// <summary>Steward's <c>retention: { clock: FIELD }</c>: the date/time field from which the retention period counts.</summary>
    public string? RetentionClock { get; init; }
    /// <summary>Where <see cref="RetentionClock"/> is named in the file.</summary>
    public SourceMark RetentionClockAt { get; init; }

    public DatasetField? PrimaryKey => Fields.FirstOrDefault(f => f.PrimaryKey);
    public DatasetField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);
}

/// <summary>A fideslang dataset: one company database described as collections and fields.</summary>
internal sealed record DatasetDefinition(string FidesKey, string? Name, string? Description, IReadOnlyList<DatasetCollection> Collections, SourceMark At)
{
    public DatasetCollection? Collection(string name) => Collections.FirstOrDefault(c => c.Name == name);
}
