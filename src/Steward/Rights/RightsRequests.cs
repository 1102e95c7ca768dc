using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Audit;
using Steward.Hosting;
using Steward.Jobs;
using Steward.People;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Storage;
using Steward.Web;

namespace Steward.Rights;

/// <summary>What a person (or staff on their behalf) asks: the kind, how to reach them, where they live, and what they wrote.</summary>
internal sealed record RequestIntake(string? Kind, string? Email, string? Jurisdiction, string? Language, string? Name = null, string? Message = null,
    IReadOnlyDictionary<string, string>? Corrections = null);

/// <summary>
/// A request taken in: its id, the status token to give the person (shown once, stored only hashed), and the open
/// request it repeats when it does.
/// </summary>
internal sealed record SubmittedRequest(Guid Id, string StatusToken, RequestState State, Guid? DuplicateOf, DateTimeOffset? DueAt)
{
    /// <summary>Whether the receipt was queued with a verification code in it (mail on, verification needed, an email-code method in the policy).</summary>
    public bool CodeSent { get; init; }
}

/// <summary>A request as staff see it; personal details only through <see cref="RightsRequests.RevealAsync"/>.</summary>
public sealed record RequestSummary(Guid Id, string Kind, string State, string Jurisdiction, string Language, string Channel, DateTimeOffset ReceivedAt,
    DateTimeOffset? AcknowledgeBy, DateTimeOffset? DueAt, bool Overdue, DateTimeOffset? ExtendedAt, DateTimeOffset? VerifiedAt, string? VerifiedBy,
    string? AssignedTo, Guid? DuplicateOf, DateTimeOffset? ClosedAt, Guid SubjectId, int? ErasureProblems = null);

/// <summary>One step of the timeline; <see cref="Text"/> is opened only for those allowed to read it.</summary>
public sealed record TimelineStep(DateTimeOffset At, string Type, string Actor, bool Visible, string? Text);

/// <summary>Which requests to list.</summary>
internal sealed record RequestFilter(RequestState? State = null, string? Kind = null, string? Jurisdiction = null, bool OverdueOnly = false,
    bool OpenOnly = false, string? AssignedTo = null, int Limit = 100, bool ErasureProblemsOnly = false);

/// <summary>
/// The life of rights requests: intake (with duplicates linked to the open request they repeat), the deadlines of the
/// person's law, verification, approval or denial with a reason, extension, assignment, completion, and the timeline
/// the person sees. Every change is one transaction with its audit entry, which names ids only.
/// </summary>
internal sealed class RightsRequests(
    IDbContextFactory<StewardDbContext> contexts, PeopleDirectory people, IdentityParser identities, SubjectKeys keys, Security.Keys.KeyRing ring, PolicyStore policies,
    AuditLog audit, BackgroundJobs jobs, IOptions<RightsOptions> options, RightsMail mail, TimeProvider time)
{
    public const int MaxNameLength = 200;
    public const int MaxMessageLength = 5_000;
    public const int MaxCorrections = 50;
    public const int MaxReasonLength = 2_000;

    /// <summary>Takes a request in. Throws <see cref="StewardException"/> (a message the person can act on) for bad input; nothing is stored then.</summary>
    public Task<SubmittedRequest> SubmitAsync(RequestIntake intake, string channel, string actor, bool verified, CancellationToken ct) =>
        SubmitAsync(intake, channel, actor, verified ? VerifiedByStaff : null, ct);

    /// <summary>As above; <paramref name="verifiedBy"/> names the method that verified the person already (<c>staff</c>, <c>signed-in</c>), or null.</summary>
    public async Task<SubmittedRequest> SubmitAsync(RequestIntake intake, string channel, string actor, string? verifiedBy, CancellationToken ct)
    {
        var verified = verifiedBy is not null;
        var policy = await policies.CurrentAsync(ct) ?? throw Problem("No policy has been published yet, so no rights can be exercised here.");
        var doc = policy.Document;
        var kind = intake.Kind?.Trim() ?? "";
        if (kind.Length == 0) throw Problem($"'kind' is missing: one of {string.Join(", ", RequestKinds.All)}.");
        if (!RequestKinds.All.Contains(kind)) throw Problem($"'{Clip(kind)}' is not a kind of request: one of {string.Join(", ", RequestKinds.All)}.");
        var email = identities.Parse(IdentityType.Email, intake.Email);
        if (email.Identity is not { } identity) throw Problem($"'email': {email.Problem}");
        var language = intake.Language is null ? Language.English : Language.Normalize(intake.Language)
            ?? throw Problem($"'language' is one of: {string.Join(", ", Language.All)}.");
        var jurisdiction = await JurisdictionAsync(intake.Jurisdiction, identity, doc, policy.Info.Version, ct);
        if (kind != RequestKinds.Question && AvailableRights(doc, jurisdiction).All(r => RequestKinds.Name(r.Kind) != kind))
            throw Problem($"The right '{kind}' is not offered under {LawName(jurisdiction)} in policy version {policy.Info.Version}; "
                + $"the rights there are: {string.Join(", ", AvailableRights(doc, jurisdiction).Select(r => RequestKinds.Name(r.Kind)).Distinct())} (or ask a question).");
        var name = Optional(intake.Name, "name", MaxNameLength);
        var message = Optional(intake.Message, "message", MaxMessageLength);
        var corrections = intake.Corrections is { Count: > 0 } c ? CheckCorrections(c, kind) : null;

        var now = time.GetUtcNow();
        var subjectId = (await people.FindOrCreateAsync(identity, jurisdiction, actor, ct)).SubjectId;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == subjectId, ct);
        var dataKey = await keys.OpenAsync(subject, ct) ?? throw Problem("This person's data was erased; a new request starts over with a new record.");
        var token = NewToken();
        var request = new RightsRequest
        {
            Id = Guid.CreateVersion7(now),
            SubjectId = subjectId,
            Kind = kind,
            Jurisdiction = jurisdiction,
            Language = language,
            PolicyVersion = policy.Info.Version,
            Channel = channel,
            ReceivedAt = now,
            LastCommunicationAt = now,
            StatusTokenHash = HashToken(token),
            Details = [],
        };
        request.Details = new RequestDetails(identity.Value, name, message, corrections).Seal(dataKey, request.Id, subjectId);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // A repeat of an open request is linked to it and follows it: no second clock, no second fulfilment.
        // Only a verified original counts: linking to an unverified one would let anyone who knows an address park a
        // request that captures the person's own. A request with its own message or corrections is never a repeat.
        var open = Repeatable(kind) && message is null && corrections is null
            ? await db.Set<RightsRequest>().AsNoTracking()
                .Where(r => r.SubjectId == subjectId && r.Kind == kind && r.DuplicateOfId == null)
                .Where(r => r.State == RequestState.AwaitingApproval || r.State == RequestState.InProgress)
                .OrderBy(r => r.Id).FirstOrDefaultAsync(ct)
            : null;
        if (open is not null)
        {
            request.State = RequestState.Duplicate;
            request.DuplicateOfId = open.Id;
            request.DueAt = open.DueAt;
            db.Add(request);
            AddEvent(db, request.Id, RequestEvents.Received, actor, visible: true, now);
            AddEvent(db, open.Id, RequestEvents.Duplicate, actor, visible: false, now);
            await db.Set<RightsRequest>().Where(r => r.Id == open.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.LastCommunicationAt, now), ct);
        }
        else
        {
            var needsVerification = !verified && NeedsVerification(kind, jurisdiction);
            Deadlines.Start(request, verified: !needsVerification);
            request.State = needsVerification ? RequestState.Verifying : AfterVerification(kind);
            if (!needsVerification)
            {
                request.VerifiedAt = now;
                request.VerifiedBy = verifiedBy ?? NotRequired;
            }
            db.Add(request);
            AddEvent(db, request.Id, RequestEvents.Received, actor, visible: true, now);
            if (!needsVerification) AddEvent(db, request.Id, RequestEvents.Verified, actor, visible: true, now);
            await StartWithinAsync(db, request, ct);
        }
        // The receipt carries the status link and, where the person must prove who they are by a code, the first code.
        var code = request.State == RequestState.Verifying && mail.IsOn && RightsVerification.EmailCodeMethod(doc) is not null
            ? RightsVerification.IssueWithin(db, request.Id, dataKey, now) : null;
        await mail.EnqueueWithinAsync(db, request, RightsMessages.Received, dataKey, new MailSecrets(token, code), ct);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "rights.request-received", Target(request.Id),
            new { kind, jurisdiction, channel, subject = subjectId, state = RequestStates.Name(request.State), duplicateOf = request.DuplicateOfId }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new SubmittedRequest(request.Id, token, request.State, request.DuplicateOfId, request.DueAt) { CodeSent = code is not null };
    }

    /// <summary>Identity verified (by a method of the policy, by staff, or by a session): the clock starts where it waited, and the request moves on.</summary>
    public Task<RequestSummary> VerifyAsync(Guid id, string method, string actor, CancellationToken ct) =>
        ChangeAsync(id, actor, "rights.request-verified", new { method }, async (db, r, now) =>
        {
            if (r.State != RequestState.Verifying) throw Problem($"The request is {RequestStates.Name(r.State)}, not waiting for verification.");
            await MarkVerifiedWithinAsync(db, r, method, actor, now, ct);
            return null;
        }, ct);

    /// <summary>Staff approve a verified request that needs approval; fulfilment may start.</summary>
    public Task<RequestSummary> ApproveAsync(Guid id, string actor, CancellationToken ct) =>
        ChangeAsync(id, actor, "rights.request-approved", null, async (db, r, now) =>
        {
            if (r.State != RequestState.AwaitingApproval) throw Problem($"The request is {RequestStates.Name(r.State)}, not waiting for approval.");
            // Four eyes: whoever vouched for the person's identity by hand does not also approve what is done with their data.
            var verifiedBy = await db.Set<RightsRequestEvent>().AsNoTracking().Where(e => e.RequestId == r.Id && e.Type == RequestEvents.Verified)
                .OrderByDescending(e => e.Id).Select(e => e.Actor).FirstOrDefaultAsync(ct);
            if (r.VerifiedBy == VerifiedByStaff && verifiedBy == actor && actor.StartsWith("user:", StringComparison.Ordinal))
                throw Problem("You verified this person's identity yourself; another staff member approves the request.");
            r.State = RequestState.InProgress;
            AddEvent(db, r.Id, RequestEvents.Approved, actor, visible: true, now);
            await StartWithinAsync(db, r, ct);
            return null;
        }, ct);

    /// <summary>
    /// Staff refuse an open request with a reason told to the person; the answer names their right to complain to the
    /// supervisory authority (S18.10), from the policy.
    /// </summary>
    public Task<RequestSummary> DenyAsync(Guid id, string reason, string actor, CancellationToken ct) =>
        ChangeAsync(id, actor, "rights.request-denied", null, async (db, r, now) =>
        {
            if (!r.IsOpen) throw Problem($"The request is {RequestStates.Name(r.State)}; only an open request can be denied.");
            var text = Required(reason, "reason", MaxReasonLength);
            r.State = RequestState.Denied;
            r.ClosedAt = now;
            r.LastCommunicationAt = now;
            await AddTextEventAsync(db, r, RequestEvents.Denied, actor, text, now, ct);
            await mail.EnqueueWithinAsync(db, r, RightsMessages.Denied, ct: ct);
            return null;
        }, ct);

    /// <summary>Extends the deadline once, as far as the law allows and only within its notice period, with the reason told to the person.</summary>
    public Task<RequestSummary> ExtendAsync(Guid id, string reason, string actor, CancellationToken ct) =>
        ChangeAsync(id, actor, "rights.request-extended", null, async (db, r, now) =>
        {
            if (!r.IsOpen) throw Problem($"The request is {RequestStates.Name(r.State)}; only an open request can be extended.");
            var text = Required(reason, "reason", MaxReasonLength);
            if (Deadlines.CannotExtend(r, now, out var newDue) is { } problem) throw Problem(problem);
            r.ExtendedAt = now;
            r.DueAt = newDue;
            r.LastCommunicationAt = now;
            await AddTextEventAsync(db, r, RequestEvents.Extended, actor, text, now, ct);
            await mail.EnqueueWithinAsync(db, r, RightsMessages.Extended, ct: ct);
            return new { due = newDue };
        }, ct);

    /// <summary>Assigns an open request to a staff member (their audit actor, <c>user:ID</c>), or to nobody.</summary>
    public Task<RequestSummary> AssignAsync(Guid id, string? assignee, string actor, CancellationToken ct) =>
        ChangeAsync(id, actor, "rights.request-assigned", new { to = assignee }, (db, r, now) =>
        {
            if (!r.IsOpen) throw Problem($"The request is {RequestStates.Name(r.State)}; only an open request can be assigned.");
            r.AssignedTo = assignee;
            AddEvent(db, r.Id, RequestEvents.Assigned, actor, visible: false, now);
            return (object?)null;
        }, ct);

    /// <summary>
    /// Completes an open request, with an answer for the person where staff give one. An answer Steward composed that
    /// names no one (<paramref name="answerNamesNoOne"/>) is kept in clear, so it outlives the person's data key.
    /// </summary>
    public Task<RequestSummary> CompleteAsync(Guid id, string? answer, string actor, CancellationToken ct, string? downloadToken = null, bool answerNamesNoOne = false) =>
        ChangeAsync(id, actor, "rights.request-completed", null, async (db, r, now) =>
        {
            if (r.State != RequestState.InProgress) throw Problem($"The request is {RequestStates.Name(r.State)}, not in progress: verify and approve it first.");
            if (actor != RightsFulfilment.Actor && DataFulfilment.Handles(r.Kind)
                && !await db.Set<FulfilmentTask>().AnyAsync(t => t.RequestId == r.Id && t.Phase == DataFulfilment.Manual, ct))
                throw Problem("Steward carries this request out across the company's systems and completes it when done; wait for it (see its steps), or deny it with a reason.");
            r.State = RequestState.Completed;
            r.ClosedAt = now;
            r.LastCommunicationAt = now;
            var text = Optional(answer, "answer", MaxMessageLength);
            if (text is not null && answerNamesNoOne)
                db.Add(new RightsRequestEvent { RequestId = r.Id, At = now, Type = RequestEvents.Completed, Actor = actor, Visible = true, Report = text });
            else if (text is not null) await AddTextEventAsync(db, r, RequestEvents.Completed, actor, text, now, ct);
            else AddEvent(db, r.Id, RequestEvents.Completed, actor, visible: true, now);
            if (downloadToken is null) await mail.EnqueueWithinAsync(db, r, RightsMessages.Completed, ct: ct);
            else await mail.EnqueueWithinAsync(db, r, RightsMessages.Completed, await DataKeyAsync(db, r, ct), new MailSecrets(null, null, downloadToken), ct);
            await ShredAfterErasure.EnqueueWithinAsync(db, jobs, r, mail.IsOn, now, ct);
            return null;
        }, ct);

    /// <summary>
    /// Staff's decision on a proof of identity (a document): accepted, the request is verified by <c>method</c>; rejected,
    /// it keeps waiting and the person is told why. <paramref name="alongside"/> runs in the same transaction (it deletes
    /// the proof) and returns the method and the audit details.
    /// </summary>
    public Task<RequestSummary> DecideIdentityAsync(Guid id, bool accept, string? reason, string actor,
        Func<StewardDbContext, RightsRequest, Task<(string Method, object? Details)>> alongside, CancellationToken ct) =>
        ChangeAsync(id, actor, accept ? "rights.request-verified" : "rights.verification-failed", null, async (db, r, now) =>
        {
            if (r.State != RequestState.Verifying) throw Problem($"The request is {RequestStates.Name(r.State)}, not waiting for verification.");
            var text = accept ? Optional(reason, "reason", MaxReasonLength) : Required(reason, "reason", MaxReasonLength);
            var (method, details) = await alongside(db, r);
            if (accept) await MarkVerifiedWithinAsync(db, r, method, actor, now, ct);
            else
            {
                r.LastCommunicationAt = now;
                await AddTextEventAsync(db, r, RequestEvents.VerificationFailed, actor, text!, now, ct);
                await mail.EnqueueWithinAsync(db, r, RightsMessages.NotVerified, ct: ct);
            }
            return new { method, document = details };
        }, ct);

    public async Task<RequestSummary?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<RightsRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } r ? Summary(r, time.GetUtcNow()) : null;
    }

    /// <summary>The queue: open requests first by due date, then the newest of the rest.</summary>
    public async Task<List<RequestSummary>> ListAsync(RequestFilter filter, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Set<RightsRequest>().AsNoTracking();
        if (filter.State is { } state) query = query.Where(r => r.State == state);
        if (filter.OpenOnly || filter.OverdueOnly)
            query = query.Where(r => r.State == RequestState.Verifying || r.State == RequestState.AwaitingApproval || r.State == RequestState.InProgress);
        if (filter.Kind is { } kind) query = query.Where(r => r.Kind == kind);
        if (filter.Jurisdiction is { } j) query = query.Where(r => r.Jurisdiction == j);
        if (filter.AssignedTo is { } a) query = query.Where(r => r.AssignedTo == a);
        if (filter.OverdueOnly) query = query.Where(r => r.DueAt != null && r.DueAt < now);
        if (filter.ErasureProblemsOnly) query = query.Where(r => r.ErasureProblems > 0);
        // Open first, then the nearest deadline (none yet: last), then the newest: the limit never drops an old overdue request.
        var rows = await query
            .OrderBy(r => r.State == RequestState.Verifying || r.State == RequestState.AwaitingApproval || r.State == RequestState.InProgress ? 0 : 1)
            .ThenBy(r => r.DueAt == null).ThenBy(r => r.DueAt).ThenByDescending(r => r.Id)
            .Take(Math.Clamp(filter.Limit, 1, 1000)).ToListAsync(ct);
        return rows.Select(r => Summary(r, now)).ToList();
    }

    /// <summary>Open requests past their due date, for the metric (read synchronously: a gauge's callback cannot wait) and the console.</summary>
    public long CountOverdue()
    {
        var now = time.GetUtcNow();
        using var db = contexts.CreateDbContext();
        return db.Set<RightsRequest>().AsNoTracking()
            .Where(r => r.State == RequestState.Verifying || r.State == RequestState.AwaitingApproval || r.State == RequestState.InProgress)
            .LongCount(r => r.DueAt != null && r.DueAt < now);
    }

    /// <summary>The request's timeline with texts opened; staff reads of personal text are audited by the caller's <paramref name="actor"/>.</summary>
    public async Task<List<TimelineStep>> TimelineAsync(Guid id, bool visibleOnly, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var request = await db.Set<RightsRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null) return [];
        // Staff see a duplicate with the request it repeats; its holder sees only their own steps, since the original's
        // texts were written to whoever made it.
        var followed = visibleOnly ? request.Id : request.DuplicateOfId ?? request.Id;
        var events = await db.Set<RightsRequestEvent>().AsNoTracking().Where(e => e.RequestId == request.Id || e.RequestId == followed)
            .Where(e => !visibleOnly || e.Visible).OrderBy(e => e.Id).ToListAsync(ct);
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == request.SubjectId, ct);
        var dataKey = events.Any(e => e.Text is not null && e.TextKeyVersion is null) ? await keys.OpenAsync(subject, ct) : null;
        var recordKeys = new Dictionary<int, byte[]>();
        foreach (var v in events.Where(e => e.Text is not null).Select(e => e.TextKeyVersion).OfType<int>().Distinct())
            if (await ring.FindAsync(RightsRequestEvent.RecordsKeyPurpose, v, ct) is { } k) recordKeys[v] = k.Material;
        if (!visibleOnly && events.Any(e => e.Text is not null))
            await audit.AppendAsync(new AuditEvent(actor, "rights.timeline-read", Target(id)), ct);
        return events.Select(e => new TimelineStep(e.At, e.Type, e.Actor, e.Visible, e.Report ?? (e.Text is not { } t ? null
            : e.TextKeyVersion is { } v ? (recordKeys.TryGetValue(v, out var rk) ? RightsRequestEvent.OpenRecordText(rk, e.RequestId, t) : null)
            : dataKey is not null ? RightsRequestEvent.OpenText(dataKey, request.SubjectId, e.RequestId, t) : null))).ToList();
    }

    /// <summary>The request's personal details (email, name, message, corrections) for staff or for sending mail; audited.</summary>
    public async Task<RequestDetails?> RevealAsync(Guid id, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var request = await db.Set<RightsRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null) return null;
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == request.SubjectId, ct);
        if (await keys.OpenAsync(subject, ct) is not { } dataKey) return null;
        await audit.AppendAsync(new AuditEvent(actor, "rights.details-read", Target(id)), ct);
        return RequestDetails.Open(dataKey, request);
    }

    /// <summary>
    /// The request the token opens, for the person's status page, or null: unknown id, wrong token, or the status stopped
    /// being shown (rights_requests.status_visible_for after it ended).
    /// </summary>
    public async Task<RightsRequest?> ForPersonAsync(Guid id, string token, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var request = await db.Set<RightsRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        return request is not null && CryptographicOperations.FixedTimeEquals(request.StatusTokenHash, HashToken(token)) ? request : null;
    }

    /// <summary>The request a status link's token opens, or null.</summary>
    public async Task<RightsRequest?> ForTokenAsync(string token, CancellationToken ct)
    {
        if (token.Length is < 20 or > 100) return null;
        var hash = HashToken(token);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<RightsRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.StatusTokenHash == hash, ct);
    }

    /// <summary>The rights the policy offers under a law: those without a jurisdiction list apply everywhere the policy does.</summary>
    public static IEnumerable<Right> AvailableRights(PolicyDocument policy, string jurisdiction) =>
        policy.Rights.Values.Where(r => r.Jurisdictions.Count == 0 || r.Jurisdictions.Contains(jurisdiction, StringComparer.Ordinal));

    public static string Target(Guid id) => $"rights-request:{id:D}";

    /// <summary>Kinds whose repeat asks for nothing new: the open request answers it.</summary>
    private static bool Repeatable(string kind) =>
        kind == RequestKinds.Name(RightKind.Access) || kind == RequestKinds.Name(RightKind.Portability) || kind == RequestKinds.Name(RightKind.Erasure)
        || kind == RequestKinds.Name(RightKind.OptOutOfSale) || kind == RequestKinds.Name(RightKind.WithdrawConsent);

    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] HashToken(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    public const string VerifiedByStaff = "staff";
    public const string NotRequired = "not-required";

    /// <summary>Whether the person must prove who they are: not for opting out of sale (California), nor for a question or complaint, which reveal nothing.</summary>
    public static bool NeedsVerification(string kind, string jurisdiction) =>
        Deadlines.OptOutPeriod(jurisdiction, kind) is null && kind != RequestKinds.Question && kind != RequestKinds.Name(RightKind.Complaint);

    private RequestState AfterVerification(string kind) =>
        options.Value.ApprovalRequired.Contains(kind, StringComparer.Ordinal) ? RequestState.AwaitingApproval : RequestState.InProgress;

    private async Task<RequestSummary> ChangeAsync(Guid id, string actor, string action, object? details,
        Func<StewardDbContext, RightsRequest, DateTimeOffset, object?> change, CancellationToken ct) =>
        await ChangeAsync(id, actor, action, details, (db, r, now) => Task.FromResult(change(db, r, now)), ct);

    private async Task<RequestSummary> ChangeAsync(Guid id, string actor, string action, object? details,
        Func<StewardDbContext, RightsRequest, DateTimeOffset, Task<object?>> change, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await db.Set<RightsRequest>().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw Problem($"There is no rights request {id}.");
        var before = request.State;
        var extra = await change(db, request, now);
        // Two changes at once (a deny racing a verification, staff racing the job): the version lets one win, the other is refused.
        request.Version++;
        if (before == RequestState.Verifying && request.State != RequestState.Verifying)
        {
            // A copy of an identity document serves verification only: once the request no longer waits for it, it goes.
            var documents = await db.Set<VerificationDocument>().Where(d => d.RequestId == id).ExecuteDeleteAsync(ct);
            if (documents > 0) await audit.AppendWithinAsync(db, new AuditEvent(actor, "rights.document-deleted", Target(id), new { documents, reason = "verification ended" }), ct);
        }
        await audit.AppendWithinAsync(db, new AuditEvent(actor, action, Target(id), extra ?? details), ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw Problem("The request changed at the same moment; look at it again and retry.");
        }
        await tx.CommitAsync(ct);
        return Summary(request, now);
    }

    /// <summary>A request that just went in progress and that Steward fulfils itself gets its job, in the same transaction.</summary>
    /// <summary>The person proved who they are: the deadline runs again where the law paused it, and work starts where it needs no approval.</summary>
    private async Task MarkVerifiedWithinAsync(StewardDbContext db, RightsRequest r, string method, string actor, DateTimeOffset now, CancellationToken ct)
    {
        r.VerifiedAt = now;
        r.VerifiedBy = method;
        Deadlines.Verified(r, now);
        r.State = AfterVerification(r.Kind);
        AddEvent(db, r.Id, RequestEvents.Verified, actor, visible: true, now);
        await StartWithinAsync(db, r, ct);
    }

    private async Task StartWithinAsync(StewardDbContext db, RightsRequest request, CancellationToken ct)
    {
        if (request.State == RequestState.InProgress && RightsFulfilment.Automatic(request.Kind))
            await jobs.EnqueueWithinAsync(db, RightsFulfilment.JobKind, new RightsFulfilment.Payload(request.Id), dedupKey: $"{RightsFulfilment.JobKind}:{request.Id:N}", ct: ct);
    }

    private async Task<byte[]> DataKeyAsync(StewardDbContext db, RightsRequest r, CancellationToken ct)
    {
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == r.SubjectId, ct);
        return await keys.OpenAsync(subject, ct) ?? throw Problem("This person's data was erased: nothing can be sent to them.");
    }

    private async Task AddTextEventAsync(StewardDbContext db, RightsRequest r, string type, string actor, string text, DateTimeOffset now, CancellationToken ct)
    {
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == r.SubjectId, ct);
        var dataKey = await keys.OpenAsync(subject, ct) ?? throw Problem("This person's data was erased: no message can be kept for them.");
        db.Add(new RightsRequestEvent { RequestId = r.Id, At = now, Type = type, Actor = actor, Visible = true, Text = RightsRequestEvent.SealText(dataKey, r.SubjectId, r.Id, text) });
    }

    private static void AddEvent(StewardDbContext db, Guid requestId, string type, string actor, bool visible, DateTimeOffset now) =>
        db.Add(new RightsRequestEvent { RequestId = requestId, At = now, Type = type, Actor = actor, Visible = visible });

    private async Task<string> JurisdictionAsync(string? asked, Identity identity, PolicyDocument doc, int version, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(asked))
        {
            var key = asked.Trim();
            if (!doc.Jurisdictions.Contains(key, StringComparer.Ordinal))
                throw Problem($"'{Clip(key)}' is not a jurisdiction of policy version {version} ({string.Join(", ", doc.Jurisdictions)}).");
            return key;
        }
        if (await people.FindAsync(identity, ct) is { } known)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var stored = await db.Set<DataSubject>().AsNoTracking().Where(s => s.Id == known).Select(s => s.Jurisdiction).FirstOrDefaultAsync(ct);
            if (stored is not null && doc.Jurisdictions.Contains(stored, StringComparer.Ordinal)) return stored;
        }
        if (doc.Jurisdictions.Count == 1) return doc.Jurisdictions[0];
        throw Problem($"'jurisdiction' is missing: say which law applies to the person, one of {string.Join(", ", doc.Jurisdictions)}.");
    }

    private static Dictionary<string, string> CheckCorrections(IReadOnlyDictionary<string, string> corrections, string kind)
    {
        if (kind != RequestKinds.Name(RightKind.Rectification)) throw Problem("'corrections' belong to a rectification request only.");
        if (corrections.Count > MaxCorrections) throw Problem($"At most {MaxCorrections} corrections are taken at once.");
        foreach (var (field, value) in corrections)
        {
            if (field.Length is 0 or > 200) throw Problem("A correction names a field of 1 to 200 characters.");
            if (value.Length > MaxNameLength * 5) throw Problem($"The corrected value of '{Clip(field)}' is longer than {MaxNameLength * 5} characters.");
        }
        return new Dictionary<string, string>(corrections, StringComparer.Ordinal);
    }

    private static string? Optional(string? text, string field, int max)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        return text.Length <= max ? text : throw Problem($"'{field}' is longer than {max} characters.");
    }

    private static string Required(string? text, string field, int max) =>
        Optional(text, field, max) ?? throw Problem($"'{field}' is missing: it is told to the person.");

    private static string LawName(string jurisdiction) => JurisdictionCatalogue.Bundled.Find(jurisdiction)?.Name.En ?? jurisdiction;

    /// <summary>Bad input or a step not allowed now: the message says what to do; nothing was stored.</summary>
    private static StewardException Problem(string message) => new(message);

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static RequestSummary Summary(RightsRequest r, DateTimeOffset now) =>
        new(r.Id, r.Kind, RequestStates.Name(r.State), r.Jurisdiction, r.Language, r.Channel, r.ReceivedAt, r.AcknowledgeBy, r.DueAt,
            r.IsOpen && r.DueAt < now, r.ExtendedAt, r.VerifiedAt, r.VerifiedBy, r.AssignedTo, r.DuplicateOfId, r.ClosedAt, r.SubjectId, r.ErasureProblems);
}

