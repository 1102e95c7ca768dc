using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steward.Audit;
using Steward.Connectors;
using Steward.Hosting;
using Steward.People;
using Steward.Policy;
using Steward.Policy.Model;
using Steward.Retention;
using Steward.Storage;
using Steward.Web;

namespace Steward.Rights;

/// <summary>
/// One persisted step of carrying out a request across the company's systems: read a collection, erase it, call a
/// webhook, list a manual task, correct fields, finish (package or report). A step's output may hold the person's rows,
/// so it is sealed with the subject's data key; <see cref="Summary"/> holds only counts and field names. Entity.
/// </summary>
internal sealed class FulfilmentTask
{
    public long Id { get; set; }
    public Guid RequestId { get; set; }
    /// <summary>Order of the step within the request; steps run in this order and a restart resumes at the first not done.</summary>
    public int Ordinal { get; set; }
    /// <summary>collect, erase, rectify, webhook, manual, verify or finish.</summary>
    public required string Phase { get; set; }
    /// <summary>The collection (<c>dataset:collection</c>) or connection the step works on.</summary>
    public required string Target { get; set; }
    /// <summary>The plan step it runs (collect and erase), or -1.</summary>
    public int Step { get; set; } = -1;
    /// <summary>pending, done or failed (failed steps are tried again with the job).</summary>
    public required string State { get; set; }
    public int Attempts { get; set; }
    /// <summary>The last failure, from the connector: it never carries a value.</summary>
    public string? LastError { get; set; }
    public string? Summary { get; set; }
    public byte[]? Output { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

internal sealed class FulfilmentTaskConfiguration : IEntityTypeConfiguration<FulfilmentTask>
{
    public void Configure(EntityTypeBuilder<FulfilmentTask> e)
    {
        e.ToTable("rights_tasks");
        e.HasKey(x => x.Id);
        e.Property(x => x.Phase).HasMaxLength(16);
        e.Property(x => x.Target).HasMaxLength(300);
        e.Property(x => x.State).HasMaxLength(16);
        e.Property(x => x.LastError).HasMaxLength(2_000);
        e.Property(x => x.Summary).HasMaxLength(8_000);
        e.HasIndex(x => new { x.RequestId, x.Ordinal }).IsUnique();
        e.HasOne<RightsRequest>().WithMany().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Carries out access, portability, erasure and rectification across the declared datasets and outside connections,
/// step by step: the plan from the person's identities, then each collection read (in the plan's order), erased (in
/// reverse dependency order) or corrected, each step committed with its output before the next, so a process killed at
/// any point resumes at the first step not done and never repeats a finished one. Access and erasure run the same plan.
/// Ends with the package (access, portability) or a report that names what a legal duty keeps (S18.9).
/// </summary>
internal sealed class DataFulfilment(
    IDbContextFactory<StewardDbContext> contexts, RightsRequests requests, RequestPackages packages, DataConnectors connectors, PeopleDirectory people,
    SubjectKeys keys, PolicyStore policies, LegalHolds holds, AuditLog audit, ErasureCheck check, Microsoft.Extensions.Options.IOptions<WebOptions> web, TimeProvider time) : IRequestProgress
{
    public const string Collect = "collect", Erase = "erase", Rectify = "rectify", Webhook = "webhook", Manual = "manual", Verify = "verify", Finish = "finish";
    public const string Pending = "pending", Done = "done", Failed = "failed";
    /// <summary>The field name of a retained entry that keeps a whole collection (a legal hold on it).</summary>
    private const string WholeCollection = "*";

    private static readonly string AccessKind = RequestKinds.Name(RightKind.Access);
    private static readonly string PortabilityKind = RequestKinds.Name(RightKind.Portability);
    private static readonly string ErasureKind = RequestKinds.Name(RightKind.Erasure);
    private static readonly string RectificationKind = RequestKinds.Name(RightKind.Rectification);

    /// <summary>The kinds this engine carries out.</summary>
    public static bool Handles(string kind) => kind == AccessKind || kind == PortabilityKind || kind == ErasureKind || kind == RectificationKind;

    /// <summary>Runs (or resumes) a request in progress to its end; <paramref name="progress"/> hears (steps done, steps in all) after each step.</summary>
    public async Task RunAsync(Guid requestId, Action<int, int>? progress, CancellationToken ct)
    {
        if (await requests.FindAsync(requestId, ct) is not { State: "in-progress" } request) return;
        // One process at a time carries a request out (serve's worker, or 'rights run'): a step run twice could call a
        // webhook twice. The claim lapses on its own if its holder dies.
        var owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        if (!await ClaimAsync(requestId, owner, ct))
            throw new StewardException($"Request {requestId} is being carried out by another process right now; it resumes there.");
        try
        {
            await RunClaimedAsync(request, owner, progress, ct);
        }
        finally
        {
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            await db.Set<RightsRequest>().Where(r => r.Id == requestId && r.RunOwner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.RunOwner, (string?)null).SetProperty(r => r.RunLeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
        }
    }

    /// <summary>How long a claim holds without its holder renewing it (after every step).</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private async Task<bool> ClaimAsync(Guid requestId, string owner, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<RightsRequest>().Where(r => r.Id == requestId && (r.RunOwner == null || r.RunOwner == owner || r.RunLeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.RunOwner, owner).SetProperty(r => r.RunLeaseUntil, now + Lease), ct) == 1;
    }

    private async Task RunClaimedAsync(RequestSummary request, string owner, Action<int, int>? progress, CancellationToken ct)
    {
        var requestId = request.Id;
        var details = await requests.RevealAsync(requestId, RightsFulfilment.Actor, ct)
            ?? throw new StewardException($"Request {requestId}: the person's data was erased, so the request cannot be carried out.");
        var revealed = await people.RevealAsync(request.SubjectId, RightsFulfilment.Actor, ct);
        var identities = (revealed?.Identities ?? []).Select(i => new Identity(i.Type, i.Value)).ToList();
        var plan = await connectors.PlanAsync(identities, ct);
        var dataKey = await DataKeyAsync(request.SubjectId, ct);
        var tasks = await TasksAsync(request, plan, ct);
        var held = HoldsInForce.None;
        var outputs = new Dictionary<string, StepOutput>(StringComparer.Ordinal);
        var webhookRows = new List<PackageSection>();
        var erased = new List<CollectionErasure>();
        var doneCount = 0;
        foreach (var task in tasks)
        {
            if (task.State == Done)
            {
                Remember(task);
                progress?.Invoke(++doneCount, tasks.Count);
                continue;
            }
            if (!await ClaimAsync(requestId, owner, ct))
                throw new StewardException($"Request {requestId}: another process took over after this one's claim lapsed; it resumes there.");
            // A hold placed while the request runs counts from the next step on.
            held = await holds.InForceAsync(ct);
            try
            {
                var (summary, output) = await RunTaskAsync(task, request, details, plan, outputs, webhookRows, erased, held, ct);
                await MarkAsync(task, Done, summary, output, null, ct);
            }
            catch (ConnectorException e)
            {
                await MarkAsync(task, Failed, task.Summary, null, e.Message, ct);
                throw new StewardException($"Step {task.Ordinal} ({task.Phase} {task.Target}) failed: {e.Message}", inner: e);
            }
            Remember(task);
            progress?.Invoke(++doneCount, tasks.Count);
        }
        // Done: the rows and keys the steps kept (sealed) served this run only; the package or report holds the answer.
        if ((await requests.FindAsync(requestId, ct))?.State == "completed")
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await db.Set<FulfilmentTask>().Where(t => t.RequestId == requestId && t.Output != null).ExecuteUpdateAsync(s => s.SetProperty(t => t.Output, (byte[]?)null), ct);
        }

        void Remember(FulfilmentTask task)
        {
            if (task.Output is null) return;
            var json = System.Text.Encoding.UTF8.GetString(Sealed.Open(dataKey, task.Output, Associated(task)));
            if (task.Phase == Collect) outputs[task.Target] = StepOutput.FromJson(json);
            else if (task.Phase == Webhook) webhookRows.AddRange(JsonSerializer.Deserialize<List<PackageSection>>(json, Json) ?? []);
            else if (task.Phase == Erase) erased.Add(JsonSerializer.Deserialize<CollectionErasure>(json, Json)!);
        }
    }

    private async Task<(string? Summary, string? Output)> RunTaskAsync(FulfilmentTask task, RequestSummary request, RequestDetails details, FulfilmentPlan plan,
        Dictionary<string, StepOutput> outputs, List<PackageSection> webhookRows, List<CollectionErasure> erased, HoldsInForce held, CancellationToken ct)
    {
        var purpose = request.Kind == ErasureKind ? CollectFor.Erasure : request.Kind == RectificationKind ? CollectFor.Keys : CollectFor.Access;
        switch (task.Phase)
        {
            case Collect:
                var output = await connectors.CollectStepAsync(plan, task.Step, outputs, purpose, ct);
                outputs[task.Target] = output;
                return ($"{output.RowCount} rows", output.ToJson());
            case Erase:
                // A legal hold on the person or the collection keeps the rows as they are; the person is told why (S17.4).
                var step = plan.Steps[task.Step];
                var report = (held.OnPerson(request.SubjectId) ?? held.OnCollection(step.Connection, step.Collection.Name)) is { } holdReason
                    ? new CollectionErasure(task.Target, 0, false, [], [new RetainedField(WholeCollection, holdReason)])
                    : await connectors.EraseStepAsync(plan, task.Step, outputs[task.Target], ct);
                erased.Add(report);
                return (Describe(report), JsonSerializer.Serialize(report, Json));
            case Rectify:
                var corrections = (details.Corrections ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal);
                if (corrections.Count == 0) return ("no corrections were given: staff answer the request", null);
                var changed = await connectors.RectifyAsync(plan, corrections, ct);
                return (string.Join("; ", changed.Select(kv => $"{kv.Key}: {kv.Value} rows")), null);
            case Webhook:
                var kind = request.Kind == ErasureKind ? RequestKind.Erasure : RequestKind.Access;
                if (kind == RequestKind.Erasure && held.OnPerson(request.SubjectId) is not null) return ("not called: the person is under a legal hold", null);
                var answer = await connectors.CallWebhookAsync(plan, task.Target, request.Id, kind, ct);
                var rows = answer.Rows.Select(kv => new PackageSection($"{task.Target}:{kv.Key}",
                    kv.Value.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal).ToDictionary(k => k, _ => (IReadOnlyList<string>)[], StringComparer.Ordinal),
                    kv.Value.Select(r => r.ToDictionary(f => f.Key, f => (object?)f.Value, StringComparer.Ordinal)).ToList())).ToList();
                webhookRows.AddRange(rows);
                return ($"{rows.Sum(r => r.Rows.Count)} rows", JsonSerializer.Serialize(rows, Json));
            case Manual:
                // A system Steward cannot reach: the task stands in the console; staff complete the request when it is done.
                return (task.Summary, null);
            case Verify:
                // The identifiers the erasure worked from, and the address the person wrote from, in every spelling they are likely stored in.
                var identities = plan.Identities.Append(new Identity(IdentityType.Email, details.Email)).Distinct().ToList();
                var personRows = plan.Steps.Where(s => s.Collection.PrimaryKey is not null && outputs.GetValueOrDefault(s.Address.ToString())?.RowKeys is not null)
                    .Select(s => new PersonRows(s.Connection, s.Collection.Name, s.Collection.PrimaryKey!.Name, outputs[s.Address.ToString()].RowKeys!)).ToList();
                return ((await check.RunAsync(request.Id, identities, personRows, RightsFulfilment.Actor, ct)).Describe(), null);
            default:
                await FinishAsync(request, plan, outputs, webhookRows, erased, held, ct);
                return ("finished", null);
        }
    }

    private async Task FinishAsync(RequestSummary request, FulfilmentPlan plan, Dictionary<string, StepOutput> outputs, List<PackageSection> webhookRows,
        List<CollectionErasure> erased, HoldsInForce held, CancellationToken ct)
    {
        var policy = (await policies.CurrentAsync(ct))?.Document;
        var t = Language.Strings<RightsStrings>(request.Language);
        var manual = plan.External.Any(e => e.Type == ConnectionTypes.Manual);
        string answer;
        string? download = null;
        if (request.Kind == AccessKind || request.Kind == PortabilityKind)
        {
            var collections = plan.Steps.Select(s => new PackageSection(s.Address.ToString(),
                    s.Collection.Fields.ToDictionary(f => f.Name, f => f.DataCategories, StringComparer.Ordinal),
                    outputs.TryGetValue(s.Address.ToString(), out var o) ? o.Rows ?? [] : []))
                .Where(c => c.Rows.Count > 0).Concat(webhookRows.Where(w => w.Rows.Count > 0)).ToList();
            var notice = web.Value.PublicBase is { } site ? $"{site}/privacy?lang={request.Language}" : null;
            var zip = await AccessPackage.BuildAsync(request.Id, request.Kind, request.Language, time.GetUtcNow(), collections, policy, notice);
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var stored = await db.Set<RightsRequest>().AsNoTracking().FirstAsync(r => r.Id == request.Id, ct);
            (var until, download) = await packages.StoreWithinAsync(db, stored, zip, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            answer = Language.Format(t.PackageReady, Notices.Vocabulary.Date(DateOnly.FromDateTime(until.UtcDateTime), request.Language));
        }
        else if (request.Kind == ErasureKind && held.OnPerson(request.SubjectId) is { } personHeld)
            answer = Language.Format(t.ErasureHeld, personHeld);
        else if (request.Kind == ErasureKind)
        {
            var retained = erased.SelectMany(e => e.Retained.Select(r => (e.Collection, r.Field, r.Reason))).ToList();
            answer = retained.Count == 0 ? t.ErasedAll
                : Language.Format(t.ErasedExcept, string.Join(Language.Pick(request.Language, "; ", "；"),
                    retained.GroupBy(r => r.Reason).Select(g => $"{Notices.Vocabulary.List(g.Select(r => r.Field == WholeCollection ? r.Collection : $"{r.Collection}.{r.Field}"), request.Language)} ({g.Key})")));
        }
        else answer = t.Rectified;
        if (manual)
        {
            // Someone still has work to do by hand: staff complete the request once it is done.
            await audit.AppendAsync(new AuditEvent(RightsFulfilment.Actor, "rights.automatic-part-done", RightsRequests.Target(request.Id), new { manual = true }), ct);
            return;
        }
        // An erasure's answer names collections, fields and reasons only: it stays readable after the person's key is gone.
        // A held person's answer carries staff's reason for the hold: sealed like any staff text (their key stays while held).
        await requests.CompleteAsync(request.Id, answer, RightsFulfilment.Actor, ct, download,
            answerNamesNoOne: request.Kind == ErasureKind && held.OnPerson(request.SubjectId) is null);
    }

    /// <summary>The request's steps, made on the first run from the plan; on a resume the plan must still be the one they were made from.</summary>
    private async Task<List<FulfilmentTask>> TasksAsync(RequestSummary request, FulfilmentPlan plan, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var existing = await db.Set<FulfilmentTask>().AsNoTracking().Where(t => t.RequestId == request.Id).OrderBy(t => t.Ordinal).ToListAsync(ct);
        var planned = Plan(request.Kind, plan);
        if (existing.Count > 0)
        {
            // An erasure planned before erasures were checked resumes without the check.
            if (!existing.Any(t => t.Phase == Verify)) planned.RemoveAll(t => t.Phase == Verify);
            if (!existing.Select(t => (t.Phase, t.Target, t.Step)).SequenceEqual(planned.Select(t => (t.Phase, t.Target, t.Step))))
                throw new StewardException($"Request {request.Id}: the datasets or connections changed while it was being carried out; deny or complete it by hand, or ask the person to make it again.");
            return existing;
        }
        db.AddRange(planned.Select(t => { t.RequestId = request.Id; return t; }));
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(new AuditEvent(RightsFulfilment.Actor, "rights.plan-made", RightsRequests.Target(request.Id),
            new { steps = plan.Steps.Count, external = plan.External.Count }), ct);
        return await db.Set<FulfilmentTask>().AsNoTracking().Where(t => t.RequestId == request.Id).OrderBy(t => t.Ordinal).ToListAsync(ct);
    }

    private static List<FulfilmentTask> Plan(string kind, FulfilmentPlan plan)
    {
        var tasks = new List<FulfilmentTask>();
        void Add(string phase, string target, int step = -1, string? summary = null) =>
            tasks.Add(new FulfilmentTask { Ordinal = tasks.Count, Phase = phase, Target = target, Step = step, State = Pending, Summary = summary });
        if (plan.Steps.Count == 0 && plan.External.Count == 0)
        {
            // Nothing is declared that could hold the person's data: an empty answer would mislead, so staff answer by hand.
            Add(Manual, "*", summary: "No dataset or connection reaches this person: answer the request by hand.");
            return tasks;
        }
        if (kind == RectificationKind) Add(Rectify, "*");
        else
        {
            foreach (var s in plan.Steps) Add(Collect, s.Address.ToString(), s.Index);
            if (kind == ErasureKind) foreach (var i in plan.ErasureOrder) Add(Erase, plan.Steps[i].Address.ToString(), i);
        }
        foreach (var target in plan.External.Where(e => e.Type == ConnectionTypes.Webhook && kind != RectificationKind)) Add(Webhook, target.Connection);
        foreach (var target in plan.External.Where(e => e.Type == ConnectionTypes.Manual))
            Add(Manual, target.Connection, summary: ExternalConnectors.ManualTaskFor(target.Connection,
                kind == ErasureKind ? RequestKind.Erasure : kind == RectificationKind ? RequestKind.Rectification : RequestKind.Access).Description);
        // Looks for what the erasure left: in every database, Steward's own and its logs (staff see findings).
        if (kind == ErasureKind) Add(Verify, "*");
        Add(Finish, "*");
        return tasks;
    }

    private async Task MarkAsync(FulfilmentTask task, string state, string? summary, string? output, string? error, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        byte[]? sealedOutput = null;
        if (output is not null)
        {
            var requestSubject = await db.Set<RightsRequest>().AsNoTracking().Where(r => r.Id == task.RequestId).Select(r => r.SubjectId).FirstAsync(ct);
            sealedOutput = Sealed.Seal(await DataKeyAsync(requestSubject, ct), System.Text.Encoding.UTF8.GetBytes(output), Associated(task));
        }
        var now = time.GetUtcNow();
        await db.Set<FulfilmentTask>().Where(t => t.Id == task.Id).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.State, state).SetProperty(t => t.Summary, summary).SetProperty(t => t.Output, sealedOutput)
            .SetProperty(t => t.LastError, error).SetProperty(t => t.Attempts, t => t.Attempts + 1)
            .SetProperty(t => t.FinishedAt, state == Done ? now : null), ct);
        task.State = state;
        task.Summary = summary;
        task.Output = sealedOutput;
    }

    private async Task<byte[]> DataKeyAsync(Guid subjectId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == subjectId, ct);
        return await keys.OpenAsync(subject, ct) ?? throw new StewardException("The person's data was erased: the request cannot be carried out.");
    }

    public async Task<IReadOnlyList<TaskRow>> TasksAsync(Guid requestId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<FulfilmentTask>().AsNoTracking().Where(t => t.RequestId == requestId).OrderBy(t => t.Ordinal)
            .Select(t => new TaskRow(t.Target, t.Phase, t.State, t.LastError ?? t.Summary)).ToListAsync(ct);
    }

    private static string Describe(CollectionErasure e) =>
        (e.Deleted ? $"{e.Rows} rows deleted" : $"{e.Rows} rows masked ({string.Join(", ", e.MaskedFields)})")
        + (e.Retained.Count > 0 ? $"; kept: {string.Join(", ", e.Retained.Select(r => $"{r.Field} ({r.Reason})"))}" : "");

    private static byte[] Associated(FulfilmentTask task) => System.Text.Encoding.UTF8.GetBytes($"steward-rights-task\n{task.RequestId:D}\n{task.Ordinal}");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
