using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Hosting;
using Steward.Hosting.Telemetry;
using Steward.Policy.Model;
using Steward.Storage;

namespace Steward.Policy;

/// <summary>What a publish did: a new version, nothing because the content equals the latest, or nothing because another publish took the version number at the same moment.</summary>
internal sealed record PublishOutcome(PolicyVersionInfo Version, bool Created)
{
    /// <summary>Another version was published at the same moment (the same next number); nothing was stored, and trying again publishes after it.</summary>
    public bool Conflicted { get; private init; }

    /// <summary>What a caller says when <see cref="Conflicted"/>.</summary>
    public const string ConflictMessage = "Another version was published at the same moment; nothing was published. Look at the versions and try again.";

    internal static PublishOutcome Conflict(PolicyVersionInfo attempted) => new(attempted, false) { Conflicted = true };
}

/// <summary>A published version without its content.</summary>
public sealed record PolicyVersionInfo(int Version, string ContentHash, DateOnly EffectiveDate, bool Significant, string? Summary,
    DateTimeOffset PublishedAt, string PublishedBy);

/// <summary>A published version with its policy.</summary>
internal sealed record PublishedPolicy(PolicyVersionInfo Info, PolicyDocument Document);

/// <summary>Immutable policy versions: publishing, listing, reading the one in force.</summary>
internal sealed partial class PolicyStore(IDbContextFactory<StewardDbContext> contexts, AuditLog audit, ChangeNotifications notifications, TimeProvider time)
{
    /// <summary>Sent when a version is published; every node drops its cached version in force.</summary>
    public const string PublishedChannel = "policy.published";

    /// <summary>How long the "updated" notice shows after a significant change (S20.1).</summary>
    public static readonly TimeSpan UpdateBannerPeriod = TimeSpan.FromDays(30);

    // Versions never change, so their parsed models can be cached forever (and on every node).
    private readonly ConcurrentDictionary<int, PolicyDocument> _documents = new();

    private readonly InForceCache _inForce = new(notifications);

    public static string CanonicalJson(PolicyDocument document)
    {
        var include = document.Include;
        document.Include = [];
        try { return JsonSerializer.Serialize(document, PolicyLoader.Json); }
        finally { document.Include = include; }
    }

    public static string Hash(string canonicalJson) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Publishes a validated policy. Identical content to the latest version is a no-op.</summary>
    public Task<PublishOutcome> PublishAsync(CheckedPolicy policy, bool significant, string? summary, DateOnly? effective, string actor, CancellationToken ct) =>
        PublishAsync(policy, significant, summary, effective, backdatedReason: null, actor, ct);

    /// <summary>
    /// Publishes a validated policy. An effective date before today (backdating) is refused unless
    /// <paramref name="backdatedReason"/> says why; the audit entry then records it as backdated, with the reason.
    /// </summary>
    public async Task<PublishOutcome> PublishAsync(CheckedPolicy policy, bool significant, string? summary, DateOnly? effective,
        string? backdatedReason, string actor, CancellationToken ct)
    {
        if (IsBackdated(effective) && string.IsNullOrWhiteSpace(backdatedReason))
            throw new StewardException(BackdatedProblem(effective!.Value));
        if (backdatedReason is { Length: > 2000 }) throw new StewardException("The reason for backdating may have at most 2000 characters.");
        if (!policy.IsValid)
            throw new StewardException($"The policy has {policy.Errors.Count()} error(s) and cannot be published; run 'steward policy check'.");
        if (summary is { Length: > 2000 }) throw new StewardException("The summary may have at most 2000 characters.");
        var content = CanonicalJson(policy.Document!);
        var hash = Hash(content);

        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var latest = await db.PolicyVersions.AsNoTracking().OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);
        if (latest is not null && latest.ContentHash == hash) return new PublishOutcome(ToInfo(latest), false);
        var now = time.GetUtcNow();
        var version = new PolicyVersion
        {
            Version = (latest?.Version ?? 0) + 1,
            ContentHash = hash,
            Content = content,
            EffectiveDate = effective ?? Today,
            Significant = significant,
            Summary = string.IsNullOrWhiteSpace(summary) ? null : summary.Trim(),
            PublishedAt = now,
            PublishedBy = actor,
        };
        db.PolicyVersions.Add(version);
        // The version and its audit entry commit together; the unique version number orders concurrent publishers.
        var effectiveText = version.EffectiveDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var digest = PolicyAuditedRecords.Digest(version);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "policy.published", $"policy:{version.Version}", IsBackdated(effective)
            ? new { hash, significant, effective = effectiveText, backdated = true, backdatedReason = backdatedReason!.Trim(), digest }
            : (object)new { hash, significant, effective = effectiveText, digest }), ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (IsLostRace(e))
        {
            return PublishOutcome.Conflict(ToInfo(version));
        }
        // Delivered to every node when the transaction commits (this one drops its cache below, at once).
        await notifications.PublishWithinAsync(db, PublishedChannel, version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        await tx.CommitAsync(ct);
        _inForce.Forget();
        return new PublishOutcome(ToInfo(version), true);
    }

    // Two publishers read the same latest version: PostgreSQL refuses the second row (the version number is
    // unique); SQLite refuses the second writer whose snapshot is stale.
    private static bool IsLostRace(DbUpdateException e) => e.InnerException switch
    {
        Npgsql.PostgresException p => p.SqlState is Npgsql.PostgresErrorCodes.UniqueViolation or Npgsql.PostgresErrorCodes.SerializationFailure,
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode is 19 /* constraint */ or 5 /* busy */ or 6 /* locked */,
        _ => false,
    };

    public async Task<List<PolicyVersionInfo>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.PolicyVersions.AsNoTracking().OrderBy(v => v.Version)
            .Select(v => new { v.Version, v.ContentHash, v.EffectiveDate, v.Significant, v.Summary, v.PublishedAt, v.PublishedBy })
            .ToListAsync(ct);
        return rows.Select(v => new PolicyVersionInfo(v.Version, v.ContentHash, v.EffectiveDate, v.Significant, v.Summary, v.PublishedAt, v.PublishedBy)).ToList();
    }

    public async Task<PublishedPolicy?> GetAsync(int version, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Version == version, ct);
        return row is null ? null : new PublishedPolicy(ToInfo(row), Parse(row));
    }

    /// <summary>The version in force today: the newest whose effective date has come (else the oldest, so a notice always shows).</summary>
    public async Task<PublishedPolicy?> CurrentAsync(CancellationToken ct)
    {
        var today = Today;
        var cached = _inForce.Value;
        if (cached is not null && cached.Day == today)
        {
            // Notifications reach only this process on SQLite, so a version published by another process (the CLI)
            // is noticed by the newest version number: one indexed read instead of loading and parsing.
            if (notifications.CrossProcess || await NewestVersionAsync(ct) == cached.Newest)
            {
                StewardMetrics.PolicyCacheHits.Add(1);
                return cached.Policy;
            }
        }
        StewardMetrics.PolicyCacheMisses.Add(1);
        var generation = _inForce.Generation;
        var loaded = await LoadCurrentAsync(today, ct);
        _inForce.Store(loaded, generation);
        return loaded.Policy;
    }

    /// <summary>The number of the newest published version (0 when none), whatever its effective date: one indexed read.</summary>
    public async Task<int> NewestVersionAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.PolicyVersions.MaxAsync(v => (int?)v.Version, ct) ?? 0;
    }

    private async Task<InForce> LoadCurrentAsync(DateOnly today, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var newest = await db.PolicyVersions.MaxAsync(v => (int?)v.Version, ct) ?? 0;
        var row = await db.PolicyVersions.AsNoTracking().Where(v => v.EffectiveDate <= today).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct)
                  ?? await db.PolicyVersions.AsNoTracking().OrderBy(v => v.Version).FirstOrDefaultAsync(ct);
        return new InForce(today, newest, row is null ? null : new PublishedPolicy(ToInfo(row), Parse(row)));
    }

    /// <summary>
    /// The significant change whose "updated" notice is still showing today, if any. Its 30 days start when people
    /// can first see the change (<see cref="VisibleFrom"/>), whatever date the version claims.
    /// </summary>
    public static PolicyVersionInfo? RecentSignificantChange(IEnumerable<PolicyVersionInfo> versions, DateOnly today) =>
        versions.Where(v => v.Significant && VisibleFrom(v) <= today && today < VisibleFrom(v).AddDays((int)UpdateBannerPeriod.TotalDays))
            .MaxBy(v => v.Version);

    /// <summary>The day a version can first be seen in force: its effective date, or its publication day when that is later.</summary>
    public static DateOnly VisibleFrom(PolicyVersionInfo v)
    {
        var published = DateOnly.FromDateTime(v.PublishedAt.UtcDateTime);
        return v.EffectiveDate > published ? v.EffectiveDate : published;
    }

    /// <summary>An effective date before today's (UTC) date.</summary>
    public bool IsBackdated(DateOnly? effective) => effective is { } date && date < Today;

    public string BackdatedProblem(DateOnly effective) =>
        $"The effective date {effective:yyyy-MM-dd} is before today ({Today:yyyy-MM-dd}): a backdated version would be in force before anyone could see it. "
        + "Use today or a later date, or give the reason for backdating (CLI: --allow-backdated REASON; API: backdatedReason).";

    public async Task<bool> AnyAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.PolicyVersions.AnyAsync(ct);
    }

    /// <summary>A new installation shows a complete notice at once: the bundled example is published when there is no version.</summary>
    public async Task PublishBundledExampleIfEmptyAsync(ILogger logger, CancellationToken ct)
    {
        if (await AnyAsync(ct)) return;
        var example = PolicyCheck.Run(PolicyServices.BundledExamplePath);
        if (!example.IsValid)
        {
            LogExampleInvalid(logger, example.Errors.Count());
            return;
        }
        var outcome = await PublishAsync(example, significant: false, "Example policy bundled with Steward", null, "system", ct);
        if (outcome.Conflicted) return; // another node published first; the database is not empty any more
        LogExamplePublished(logger, outcome.Version.Version);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Published the bundled example policy as version {Version}")]
    private static partial void LogExamplePublished(ILogger logger, int version);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "The bundled example policy has {Errors} error(s) and was not published")]
    private static partial void LogExampleInvalid(ILogger logger, int errors);

    private PolicyDocument Parse(PolicyVersion row) =>
        _documents.GetOrAdd(row.Version, _ => JsonSerializer.Deserialize<PolicyDocument>(row.Content, PolicyLoader.Json)!);

    private static PolicyVersionInfo ToInfo(PolicyVersion v) =>
        new(v.Version, v.ContentHash, v.EffectiveDate, v.Significant, v.Summary, v.PublishedAt, v.PublishedBy);

    private sealed record InForce(DateOnly Day, int Newest, PublishedPolicy? Policy);

    /// <summary>
    /// The version in force, cached for the day it was computed on: a version that takes effect at midnight (UTC)
    /// is picked up by the first read of the new day. A publish on any node drops it (change notification), and so
    /// does a reconnect of the notification listener.
    /// </summary>
    private sealed class InForceCache
    {
        private readonly Lock _lock = new();
        private InForce? _value;
        private long _generation;

        public InForceCache(ChangeNotifications notifications) => notifications.Subscribe(PublishedChannel, _ => Forget());

        public InForce? Value
        {
            get { lock (_lock) return _value; }
        }

        public long Generation
        {
            get { lock (_lock) return _generation; }
        }

        public void Forget()
        {
            lock (_lock)
            {
                _generation++;
                _value = null;
            }
        }

        /// <summary>Keeps what was loaded unless a publish happened meanwhile (then it may be missing the new version).</summary>
        public void Store(InForce loaded, long generation)
        {
            lock (_lock)
                if (generation == _generation) _value = loaded;
        }
    }
}
