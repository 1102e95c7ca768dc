using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steward.People;
using Steward.Policy.Model;

namespace Steward.Rights;

/// <summary>
/// Where a request stands. Open states come first: a request is open until it is completed, denied, or found to repeat
/// an open request of the same person (then it is linked to that one and follows it).
/// </summary>
internal enum RequestState { Verifying, AwaitingApproval, InProgress, Completed, Denied, Duplicate }

/// <summary>
/// One request of one person to exercise a right (or a question for the privacy team), from intake to the end of its
/// record keeping. The skeleton (kind, state, dates, jurisdiction) is kept in clear so the queue, deadlines and metrics
/// need no key; what the person wrote and how to reach them sit in <see cref="Details"/>, sealed with the subject's
/// data key. Entity; never leaves the process.
/// </summary>
internal sealed class RightsRequest
{
    public Guid Id { get; set; }
    public Guid SubjectId { get; set; }
    /// <summary>The right exercised, or <see cref="RequestKinds.Question"/>.</summary>
    public required string Kind { get; set; }
    /// <summary>Key of the jurisdiction whose law applies (a key of the policy's jurisdictions); its deadlines apply.</summary>
    public required string Jurisdiction { get; set; }
    /// <summary>The language the person wrote in and is answered in (en or zh-CN).</summary>
    public required string Language { get; set; }
    /// <summary>The policy version in force when the request arrived (its rights, methods and record-keeping periods apply).</summary>
    public int PolicyVersion { get; set; }
    public RequestState State { get; set; }
    /// <summary>How the request arrived: web, api, staff.</summary>
    public required string Channel { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>When the law's clock started: on receipt, or on verification where the law pauses it while identity is checked.</summary>
    public DateTimeOffset? ClockStartedAt { get; set; }
    /// <summary>By when the receipt must be confirmed to the person (California: 10 business days); null where the law sets no such step.</summary>
    public DateTimeOffset? AcknowledgeBy { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    /// <summary>By when the answer is due; null while the clock waits for verification.</summary>
    public DateTimeOffset? DueAt { get; set; }
    /// <summary>When the deadline was extended (once, as far as the law allows); the reason told to the person is in the timeline.</summary>
    public DateTimeOffset? ExtendedAt { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }
    /// <summary>Key of the policy's verification method that verified the person (or <c>staff</c>, <c>not-required</c>).</summary>
    public string? VerifiedBy { get; set; }
    /// <summary>User name of the staff member the request is assigned to.</summary>
    public string? AssignedTo { get; set; }
    /// <summary>The open request this one repeats (state <see cref="RequestState.Duplicate"/>).</summary>
    public Guid? DuplicateOfId { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>The last message to or from the person: record keeping (S18.8) runs from here.</summary>
    public DateTimeOffset LastCommunicationAt { get; set; }
    /// <summary>SHA-256 of the status token given to the person; the token itself is never stored.</summary>
    public required byte[] StatusTokenHash { get; set; }
    /// <summary>Who carries the request out now (a process of <c>serve</c> or <c>rights run</c>) and until when the claim holds.</summary>
    public string? RunOwner { get; set; }
    public DateTimeOffset? RunLeaseUntil { get; set; }
    /// <summary>An erasure's check for what is left of the person's identifiers (<see cref="ErasureCheckResult"/> as JSON: places and counts, never values).</summary>
    public string? ErasureCheck { get; set; }
    /// <summary>Findings and places not checked of <see cref="ErasureCheck"/>, for the queue; null until an erasure was checked.</summary>
    public int? ErasureProblems { get; set; }
    /// <summary>Bumped by every change: two changes at the same moment cannot both win.</summary>
    public int Version { get; set; }
    /// <summary><see cref="RequestDetails"/> as JSON, sealed (AES-256-GCM) with the subject's data key and bound to the request.</summary>
    public required byte[] Details { get; set; }

    public bool IsOpen => State is RequestState.Verifying or RequestState.AwaitingApproval or RequestState.InProgress;
}

/// <summary>What the person gave that is personal: how to reach them, their name, what they wrote, corrections asked for.</summary>
public sealed record RequestDetails(string Email, string? Name, string? Message, IReadOnlyDictionary<string, string>? Corrections = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal byte[] Seal(byte[] dataKey, Guid requestId, Guid subjectId) => Sealed.Seal(dataKey, JsonSerializer.SerializeToUtf8Bytes(this, Json), Associated(requestId, subjectId));

    internal static RequestDetails Open(byte[] dataKey, RightsRequest request) =>
        JsonSerializer.Deserialize<RequestDetails>(Sealed.Open(dataKey, request.Details, Associated(request.Id, request.SubjectId)), Json)!;

    private static byte[] Associated(Guid requestId, Guid subjectId) => System.Text.Encoding.UTF8.GetBytes($"steward-rights-request\n{requestId:D}\n{subjectId:D}");
}

/// <summary>
/// One step in a request's life: received, acknowledged, verified, extended (with the reason told), approved, denied,
/// a message, completed. Steps marked <see cref="Visible"/> appear on the person's status page. A text written for the
/// person may hold personal data, so it is sealed like the request's details. Entity; append-only.
/// </summary>
internal sealed class RightsRequestEvent
{
    public long Id { get; set; }
    public Guid RequestId { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>A word of <see cref="RequestEvents"/>.</summary>
    public required string Type { get; set; }
    /// <summary>Who: <c>person</c>, <c>steward</c>, or <c>staff:NAME</c>.</summary>
    public required string Actor { get; set; }
    public bool Visible { get; set; }
    /// <summary>Text for the person (a reason, an answer), sealed with the subject's data key; null when the step says it all.</summary>
    public byte[]? Text { get; set; }
    /// <summary>
    /// Null while <see cref="Text"/> is sealed with the subject's data key. After an erasure destroyed that key, the texts
    /// written to the person stay with the request's record (S18.8), sealed with this version of the
    /// <see cref="RecordsKeyPurpose"/> key instead, and go when the record does.
    /// </summary>
    public int? TextKeyVersion { get; set; }

    /// <summary>The key-ring key that seals texts kept with a request's record after the person's data key was destroyed.</summary>
    public const string RecordsKeyPurpose = "rights.records";

    /// <summary>Seals a text kept with the record (<see cref="TextKeyVersion"/>), bound to the request.</summary>
    public static byte[] SealRecordText(byte[] recordsKey, Guid requestId, string text) =>
        Sealed.Seal(recordsKey, System.Text.Encoding.UTF8.GetBytes(text), System.Text.Encoding.UTF8.GetBytes($"steward-rights-record\n{requestId:D}"));

    public static string OpenRecordText(byte[] recordsKey, Guid requestId, byte[] text) =>
        System.Text.Encoding.UTF8.GetString(Sealed.Open(recordsKey, text, System.Text.Encoding.UTF8.GetBytes($"steward-rights-record\n{requestId:D}")));
    /// <summary>
    /// Instead of <see cref="Text"/>: an answer Steward composed that names no one (which collections an erasure kept, and
    /// why), kept in clear so the person can still read it on the status page after their data key was destroyed.
    /// </summary>
    public string? Report { get; set; }

    public static byte[] SealText(byte[] dataKey, Guid subjectId, Guid requestId, string text) =>
        Sealed.Seal(dataKey, System.Text.Encoding.UTF8.GetBytes(text), Associated(subjectId, requestId));

    public static string OpenText(byte[] dataKey, Guid subjectId, Guid requestId, byte[] text) =>
        System.Text.Encoding.UTF8.GetString(Sealed.Open(dataKey, text, Associated(subjectId, requestId)));

    private static byte[] Associated(Guid subjectId, Guid requestId) => System.Text.Encoding.UTF8.GetBytes($"steward-rights-event\n{requestId:D}\n{subjectId:D}");
}

/// <summary>The kinds of request: every right the policy can name, and a free question for the privacy team.</summary>
internal static class RequestKinds
{
    public const string Question = "question";
    public const int MaxLength = 40;

    public static string Name(RightKind kind) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());

    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<RightKind>().Select(Name), Question];

    public static bool TryParseRight(string? name, out RightKind kind)
    {
        foreach (var k in Enum.GetValues<RightKind>())
            if (Name(k) == name) { kind = k; return true; }
        kind = default;
        return false;
    }
}

/// <summary>The timeline's words; stored, shown and sent, so they never change.</summary>
internal static class RequestEvents
{
    public const string Received = "received";
    public const string Duplicate = "duplicate";
    public const string Acknowledged = "acknowledged";
    public const string VerificationSent = "verification-sent";
    public const string DocumentReceived = "document-received";
    public const string Verified = "verified";
    public const string VerificationFailed = "verification-failed";
    public const string Approved = "approved";
    public const string Denied = "denied";
    public const string Extended = "extended";
    public const string Assigned = "assigned";
    public const string Message = "message";
    public const string Started = "started";
    public const string Completed = "completed";
}

internal static class RequestStates
{
    public static string Name(RequestState state) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(state.ToString());

    public static RequestState Parse(string name) =>
        TryParse(name, out var state) ? state : throw new InvalidOperationException("A stored rights request has an unknown state.");

    public static bool TryParse(string? name, out RequestState state)
    {
        foreach (var s in Enum.GetValues<RequestState>())
            if (Name(s) == name) { state = s; return true; }
        state = default;
        return false;
    }
}

internal sealed class RightsRequestConfiguration : IEntityTypeConfiguration<RightsRequest>
{
    public void Configure(EntityTypeBuilder<RightsRequest> e)
    {
        e.ToTable("rights_requests");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Kind).HasMaxLength(RequestKinds.MaxLength);
        e.Property(x => x.Jurisdiction).HasMaxLength(PeopleDirectory.MaxJurisdictionLength);
        e.Property(x => x.Language).HasMaxLength(16);
        e.Property(x => x.Channel).HasMaxLength(16);
        e.Property(x => x.State).HasMaxLength(24).HasConversion(s => RequestStates.Name(s), s => RequestStates.Parse(s));
        e.Property(x => x.VerifiedBy).HasMaxLength(64);
        e.Property(x => x.AssignedTo).HasMaxLength(128);
        e.Property(x => x.StatusTokenHash).HasMaxLength(32);
        e.Ignore(x => x.IsOpen);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.Property(x => x.RunOwner).HasMaxLength(100);
        e.Property(x => x.RunLeaseUntil).HasConversion(v => v!.Value.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
        // Compared in queries (overdue, record keeping): stored as UTC date-times, which both databases order and compare.
        e.Property(x => x.DueAt).HasConversion(v => v!.Value.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
        e.Property(x => x.LastCommunicationAt).HasConversion(v => v.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
        // The queue (open requests by due date), a person's requests (duplicates), and record keeping (purge by last contact).
        e.HasIndex(x => new { x.State, x.DueAt });
        e.HasIndex(x => new { x.SubjectId, x.Kind });
        e.HasIndex(x => x.LastCommunicationAt);
        // The status link carries only the token: its hash finds the request.
        e.HasIndex(x => x.StatusTokenHash).IsUnique();
        e.HasOne<DataSubject>().WithMany().HasForeignKey(x => x.SubjectId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RightsRequestEventConfiguration : IEntityTypeConfiguration<RightsRequestEvent>
{
    public void Configure(EntityTypeBuilder<RightsRequestEvent> e)
    {
        e.ToTable("rights_request_events");
        e.HasKey(x => x.Id);
        e.Property(x => x.Type).HasMaxLength(32);
        e.Property(x => x.Actor).HasMaxLength(160);
        e.Property(x => x.Report).HasMaxLength(RightsRequests.MaxMessageLength);
        e.HasIndex(x => new { x.RequestId, x.Id });
        e.HasOne<RightsRequest>().WithMany().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}
