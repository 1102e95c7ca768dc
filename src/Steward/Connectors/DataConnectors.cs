using Steward.People;

namespace Steward.Connectors;

/// <summary>The rows of one collection for an access request, each field with its data categories.</summary>
internal sealed record CollectionRows(string Collection, IReadOnlyDictionary<string, IReadOnlyList<string>> Categories, IReadOnlyList<Dictionary<string, object?>> Rows);

/// <summary>Everything an access request found: database rows, webhook rows, and tasks for staff.</summary>
internal sealed record AccessResult(IReadOnlyList<CollectionRows> Collections, IReadOnlyList<WebhookResult> Webhooks, IReadOnlyList<ManualTask> Tasks);

/// <summary>What an erasure did per collection, with the tasks left for staff.</summary>
internal sealed record ErasureReport(IReadOnlyList<CollectionErasure> Collections, IReadOnlyList<ManualTask> Tasks)
{
    public IEnumerable<RetainedField> Retained => Collections.SelectMany(c => c.Retained);
}

/// <summary>
/// Connectors/README — the surface the rights feature calls (plain C#, no HTTP):
/// <list type="bullet">
/// <item><see cref="ImportAsync"/>: check and store a fideslang dataset for a connection (CLI/API do the same).</item>
/// <item><see cref="PlanAsync"/>: the plan for a person's identities over every stored dataset and outside connection.</item>
/// <item><see cref="AccessAsync"/>, <see cref="EraseAsync"/>, <see cref="RectifyAsync"/>: run a whole plan (erasure and rectification in one
/// transaction per database: all of the person's collections change, or none).</item>
/// <item><see cref="EraseManyAsync"/>: erase several people at once, one set-based statement per collection and chunk.</item>
/// <item>Resumable runs: <see cref="CollectStepAsync"/> for each step in order (persist each <see cref="StepOutput.ToJson"/>),
/// then <see cref="EraseStepAsync"/> for each step in <see cref="FulfilmentPlan.ErasureOrder"/>; every step may be repeated after a crash.</item>
/// </list>
/// Failures of a company system are <see cref="ConnectorException"/>s whose messages carry no personal data.
/// </summary>
internal sealed class DataConnectors(DatasetStore datasets, ConnectorCatalogue catalogue, ConnectionDirectory connections, FulfilmentEngine engine, ExternalConnectors external)
{
    public Task<DatasetImport> ImportAsync(string yaml, string connection, string actor, CancellationToken ct) =>
        datasets.ImportAsync(yaml, connection, actor, ct);

    public async Task<FulfilmentPlan> PlanAsync(IReadOnlyList<Identity> identities, CancellationToken ct)
    {
        var snapshot = await catalogue.CurrentAsync(ct);
        var plan = FulfilmentPlan.Build(snapshot.Datasets, identities, snapshot.External);
        foreach (var (name, connection) in snapshot.Connections) plan.Connections[name] = connection;
        return plan;
    }

    public Task<StepOutput> CollectStepAsync(FulfilmentPlan plan, int step, IReadOnlyDictionary<string, StepOutput> earlier, CollectFor purpose, CancellationToken ct) =>
        engine.CollectAsync(plan, step, earlier, purpose, ct);

    public Task<CollectionErasure> EraseStepAsync(FulfilmentPlan plan, int step, StepOutput collected, CancellationToken ct) =>
        engine.EraseAsync(plan, step, collected, ct);

    public async Task<AccessResult> AccessAsync(FulfilmentPlan plan, Guid requestId, CancellationToken ct)
    {
        Dictionary<string, StepOutput> outputs;
        await using (var session = new EngineSession(oneTransaction: false))
            outputs = await CollectAllAsync(plan, CollectFor.Access, session, ct);
        var collections = plan.Steps.Select(s => new CollectionRows(s.Address.ToString(),
            s.Collection.Fields.ToDictionary(f => f.Name, f => f.DataCategories, StringComparer.Ordinal),
            outputs[s.Address.ToString()].Rows ?? [])).Where(c => c.Rows.Count > 0).ToList();
        var webhooks = new List<WebhookResult>();
        foreach (var target in plan.External.Where(t => t.Type == ConnectionTypes.Webhook))
            webhooks.Add(await external.CallWebhookAsync(plan.Connections.GetValueOrDefault(target.Connection) ?? await connections.GetAsync(target.Connection, ct), requestId, RequestKind.Access, plan.Identities, ct));
        return new AccessResult(collections, webhooks, Tasks(plan, RequestKind.Access));
    }

    public async Task<ErasureReport> EraseAsync(FulfilmentPlan plan, Guid requestId, CancellationToken ct)
    {
        // Every key set is computed before anything is erased: a later step never depends on a value already masked.
        // Run whole, each database's collections commit together; step by step (EraseStepAsync) each commits alone.
        var report = new List<CollectionErasure>();
        await using (var session = new EngineSession(oneTransaction: true))
        {
            var outputs = await CollectAllAsync(plan, CollectFor.Erasure, session, ct);
            foreach (var i in plan.ErasureOrder)
                report.Add(await engine.EraseAsync(plan, i, outputs[plan.Steps[i].Address.ToString()], ct, session));
            await session.CommitAsync(ct);
        }
        foreach (var target in plan.External.Where(t => t.Type == ConnectionTypes.Webhook))
            await external.CallWebhookAsync(plan.Connections.GetValueOrDefault(target.Connection) ?? await connections.GetAsync(target.Connection, ct), requestId, RequestKind.Erasure, plan.Identities, ct);
        return new ErasureReport(report, Tasks(plan, RequestKind.Erasure));
    }

    /// <summary>Calls one webhook connection of the plan for the request (a resumable run calls each as its own step).</summary>
    public async Task<WebhookResult> CallWebhookAsync(FulfilmentPlan plan, string connection, Guid requestId, RequestKind kind, CancellationToken ct) =>
        await external.CallWebhookAsync(plan.Connections.GetValueOrDefault(connection) ?? await connections.GetAsync(connection, ct), requestId, kind, plan.Identities, ct);

    /// <summary>Erases several people with one plan over all their identities: the rows reached are exactly the union of each person's.</summary>
    public async Task<ErasureReport> EraseManyAsync(IReadOnlyList<IReadOnlyList<Identity>> people, CancellationToken ct) =>
        await EraseAsync(await PlanAsync(people.SelectMany(p => p).Distinct().ToList(), ct), Guid.Empty, ct);

    /// <summary>Sets corrected values (by <c>dataset:collection.field</c>) on the person's rows; one transaction per collection. Returns rows changed per collection.</summary>
    public async Task<Dictionary<string, int>> RectifyAsync(FulfilmentPlan plan, IReadOnlyDictionary<string, string?> corrections, CancellationToken ct)
    {
        var byCollection = corrections.GroupBy(c => c.Key[..Math.Max(0, c.Key.LastIndexOf('.'))], StringComparer.Ordinal).ToList();
        foreach (var group in byCollection)
        {
            var step = plan.Steps.FirstOrDefault(s => s.Address.ToString() == group.Key)
                ?? throw new ConnectorException($"'{group.Key}' is not a collection this person's request reaches.");
            foreach (var c in group)
            {
                var field = step.Collection.Field(c.Key[(group.Key.Length + 1)..]);
                if (field is null || field.PrimaryKey || field.ReadOnly || field.References.Count > 0)
                    throw new ConnectorException($"'{c.Key}' is not a field that can be corrected (unknown, a key, a reference or read-only).");
            }
        }
        var changed = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var session = new EngineSession(oneTransaction: true);
        var outputs = await CollectAllAsync(plan, CollectFor.Keys, session, ct);
        foreach (var group in byCollection)
        {
            var step = plan.Steps.First(s => s.Address.ToString() == group.Key);
            changed[group.Key] = await engine.RectifyAsync(plan, step.Index, outputs[group.Key],
                group.ToDictionary(c => c.Key[(group.Key.Length + 1)..], c => c.Value, StringComparer.Ordinal), ct, session);
        }
        await session.CommitAsync(ct);
        return changed;
    }

    private async Task<Dictionary<string, StepOutput>> CollectAllAsync(FulfilmentPlan plan, CollectFor purpose, EngineSession session, CancellationToken ct)
    {
        var outputs = new Dictionary<string, StepOutput>(StringComparer.Ordinal);
        foreach (var step in plan.Steps) outputs[step.Address.ToString()] = await engine.CollectAsync(plan, step.Index, outputs, purpose, ct, session);
        return outputs;
    }

    private static List<ManualTask> Tasks(FulfilmentPlan plan, RequestKind kind) =>
        plan.External.Where(t => t.Type == ConnectionTypes.Manual).Select(t => ExternalConnectors.ManualTaskFor(t.Connection, kind)).ToList();
}
