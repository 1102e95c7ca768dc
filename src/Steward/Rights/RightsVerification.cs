using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Audit;
using Steward.People;
using Steward.Policy;
using Steward.Policy.Model;
using Steward.Storage;

namespace Steward.Rights;

/// <summary>What a verification step came to: done, or a problem with its HTTP status and a sentence the person can act on.</summary>
internal sealed record ProofOutcome(int Status, string? Title = null, string? Detail = null, TimeSpan? RetryAfter = null)
{
    public bool Ok => Status < 300;
    public static ProofOutcome Done { get; } = new(200);
    public static ProofOutcome Problem(int status, string title, string detail, TimeSpan? retryAfter = null) => new(status, title, detail, retryAfter);
}

/// <summary>A document as staff read it.</summary>
internal sealed record DocumentCopy(string ContentType, byte[] Content, DateTimeOffset UploadedAt, string Method);

/// <summary>
/// How a person proves who they are, by the methods of the request's policy (<c>identity_verification.methods</c>): a
/// code sent to the address they gave (a method without <c>photo_id</c> other than <c>signed-in</c>), a copy of an
/// identity document that staff look at (a method with <c>photo_id</c>), or a session of a company app
/// (<c>signed-in</c>). Success hands over to <see cref="RightsRequests.VerifyAsync"/>.
/// </summary>
internal sealed class RightsVerification(IDbContextFactory<StewardDbContext> contexts, RightsRequests requests, RightsMail mail, SubjectKeys keys,
    PolicyStore policies, AuditLog audit, IOptions<RightsOptions> options, TimeProvider time)
{
    public const string SignedIn = "signed-in";
    public static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(60);
    public const int CodesPerDay = 5;

    /// <summary>The method verified by a code sent by email, or null when the policy has none.</summary>
    public static string? EmailCodeMethod(PolicyDocument? doc) =>
        doc?.IdentityVerification?.Methods.Where(m => !m.Value.PhotoId && m.Key != SignedIn).Select(m => m.Key).OrderBy(k => k, StringComparer.Ordinal).FirstOrDefault();

    public static (string Key, VerificationMethod Method)? PhotoMethod(PolicyDocument? doc) =>
        doc?.IdentityVerification?.Methods.Where(m => m.Value.PhotoId).OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, m.Value)).FirstOrDefault() is { Key: not null } found
            ? found : null;

    public static bool HasSignedIn(PolicyDocument? doc) => doc?.IdentityVerification?.Methods.ContainsKey(SignedIn) == true;

    /// <summary>A new code for <paramref name="request"/>, added to <paramref name="db"/>; only its HMAC is kept.</summary>
    public static string IssueWithin(StewardDbContext db, Guid request, byte[] dataKey, DateTimeOffset now)
    {
        var code = VerificationChallenge.NewCode();
        var id = Guid.CreateVersion7(now);
        db.Add(new VerificationChallenge
        {
            Id = id,
            RequestId = request,
            CodeHash = VerificationChallenge.Hash(dataKey, id, code),
            CreatedAt = now,
            ExpiresAt = now + VerificationChallenge.Lifetime,
        });
        return code;
    }

    /// <summary>Sends a new code to the request's address: at most one a minute and <see cref="CodesPerDay"/> a day per request.</summary>
    public async Task<ProofOutcome> SendCodeAsync(Guid id, string? token, CancellationToken ct)
    {
        if (await OpenAsync(id, token, ct) is not { } found) return NotFound(id);
        var (request, doc) = found;
        if (request.State != RequestState.Verifying) return NotVerifying(request);
        if (EmailCodeMethod(doc) is null) return Unavailable("The privacy policy offers no verification by email code for this request.");
        if (!mail.IsOn) return Unavailable("Verification by email is unavailable: this service sends no mail. Use another way the privacy notice describes, or contact the privacy team.");
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sent = await db.Set<VerificationChallenge>().AsNoTracking().Where(c => c.RequestId == id).Select(c => c.CreatedAt).ToListAsync(ct);
        if (sent.Count > 0 && sent.Max() + ResendAfter > now)
            return ProofOutcome.Problem(429, "A code was sent a moment ago", "Wait a minute for the code we sent, then ask again if it has not arrived.", sent.Max() + ResendAfter - now);
        if (sent.Count(at => at > now - TimeSpan.FromDays(1)) >= CodesPerDay)
            return ProofOutcome.Problem(429, "Too many codes", $"At most {CodesPerDay} codes are sent for a request in a day; ask again tomorrow or contact the privacy team.",
                sent.Where(at => at > now - TimeSpan.FromDays(1)).Min() + TimeSpan.FromDays(1) - now);
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == request.SubjectId, ct);
        if (await keys.OpenAsync(subject, ct) is not { } dataKey) return NotFound(id);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var code = IssueWithin(db, id, dataKey, now);
        await mail.EnqueueWithinAsync(db, request, RightsMessages.Code, dataKey, new MailSecrets(null, code), ct);
        await audit.AppendWithinAsync(db, new AuditEvent("person", "rights.code-issued", RightsRequests.Target(id)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ProofOutcome.Done;
    }

    /// <summary>Checks a code: the newest code of the request, unused, unexpired and not locked by wrong tries, compared in constant time.</summary>
    public async Task<ProofOutcome> CheckCodeAsync(Guid id, string? token, string? code, CancellationToken ct)
    {
        if (await OpenAsync(id, token, ct) is not { } found) return NotFound(id);
        var (request, doc) = found;
        var entered = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (entered.Length != VerificationChallenge.CodeLength)
            return ProofOutcome.Problem(400, "The code is not valid", $"'code' is the {VerificationChallenge.CodeLength}-digit code we sent by email.");
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var challenges = await db.Set<VerificationChallenge>().AsNoTracking().Where(c => c.RequestId == id).ToListAsync(ct);
        if (challenges.OrderByDescending(c => c.CreatedAt).FirstOrDefault() is not { } challenge)
            return ProofOutcome.Problem(400, "No code was sent", "No code was sent for this request; ask for one first.");
        if (challenge.UsedAt is not null)
            return ProofOutcome.Problem(400, "The code was used already", "A code works once, and this one has been used.");
        if (request.State != RequestState.Verifying) return NotVerifying(request);
        if (challenge.Attempts >= VerificationChallenge.MaxAttempts)
            return ProofOutcome.Problem(429, "Too many wrong codes", $"The code was entered wrongly {VerificationChallenge.MaxAttempts} times and no longer works; ask for a new code.");
        if (challenge.ExpiresAt <= now)
            return ProofOutcome.Problem(400, "The code has expired", $"A code works for {(int)VerificationChallenge.Lifetime.TotalMinutes} minutes; ask for a new code.");
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == request.SubjectId, ct);
        if (await keys.OpenAsync(subject, ct) is not { } dataKey) return NotFound(id);
        var matches = CryptographicOperations.FixedTimeEquals(VerificationChallenge.Hash(dataKey, challenge.Id, entered), challenge.CodeHash);
        // Conditional updates: two tries at the same moment count twice, and a code is used at most once.
        var live = db.Set<VerificationChallenge>().Where(c => c.Id == challenge.Id && c.UsedAt == null && c.Attempts < VerificationChallenge.MaxAttempts);
        if (!matches)
        {
            await live.ExecuteUpdateAsync(s => s.SetProperty(c => c.Attempts, c => c.Attempts + 1), ct);
            await audit.AppendAsync(new AuditEvent("person", "rights.code-wrong", RightsRequests.Target(id)), ct);
            var left = VerificationChallenge.MaxAttempts - challenge.Attempts - 1;
            return left > 0
                ? ProofOutcome.Problem(400, "The code is wrong", $"The code does not match the one we sent; {left} {(left == 1 ? "try" : "tries")} left.")
                : ProofOutcome.Problem(429, "Too many wrong codes", $"The code was entered wrongly {VerificationChallenge.MaxAttempts} times and no longer works; ask for a new code.");
        }
        if (await live.ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct) == 0)
            return ProofOutcome.Problem(400, "The code was used already", "A code works once, and this one has been used.");
        await requests.VerifyAsync(id, EmailCodeMethod(doc) ?? "email-code", "person:email-code", ct);
        return ProofOutcome.Done;
    }

    /// <summary>Keeps a copy of an identity document, sealed; a new upload replaces the one not yet looked at.</summary>
    public async Task<ProofOutcome> UploadAsync(Guid id, string? token, Stream file, long length, CancellationToken ct)
    {
        if (await OpenAsync(id, token, ct) is not { } found) return NotFound(id);
        var (request, doc) = found;
        if (request.State != RequestState.Verifying) return NotVerifying(request);
        if (PhotoMethod(doc) is not { } method)
            return ProofOutcome.Problem(400, "No identity document is asked for", "The privacy policy does not verify identity with a copy of an identity document.");
        var max = options.Value.MaxDocumentBytes;
        if (length > max) return TooLarge(max);
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        if (buffer.Length > max) return TooLarge(max);
        var image = buffer.ToArray();
        if (VerificationDocument.ImageType(image.AsSpan(0, Math.Min(16, image.Length))) is not { } type)
            return ProofOutcome.Problem(415, "Not an image", "Send a photo or scan of the document as a JPEG, PNG or WebP image.");
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == request.SubjectId, ct);
        if (await keys.OpenAsync(subject, ct) is not { } dataKey) return NotFound(id);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<VerificationDocument>().Where(d => d.RequestId == id).ExecuteDeleteAsync(ct);
        var documentId = Guid.CreateVersion7(now);
        db.Add(new VerificationDocument
        {
            Id = documentId,
            RequestId = id,
            Method = method.Key,
            ContentType = type,
            Size = image.Length,
            UploadedAt = now,
            Content = VerificationDocument.Seal(dataKey, request.SubjectId, documentId, image),
        });
        CryptographicOperations.ZeroMemory(image);
        db.Add(new RightsRequestEvent { RequestId = id, At = now, Type = RequestEvents.DocumentReceived, Actor = "person", Visible = true });
        await audit.AppendWithinAsync(db, new AuditEvent("person", "rights.document-received", RightsRequests.Target(id), new { type, size = buffer.Length }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ProofOutcome.Done;
    }

    /// <summary>The document for staff to look at; the read is audited as a read of personal data.</summary>
    public async Task<DocumentCopy?> DocumentAsync(Guid id, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var document = await db.Set<VerificationDocument>().AsNoTracking().Where(d => d.RequestId == id).OrderByDescending(d => d.Id).FirstOrDefaultAsync(ct);
        if (document is null) return null;
        var subjectId = await db.Set<RightsRequest>().Where(r => r.Id == id).Select(r => r.SubjectId).FirstAsync(ct);
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == subjectId, ct);
        if (await keys.OpenAsync(subject, ct) is not { } dataKey) return null;
        await audit.AppendAsync(new AuditEvent(actor, "rights.document-read", RightsRequests.Target(id), new { document = document.Id }), ct);
        return new DocumentCopy(document.ContentType, VerificationDocument.Open(dataKey, subjectId, document), document.UploadedAt, document.Method);
    }

    /// <summary>
    /// Staff accept or reject the document. Where the method says <c>delete_after_verification</c>, the document is
    /// deleted in the same transaction as the decision, with an audit entry that proves which bytes went (their SHA-256
    /// and size, S18.6); on SQLite the freed pages are overwritten and the write-ahead log emptied, as when a key is erased.
    /// </summary>
    public async Task<ProofOutcome> DecideAsync(Guid id, bool accept, string? reason, string actor, CancellationToken ct)
    {
        var policy = await PolicyOfAsync(id, ct);
        var sqlite = false;
        try
        {
            await requests.DecideIdentityAsync(id, accept, reason, actor, async (db, r) =>
            {
                var document = await db.Set<VerificationDocument>().Where(d => d.RequestId == id).OrderByDescending(d => d.Id).FirstOrDefaultAsync(ct)
                    ?? throw new Hosting.StewardException("No identity document was received for this request; there is nothing to decide on.");
                var method = policy?.IdentityVerification?.Methods.GetValueOrDefault(document.Method);
                if (method?.DeleteAfterVerification != true) return (document.Method, (object?)null);
                var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == r.SubjectId, ct);
                var dataKey = await keys.OpenAsync(subject, ct);
                var image = dataKey is null ? null : VerificationDocument.Open(dataKey, r.SubjectId, document);
                var proof = new { document = document.Id, sha256 = image is null ? null : Convert.ToHexStringLower(SHA256.HashData(image)), size = document.Size, document.ContentType };
                if (image is not null) CryptographicOperations.ZeroMemory(image);
                sqlite = db.Database.IsSqlite();
                // secure_delete works on what is freed while it is on: on for this delete, off again before the connection returns to the pool.
                if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete = ON;", ct);
                try
                {
                    await db.Set<VerificationDocument>().Where(d => d.RequestId == id).ExecuteDeleteAsync(ct);
                }
                finally
                {
                    if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete = OFF;", CancellationToken.None);
                }
                await audit.AppendWithinAsync(db, new AuditEvent(actor, "rights.document-deleted", RightsRequests.Target(id), proof), ct);
                return (document.Method, proof);
            }, ct);
        }
        catch (Hosting.StewardException e)
        {
            return ProofOutcome.Problem(400, "The decision cannot be recorded", e.Message);
        }
        if (sqlite)
        {
            // Best effort, as for an erased key: frames that held the document leave the log now rather than at the next checkpoint.
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", CancellationToken.None);
        }
        return ProofOutcome.Done;
    }

    private async Task<PolicyDocument?> PolicyOfAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var version = await db.Set<RightsRequest>().Where(r => r.Id == id).Select(r => (int?)r.PolicyVersion).FirstOrDefaultAsync(ct);
        return version is { } v ? (await policies.GetAsync(v, ct))?.Document : null;
    }

    /// <summary>The request the id and status token open, with the policy it was made under.</summary>
    private async Task<(RightsRequest Request, PolicyDocument? Policy)?> OpenAsync(Guid id, string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token)) return null;
        if (await requests.ForPersonAsync(id, token.Trim(), ct) is not { } request) return null;
        return (request, (await policies.GetAsync(request.PolicyVersion, ct))?.Document);
    }

    private static ProofOutcome NotFound(Guid id) =>
        ProofOutcome.Problem(404, "No such rights request", $"There is no rights request {id} that this status token opens.");

    private static ProofOutcome NotVerifying(RightsRequest r) =>
        ProofOutcome.Problem(409, "Nothing to verify", $"The request is {RequestStates.Name(r.State)}: it is not waiting for the person's identity to be confirmed.");

    private static ProofOutcome Unavailable(string detail) => ProofOutcome.Problem(503, "Verification by email is unavailable", detail);

    private static ProofOutcome TooLarge(long max) =>
        ProofOutcome.Problem(413, "The file is too large", $"Send an image of at most {max / (1024 * 1024.0):0.#} MB.");
}
