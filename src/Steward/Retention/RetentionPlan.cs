using Steward.Connectors;
using Steward.Policy.Model;

namespace Steward.Retention;

/// <summary>What a sweep step does to the due rows.</summary>
internal enum SweepAction
{
    /// <summary>Delete the whole row: every personal field is due and nothing in the row must be kept.</summary>
    Delete,
    /// <summary>Overwrite the due personal fields, keep the row (anonymise, or a field kept under a legal duty).</summary>
    Mask,
}

/// <summary>A field a mask step overwrites: with the dataset's <c>string_rewrite</c> value, else NULL.</summary>
internal sealed record MaskedField(string Name, string? RewriteValue);

/// <summary>
/// One unit of sweep work over one collection: the rows whose clock is before <see cref="Cutoff"/>, deleted or masked in
/// chunks by primary-key order. Serialised into its <see cref="RetentionRun"/> with its progress, so a resumed run goes
/// on from <see cref="LastKey"/> with the same cutoff.
/// </summary>
internal sealed class SweepStep
{
    public required string Connection { get; init; }
    public required string Dataset { get; init; }
    public required string Collection { get; init; }
    public SweepAction Action { get; init; }
    public required string Clock { get; init; }
    /// <summary>The clock column's declared type (it decides how the cutoff is passed).</summary>
    public string? ClockType { get; init; }
    public required string PrimaryKey { get; init; }
    public List<MaskedField> Fields { get; init; } = [];
    public DateTimeOffset Cutoff { get; set; }
    /// <summary>The period that decided (ISO 8601), the purpose and the data category it was stated for.</summary>
    public required string Period { get; init; }
    public required string Purpose { get; init; }
    public required string Category { get; init; }

    /// <summary>The primary key of the last row of the last chunk done (text; a number when <see cref="KeyIsNumber"/>).</summary>
    public string? LastKey { get; set; }
    public bool KeyIsNumber { get; set; }
    /// <summary>On PostgreSQL: the first table page (block) the next chunk reads; chunks go through the table by page ranges.</summary>
    public long NextPage { get; set; }
    public long Rows { get; set; }
    public bool Done { get; set; }

    public string Target => $"{Dataset}.{Collection}";
}

/// <summary>A field's retention: the longest period any purpose using its category states, or why it has none.</summary>
internal sealed record FieldRetention(DatasetField Field, Duration? Period, DateTimeOffset Cutoff, string Purpose, string Category, RetentionAction Action, string? NotSwept);

/// <summary>What the sweep does to one collection: its steps, and the fields or the whole collection it leaves, with the reason.</summary>
internal sealed record CollectionRetention(string Connection, string Dataset, string Collection, IReadOnlyList<SweepStep> Steps, IReadOnlyList<string> NotSwept)
{
    public string Target => $"{Dataset}.{Collection}";
}

/// <summary>
/// Decides, from the published policy, how long each collection of the connected databases is kept (S17.3). A field
/// takes the rule of every purpose whose data categories cover its own: a category exception of that purpose where one
/// matches, else the purpose's period; the longest period wins, and a purpose that states only criteria leaves the field
/// unswept (the clock it names is not in the data). A row is deleted only when every personal field is due, every deciding
/// purpose says delete and no field is kept under a legal duty; otherwise the due fields are masked, each at its own
/// cutoff, and the row stays. Primary keys and fields that link rows are not personal data once the rest is gone.
/// </summary>
internal static class RetentionRules
{
    public static CollectionRetention For(string connection, string dataset, DatasetCollection c, LiveSchema schema, PolicyDocument policy, DateTimeOffset now)
    {
        if (c.RetentionClock is not { } clock) return Unswept("no retention clock (fides_meta.retention.clock)");
        if (!schema.Has(c.Name, clock))
            throw new Hosting.StewardException($"The retention clock '{connection}:{dataset}.{c.Name}.{clock}' no longer exists in the connected database; re-import the dataset.");
        if (!schema.IsDateTime(c.Name, clock))
            throw new Hosting.StewardException($"The retention clock '{connection}:{dataset}.{c.Name}.{clock}' is not a date or time column.");
        if (c.PrimaryKey is not { } pk) return Unswept("no primary_key field: the sweep works through rows in key order");
        var personal = c.Fields.Where(f => f.DataCategories.Any(IsPersonal) && !f.PrimaryKey && f.References.Count == 0 && !f.ReadOnly).ToList();
        var kept = personal.Where(f => f.RetainReason is not null).ToList();
        var rules = personal.Except(kept).Select(f => FieldRule(f, policy, now)).ToList();
        if (rules.Count == 0) return Unswept(kept.Count > 0 ? "every personal field is kept under a legal obligation" : "no personal data field");

        var notSwept = kept.Select(f => $"{f.Name}: kept under a legal obligation ({f.RetainReason})")
            .Concat(rules.Where(r => r.NotSwept is not null).Select(r => $"{r.Field.Name}: {r.NotSwept}")).ToList();
        var timed = rules.Where(r => r.NotSwept is null).ToList();
        if (timed.Count == 0) return new CollectionRetention(connection, dataset, c.Name, [], notSwept);

        SweepStep Step(SweepAction action, FieldRetention decided, IEnumerable<FieldRetention> fields) => new()
        {
            Connection = connection, Dataset = dataset, Collection = c.Name, Action = action, Clock = clock, ClockType = schema.TypeOf(c.Name, clock),
            PrimaryKey = pk.Name, Cutoff = decided.Cutoff, Period = decided.Period!.Value.ToString(), Purpose = decided.Purpose, Category = decided.Category,
            Fields = action == SweepAction.Mask ? fields.Select(f => new MaskedField(f.Field.Name, f.Field.Masking == MaskingStrategy.StringRewrite ? f.Field.RewriteValue : null)).ToList() : [],
        };
        // The row goes only when nothing in it is still needed: the longest period decides.
        if (kept.Count == 0 && notSwept.Count == 0 && timed.All(r => r.Action == RetentionAction.Delete))
            return new CollectionRetention(connection, dataset, c.Name, [Step(SweepAction.Delete, timed.MinBy(r => r.Cutoff)!, [])], []);
        var steps = timed.GroupBy(r => r.Cutoff).OrderBy(g => g.Key).Select(g => Step(SweepAction.Mask, g.First(), g)).ToList();
        return new CollectionRetention(connection, dataset, c.Name, steps, notSwept);

        CollectionRetention Unswept(string reason) => new(connection, dataset, c.Name, [], [reason]);
    }

    private static bool IsPersonal(string category) => category == "user" || category.StartsWith("user.", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="key"/> is <paramref name="ancestor"/> or below it.</summary>
    private static bool IsWithin(string key, string ancestor) => key == ancestor || key.StartsWith(ancestor + ".", StringComparison.Ordinal);

    private static bool Overlap(string a, string b) => IsWithin(a, b) || IsWithin(b, a);

    /// <summary>The rule of one field: every (purpose, category) that covers one of its categories is a candidate.</summary>
    public static FieldRetention FieldRule(DatasetField f, PolicyDocument policy, DateTimeOffset now)
    {
        var candidates = new List<(string Purpose, string Category, Duration? Period, RetentionAction Action)>();
        foreach (var category in f.DataCategories.Where(IsPersonal))
            foreach (var (key, purpose) in policy.Purposes.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (purpose.Retention is not { } r || purpose.DataCategories.FirstOrDefault(pc => Overlap(category, pc)) is not { } used) continue;
                // An exception at or above the field's category decides for it; one below it covers part of what the field may hold.
                var covering = r.Categories.Where(e => IsWithin(category, e.Key)).OrderByDescending(e => e.Key.Length).FirstOrDefault();
                candidates.Add(covering.Value is { } own ? (key, covering.Key, own.Period, r.Action) : (key, used, r.Period, r.Action));
                foreach (var narrower in r.Categories.Where(e => e.Key != category && IsWithin(e.Key, category)))
                    candidates.Add((key, narrower.Key, narrower.Value.Period, r.Action));
            }
        if (candidates.Count == 0)
            return new(f, null, default, "", "", RetentionAction.Delete, $"no purpose of the published policy uses {string.Join(", ", f.DataCategories)}");
        if (candidates.FirstOrDefault(c => c.Period is null) is { Purpose.Length: > 0 } open)
            return new(f, null, default, open.Purpose, open.Category, open.Action, $"purpose '{open.Purpose}' states criteria but no period for {open.Category}");
        var longest = candidates.MinBy(c => c.Period!.Value.Before(now));
        return new(f, longest.Period, longest.Period!.Value.Before(now), longest.Purpose, longest.Category, longest.Action, null);
    }
}
