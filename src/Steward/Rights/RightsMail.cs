using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Audit;
using Steward.Hosting;
using Steward.Jobs;
using Steward.Mail;
using Steward.People;
using Steward.Policy;
using Steward.Storage;
using Steward.Web;

namespace Steward.Rights;

/// <summary>The messages a person receives about a request; stored in job payloads, so they never change.</summary>
internal static class RightsMessages
{
    public const string Received = "received";
    public const string Code = "code";
    public const string Extended = "extended";
    public const string Denied = "denied";
    public const string Completed = "completed";
    public const string NotVerified = "not-verified";
}

/// <summary>What a mail job carries: ids, the message, and (for the receipt and codes) a sealed secret.</summary>
/// <remarks>
/// The status token exists in clear only while the request is submitted, and a code only while it is issued; the job
/// that sends them may run minutes later, after a crash or an SMTP outage. So the secret travels in the payload sealed
/// (AES-256-GCM) with the subject's data key and bound to the request and the message: the jobs table holds no
/// token, code or address in clear, a copy of it reveals nothing without the key ring, and erasing the person shreds
/// it with the rest of their data. Finished jobs are purged after Jobs:KeepFinishedFor.
/// </remarks>
internal sealed record RightsMailPayload(Guid Request, string Message, string? Sealed = null);

/// <summary>The secrets a message carries, sealed into its payload.</summary>
internal sealed record MailSecrets(string? StatusToken, string? Code, string? Download = null);

/// <summary>Queues the mail of a request inside the caller's transaction, so a change and its message commit together.</summary>
internal sealed class RightsMail(BackgroundJobs jobs, IOptions<MailOptions> mail)
{
    public const string JobKind = "rights.mail";
    /// <summary>With the back-off doubling up to an hour, a message is tried for about a day before its job is dead (and kept for <c>steward jobs retry</c>).</summary>
    public const int MaxAttempts = 30;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>False when Mail:SmtpHost is not set: nothing is queued, nothing sent.</summary>
    public bool IsOn => mail.Value.IsConfigured;

    /// <summary>Queues <paramref name="message"/> for <paramref name="request"/>; a message sent once per request (all but codes) is queued once.</summary>
    public async Task<bool> EnqueueWithinAsync(StewardDbContext db, RightsRequest request, string message, byte[]? dataKey = null, MailSecrets? secrets = null,
        CancellationToken ct = default)
    {
        if (!IsOn) return false;
        var sealedSecrets = secrets is null ? null
            : Convert.ToBase64String(People.Sealed.Seal(dataKey ?? throw new ArgumentNullException(nameof(dataKey)),
                JsonSerializer.SerializeToUtf8Bytes(secrets, Json), Associated(request.Id, message)));
        var once = message == RightsMessages.Code ? null : $"{JobKind}:{request.Id:D}:{message}";
        await jobs.EnqueueWithinAsync(db, JobKind, new RightsMailPayload(request.Id, message, sealedSecrets), dedupKey: once, maxAttempts: MaxAttempts, ct: ct);
        return true;
    }

    public static MailSecrets Open(byte[] dataKey, RightsMailPayload payload)
    {
        if (payload.Sealed is null) return new MailSecrets(null, null);
        try
        {
            return JsonSerializer.Deserialize<MailSecrets>(People.Sealed.Open(dataKey, Convert.FromBase64String(payload.Sealed), Associated(payload.Request, payload.Message)), Json)!;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The person's record was merged into another since the message was queued: the secret went with the old key.
            throw new StewardException($"The {payload.Message} message of rights request {payload.Request} was sealed for a record merged since; it cannot be sent.");
        }
    }

    private static byte[] Associated(Guid requestId, string message) => System.Text.Encoding.UTF8.GetBytes($"steward-rights-mail\n{requestId:D}\n{message}");
}

/// <summary>
/// Sends one message of a request: opens the address from the request's sealed details, writes the message in the
/// request's language, sends it, and records it (the receipt as the acknowledgement the law asks for). A message whose
/// person was erased meanwhile is dropped. Sent at least once: a node that dies between sending and recording sends again.
/// </summary>
internal sealed partial class RightsMailHandler(IDbContextFactory<StewardDbContext> contexts, SubjectKeys keys, PolicyStore policies, Mailer mailer, ShredAfterErasure shredder,
    AuditLog audit, IOptions<MailOptions> mail, IOptions<WebOptions> web, ILogger<RightsMailHandler> logger, TimeProvider time) : IJobHandler
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "Shredding after the answer to erasure request {RequestId} failed ({Error}); the rights.shred job will do it")]
    private static partial void LogShredDeferred(ILogger logger, Guid requestId, string error);

    public string Kind => RightsMail.JobKind;

    public async Task RunAsync(JobContext context, CancellationToken ct)
    {
        var payload = context.PayloadAs<RightsMailPayload>();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var request = await db.Set<RightsRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == payload.Request, ct);
        if (request is null) return;
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == request.SubjectId, ct);
        if (await keys.OpenAsync(subject, ct) is not { } dataKey) return;
        // The receipt is sent once; a job run again after it was recorded sends nothing.
        if (payload.Message == RightsMessages.Received && request.AcknowledgedAt is not null) return;

        var details = RequestDetails.Open(dataKey, request);
        var secrets = RightsMail.Open(dataKey, payload);
        var s = Language.Strings<RightsMailStrings>(request.Language);
        var (subjectLine, body) = await ComposeAsync(db, s, request, payload.Message, secrets, dataKey, ct);
        var sender = string.IsNullOrWhiteSpace(mail.Value.FromName) ? s.DefaultSender : mail.Value.FromName.Trim();
        var text = $"{s.Greeting}\n\n{body}\n\n{Language.Format(s.Signature, sender)}\n";
        await mailer.SendAsync(new MailMessage(details.Email, subjectLine, text, request.Language), $"{payload.Message} of rights request {request.Id}", ct);
        await RecordAsync(request.Id, payload.Message, ct);
        // The answer to an erasure request was the last use of the person's address: now the rest of what Steward keeps goes.
        // A failure here must not send the message again on the job's retry: the queued rights.shred job does it later.
        if (payload.Message == RightsMessages.Completed)
        {
            try
            {
                await shredder.ShredAsync(request.Id, ct);
            }
            catch (Exception e) when (e is DbException or StewardException or InvalidOperationException)
            {
                LogShredDeferred(logger, request.Id, e.GetType().Name);
            }
        }
    }

    private async Task<(string Subject, string Body)> ComposeAsync(StewardDbContext db, RightsMailStrings s, RightsRequest r, string message, MailSecrets secrets,
        byte[] dataKey, CancellationToken ct)
    {
        var reference = r.Id.ToString("D");
        switch (message)
        {
            case RightsMessages.Received:
                var site = web.Value.PublicBase ?? throw new StewardException("Web:PublicUrl is not set: the status link cannot be made.");
                var token = secrets.StatusToken ?? throw new StewardException($"The receipt of rights request {r.Id} carries no status token.");
                var parts = new List<string> { Language.Format(s.Received, reference, RightsPaths.StatusLink(site, token), token, site + RightsPaths.StatusPrefix) };
                if (secrets.Code is { } code) parts.Add(Language.Format(s.CodeInReceipt, code, (int)VerificationChallenge.Lifetime.TotalMinutes));
                parts.Add(r.DueAt is { } due ? Language.Format(s.DueBy, Date(s, r.Language, due)) : s.DueAfterVerification);
                return (s.ReceivedSubject, string.Join("\n\n", parts));
            case RightsMessages.Code:
                return (s.CodeSubject, Language.Format(s.Code, reference,
                    secrets.Code ?? throw new StewardException($"A code message of rights request {r.Id} carries no code."), (int)VerificationChallenge.Lifetime.TotalMinutes));
            case RightsMessages.Extended:
                return (s.ExtendedSubject, Language.Format(s.Extended, reference, Date(s, r.Language, r.DueAt!.Value),
                    await TextAsync(db, r, RequestEvents.Extended, dataKey, ct)));
            case RightsMessages.Denied:
                var policy = await policies.GetAsync(r.PolicyVersion, ct) ?? await policies.CurrentAsync(ct);
                var authority = policy?.Document.Complaints?.SupervisoryAuthority?.In(r.Language) ?? "";
                return (s.DeniedSubject, Language.Format(s.Denied, reference, await TextAsync(db, r, RequestEvents.Denied, dataKey, ct), authority).TrimEnd());
            case RightsMessages.Completed:
                var answer = await TextOrNullAsync(db, r, RequestEvents.Completed, dataKey, ct);
                var body = answer is null ? Language.Format(s.Completed, reference) : Language.Format(s.CompletedWithAnswer, reference, answer);
                // The package's link goes only by mail: the status token of whoever submitted the request never opens it.
                if (secrets.Download is { } download && web.Value.PublicBase is { } publicBase)
                    body += "\n\n" + Language.Format(s.PackageLink, RightsPaths.PackageLink(publicBase, download));
                return (s.CompletedSubject, body);
            case RightsMessages.NotVerified:
                var reason = await TextAsync(db, r, RequestEvents.VerificationFailed, dataKey, ct);
                var deleted = !await db.Set<VerificationDocument>().AnyAsync(d => d.RequestId == r.Id, ct);
                return (s.NotVerifiedSubject, Language.Format(s.NotVerified, reference, reason) + (deleted ? "\n\n" + s.DocumentDeleted : ""));
            default:
                throw new StewardException($"'{message}' is not a message of rights requests.");
        }
    }

    private static string Date(RightsMailStrings s, string lang, DateTimeOffset at) => at.UtcDateTime.ToString(s.DateFormat, Language.Culture(lang));

    private static async Task<string> TextAsync(StewardDbContext db, RightsRequest r, string type, byte[] dataKey, CancellationToken ct) =>
        await TextOrNullAsync(db, r, type, dataKey, ct) ?? throw new StewardException($"Rights request {r.Id} has no '{type}' step with a text to send.");

    /// <summary>The text of the newest step of <paramref name="type"/>: what staff wrote to the person.</summary>
    private static async Task<string?> TextOrNullAsync(StewardDbContext db, RightsRequest r, string type, byte[] dataKey, CancellationToken ct)
    {
        var step = await db.Set<RightsRequestEvent>().AsNoTracking().Where(e => e.RequestId == r.Id && e.Type == type && (e.Text != null || e.Report != null))
            .OrderByDescending(e => e.Id).Select(e => new { e.Text, e.Report }).FirstOrDefaultAsync(ct);
        return step?.Report ?? (step?.Text is { } text ? RightsRequestEvent.OpenText(dataKey, r.SubjectId, r.Id, text) : null);
    }

    /// <summary>The message went out: the receipt is the acknowledgement; a code is a step of the timeline; every message is the last contact.</summary>
    private async Task RecordAsync(Guid id, string message, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var r = await db.Set<RightsRequest>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null) return;
        r.LastCommunicationAt = now;
        if (message == RightsMessages.Received && r.AcknowledgedAt is null)
        {
            r.AcknowledgedAt = now;
            db.Add(new RightsRequestEvent { RequestId = id, At = now, Type = RequestEvents.Acknowledged, Actor = "steward", Visible = true });
        }
        if (message == RightsMessages.Code)
            db.Add(new RightsRequestEvent { RequestId = id, At = now, Type = RequestEvents.VerificationSent, Actor = "steward", Visible = true });
        await audit.AppendWithinAsync(db, new AuditEvent("steward", "rights.mail-sent", RightsRequests.Target(id), new { message }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
