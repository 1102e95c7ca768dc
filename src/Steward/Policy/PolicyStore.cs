using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Hosting;
using Steward.Policy.Model;
using Steward.Storage;

namespace Steward.Policy;

/// <summary>What a publish did: a new version, or nothing because the content equals the latest.</summary>
public sealed record PublishOutcome(PolicyVersionInfo Version, bool Created);

/// <summary>A published version without its content.</summary>
public sealed record PolicyVersionInfo(int Version, string ContentHash, DateOnly EffectiveDate, bool Significant, string? Summary,
    DateTimeOffset PublishedAt, string PublishedBy);

/// <summary>A published version with its policy.</summary>
public sealed record PublishedPolicy(PolicyVersionInfo Info, PolicyDocument Document);

/// <summary>Immutable policy versions: publishing, listing, reading the one in force.</summary>
public sealed partial class PolicyStore(IDbContextFactory<StewardDbContext> contexts, AuditLog audit, TimeProvider time)
{
    /// <summary>How long the "updated" notice shows after a significant change (S20.1).</summary>
    public static readonly TimeSpan UpdateBannerPeriod = TimeSpan.FromDays(30);

    // Versions never change, so their parsed models can be cached forever (and on every node).
    private readonly ConcurrentDictionary<int, PolicyDocument> _documents = new();

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
    public async Task<PublishOutcome> PublishAsync(CheckedPolicy policy, bool significant, string? summary, DateOnly? effective, string actor, CancellationToken ct)
    {
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
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "policy.published", $"policy:{version.Version}",
            new { hash, significant, effective = version.EffectiveDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                digest = PolicyAuditedRecords.Digest(version) }), ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new StewardException("The version could not be stored (another may have been published at the same moment); nothing was published. Try again.");
        }
        await tx.CommitAsync(ct);
        return new PublishOutcome(ToInfo(version), true);
    }

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
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.PolicyVersions.AsNoTracking().Where(v => v.EffectiveDate <= today).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct)
                  ?? await db.PolicyVersions.AsNoTracking().OrderBy(v => v.Version).FirstOrDefaultAsync(ct);
        return row is null ? null : new PublishedPolicy(ToInfo(row), Parse(row));
    }

    /// <summary>The significant change whose "updated" notice is still showing today, if any.</summary>
    public static PolicyVersionInfo? RecentSignificantChange(IEnumerable<PolicyVersionInfo> versions, DateOnly today) =>
        versions.Where(v => v.Significant && v.EffectiveDate <= today && today < v.EffectiveDate.AddDays((int)UpdateBannerPeriod.TotalDays))
            .MaxBy(v => v.Version);

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
}
