using Steward.People;

namespace Steward.Connectors;

/// <summary>Where one input of a step takes its values: the person's identities of a type, or a field of an earlier step's rows.</summary>
internal sealed record StepInput(string Field, string? Identity, CollectionAddress? FromCollection, string? FromField)
{
    public override string ToString() => Identity is not null ? $"{Field} ← {Identity} identity" : $"{Field} ← {FromCollection}.{FromField}";
}

/// <summary>One collection to read (and later erase): which fields find its rows and which of its fields later steps need.</summary>
internal sealed record PlanStep(int Index, CollectionAddress Address, string Connection, DatasetCollection Collection, IReadOnlyList<StepInput> Inputs, IReadOnlyList<string> Outputs);

/// <summary>An outside system a request also reaches: a webhook called with the request, or a task for a person.</summary>
internal sealed record ExternalTarget(string Connection, string Type);

/// <summary>
/// The collections a person's request reaches, in an order where every step's inputs come from earlier steps.
/// Built once per request; access, erasure and rectification run the same plan. Holds the person's identities:
/// <see cref="ToString"/> never shows them.
/// </summary>
internal sealed class FulfilmentPlan(IReadOnlyList<Identity> identities, IReadOnlyList<PlanStep> steps, IReadOnlyList<ExternalTarget> external, IReadOnlyList<int> erasureOrder)
{
    /// <summary>Step indexes in the order erasure runs: children before what they point at, and <c>erase_after</c> honoured.</summary>
    public IReadOnlyList<int> ErasureOrder { get; } = erasureOrder;

    /// <summary>The connections the steps use, opened once for the plan's life (a plan lives for one request).</summary>
    internal Dictionary<string, OpenedConnection> Connections { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<PlanStep> Steps { get; } = steps;
    public IReadOnlyList<ExternalTarget> External { get; } = external;
    internal IReadOnlyList<Identity> Identities { get; } = identities;

    public override string ToString() => string.Join(" → ", Steps.Select(s => s.Address.ToString()));

    /// <summary>
    /// Starts at the collections holding an identity field of a type the person gave, then follows references:
    /// a <c>from</c> reference brings the child rows of the person's own rows; a <c>to</c> reference looks up the
    /// referenced rows but never makes them the person's, so a shared lookup row (a country) never leads back to
    /// other people's rows that point at it.
    /// </summary>
    public static FulfilmentPlan Build(IReadOnlyList<LoadedDataset> datasets, IReadOnlyList<Identity> identities, IReadOnlyList<ExternalTarget> external)
    {
        var types = identities.Select(i => IdentityTypes.Name(i.Type)).ToHashSet(StringComparer.Ordinal);
        var collections = datasets.SelectMany(d => d.Definition.Collections.Select(c => (Address: new CollectionAddress(d.Definition.FidesKey, c.Name), d.ConnectionName, Collection: c)))
            .ToDictionary(x => x.Address);
        var edges = DataFlow.Edges(datasets.Select(d => d.Definition)).Where(e => collections.ContainsKey(e.From) && collections.ContainsKey(e.To)).ToList();

        var owned = collections.Values.Where(c => c.Collection.Fields.Any(f => f.Identity is { } t && types.Contains(t))).Select(c => c.Address).ToHashSet();
        var reached = new HashSet<CollectionAddress>(owned);
        var followed = new HashSet<DataFlowEdge>();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var e in edges.Where(e => !followed.Contains(e)))
            {
                var follow = e.Kind == ReferenceDirection.From ? owned.Contains(e.From) : reached.Contains(e.From);
                if (!follow) continue;
                followed.Add(e);
                if (e.Kind == ReferenceDirection.From) owned.Add(e.To);
                reached.Add(e.To);
                changed = true;
            }
        }

        // fideslang's 'after' orders collections beyond what references say (e.g. a table a trigger fills).
        var after = reached.SelectMany(to => collections[to].Collection.After.Select(a => (From: Address(a), To: to)))
            .Where(e => reached.Contains(e.From)).ToList();
        var order = TopologicalOrder(reached, followed.Select(e => (e.From, e.To)).Concat(after).ToList());
        var steps = order.Select((address, index) =>
        {
            var (_, connection, collection) = collections[address];
            var inputs = collection.Fields.Where(f => f.Identity is { } t && types.Contains(t)).Select(f => new StepInput(f.Name, f.Identity, null, null))
                .Concat(followed.Where(e => e.To == address).Select(e => new StepInput(e.ToField, null, e.From, e.FromField)))
                .Distinct().ToList();
            var outputs = followed.Where(e => e.From == address).Select(e => e.FromField).Distinct(StringComparer.Ordinal).ToList();
            return new PlanStep(index, address, connection, collection, inputs, outputs);
        }).ToList();
        var eraseAfter = reached.SelectMany(to => collections[to].Collection.EraseAfter.Select(a => (From: Address(a), To: to)))
            .Where(e => reached.Contains(e.From)).ToList();
        var erasure = TopologicalOrder(reached, followed.Select(e => (From: e.To, To: e.From)).Concat(eraseAfter).ToList())
            .Select(a => order.IndexOf(a)).ToList();
        return new FulfilmentPlan(identities, steps, external, erasure);
    }

    private static CollectionAddress Address(string datasetDotCollection)
    {
        var dot = datasetDotCollection.IndexOf('.', StringComparison.Ordinal);
        return new CollectionAddress(datasetDotCollection[..dot], datasetDotCollection[(dot + 1)..]);
    }

    private static List<CollectionAddress> TopologicalOrder(HashSet<CollectionAddress> nodes, List<(CollectionAddress From, CollectionAddress To)> edges)
    {
        var incoming = nodes.ToDictionary(n => n, n => edges.Count(e => e.To == n && e.From != n));
        var order = new List<CollectionAddress>();
        var ready = new SortedSet<string>(incoming.Where(kv => kv.Value == 0).Select(kv => kv.Key.ToString()), StringComparer.Ordinal);
        var byName = nodes.ToDictionary(n => n.ToString());
        while (ready.Count > 0)
        {
            var next = byName[ready.Min!];
            ready.Remove(ready.Min!);
            order.Add(next);
            foreach (var e in edges.Where(e => e.From == next && e.To != next))
                if (--incoming[e.To] == 0) ready.Add(e.To.ToString());
        }
        // Imports refuse cycles; datasets changed behind Steward's back could still form one.
        if (order.Count != nodes.Count) throw new Hosting.StewardException("The datasets' references form a cycle; re-import them to see where.");
        return order;
    }
}
