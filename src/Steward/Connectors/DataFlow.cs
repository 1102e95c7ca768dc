namespace Steward.Connectors;

/// <summary>A collection of a dataset: <c>dataset:collection</c>.</summary>
internal readonly record struct CollectionAddress(string Dataset, string Collection)
{
    public override string ToString() => $"{Dataset}:{Collection}";
}

/// <summary>
/// One way values flow between collections: rows of <see cref="From"/> give <see cref="FromField"/> values that find
/// rows of <see cref="To"/> by <see cref="ToField"/>. <see cref="Kind"/> keeps the reference's direction: a <c>from</c>
/// reference finds child rows of the person's rows; a <c>to</c> reference looks up shared rows and is followed forward only.
/// </summary>
internal sealed record DataFlowEdge(CollectionAddress From, string FromField, CollectionAddress To, string ToField, ReferenceDirection Kind, FieldReference Reference);

/// <summary>The references of datasets as directed edges, and their order.</summary>
internal static class DataFlow
{
    public static IEnumerable<DataFlowEdge> Edges(IEnumerable<DatasetDefinition> datasets)
    {
        foreach (var d in datasets)
            foreach (var c in d.Collections)
                foreach (var f in c.Fields)
                    foreach (var r in f.References)
                    {
                        var here = new CollectionAddress(d.FidesKey, c.Name);
                        var there = new CollectionAddress(r.Dataset, r.Collection);
                        yield return r.Direction == ReferenceDirection.From
                            ? new DataFlowEdge(there, r.Field, here, f.Name, r.Direction, r)
                            : new DataFlowEdge(here, f.Name, there, r.Field, r.Direction, r);
                    }
    }

    /// <summary>The edges of one cycle, or null when the graph has an order.</summary>
    public static List<DataFlowEdge>? FindCycle(IReadOnlyList<DataFlowEdge> edges)
    {
        var outgoing = edges.ToLookup(e => e.From);
        var state = new Dictionary<CollectionAddress, int>(); // 1 on the path, 2 done
        var path = new List<DataFlowEdge>();

        List<DataFlowEdge>? Visit(CollectionAddress node)
        {
            state[node] = 1;
            foreach (var e in outgoing[node])
            {
                if (state.GetValueOrDefault(e.To) == 1)
                {
                    var start = path.FindIndex(p => p.From == e.To);
                    return [.. path[(start < 0 ? path.Count : start)..], e];
                }
                if (state.GetValueOrDefault(e.To) == 2) continue;
                path.Add(e);
                if (Visit(e.To) is { } cycle) return cycle;
                path.RemoveAt(path.Count - 1);
            }
            state[node] = 2;
            return null;
        }

        foreach (var node in edges.Select(e => e.From).Distinct())
            if (!state.ContainsKey(node) && Visit(node) is { } found) return found;
        return null;
    }
}
