using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Steward.Audit;
using Steward.People;
using Steward.Storage;

namespace Steward.Rights;

/// <summary>
/// An access or portability package: the zip sealed (AES-256-GCM) with the subject's data key, so erasing the person
/// leaves it unreadable, kept until <see cref="ExpiresAt"/> and then deleted. Entity; never leaves the process.
/// </summary>
internal sealed class RightsPackage
{
    public Guid RequestId { get; set; }
    public Guid SubjectId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>Size of the zip in bytes, before sealing.</summary>
    public long Size { get; set; }
    /// <summary>SHA-256 of the zip (lower-case hex), named in the audit log so a download can be matched to what was made.</summary>
    public required string Sha256 { get; set; }
    /// <summary>SHA-256 of the download token sent to the person by mail; the token itself is never stored.</summary>
    public required byte[] DownloadTokenHash { get; set; }
    public required byte[] Content { get; set; }
}

internal sealed class RightsPackageConfiguration : IEntityTypeConfiguration<RightsPackage>
{
    public void Configure(EntityTypeBuilder<RightsPackage> e)
    {
        e.ToTable("rights_packages");
        e.HasKey(x => x.RequestId);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.Property(x => x.ExpiresAt).HasConversion(v => v.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
        e.HasIndex(x => x.ExpiresAt);
        e.Property(x => x.DownloadTokenHash).HasMaxLength(32);
        e.HasIndex(x => x.DownloadTokenHash).IsUnique();
        e.HasOne<RightsRequest>().WithOne().HasForeignKey<RightsPackage>(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A package opened for download: the zip and its file name.</summary>
internal sealed record OpenedPackage(byte[] Zip, string FileName, DateTimeOffset ExpiresAt);

/// <summary>Stores packages sealed for their subject and opens them for the person (by status token) or for staff (audited).</summary>
internal sealed class RequestPackages(IDbContextFactory<StewardDbContext> contexts, SubjectKeys keys, AuditLog audit, IOptions<RightsOptions> options, TimeProvider time)
{
    /// <summary>
    /// Adds (or replaces) a request's package in the caller's transaction; returns when it expires and the download token,
    /// to send to the person by mail only (the status token, which whoever submitted the request holds, never opens it).
    /// </summary>
    public async Task<(DateTimeOffset ExpiresAt, string DownloadToken)> StoreWithinAsync(StewardDbContext db, RightsRequest request, byte[] zip, CancellationToken ct)
    {
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == request.SubjectId, ct);
        var dataKey = await keys.OpenAsync(subject, ct) ?? throw new Hosting.StewardException("The person's data was erased: no package can be made for them.");
        var now = time.GetUtcNow();
        var expires = now + options.Value.PackageAvailableFor;
        await db.Set<RightsPackage>().Where(p => p.RequestId == request.Id).ExecuteDeleteAsync(ct);
        var sha = Convert.ToHexStringLower(SHA256.HashData(zip));
        var download = RightsRequests.NewToken();
        db.Add(new RightsPackage
        {
            RequestId = request.Id, SubjectId = request.SubjectId, CreatedAt = now, ExpiresAt = expires, Size = zip.Length, Sha256 = sha,
            DownloadTokenHash = RightsRequests.HashToken(download),
            Content = Sealed.Seal(dataKey, zip, Associated(request.Id, request.SubjectId)),
        });
        await audit.AppendWithinAsync(db, new AuditEvent(RightsFulfilment.Actor, "rights.package-made", RightsRequests.Target(request.Id), new { size = zip.Length, sha256 = sha, expires }), ct);
        return (expires, download);
    }

    /// <summary>When the request's package stops being available, or null when it has none (or it expired).</summary>
    public async Task<DateTimeOffset?> AvailableUntilAsync(Guid requestId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var expires = await db.Set<RightsPackage>().AsNoTracking().Where(p => p.RequestId == requestId).Select(p => (DateTimeOffset?)p.ExpiresAt).FirstOrDefaultAsync(ct);
        return expires > now ? expires : null;
    }

    /// <summary>The package of a request, opened; audited with who took it. Null when there is none, it expired, or the person was erased.</summary>
    public async Task<OpenedPackage?> OpenAsync(Guid requestId, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var package = await db.Set<RightsPackage>().AsNoTracking().FirstOrDefaultAsync(p => p.RequestId == requestId, ct);
        if (package is null || package.ExpiresAt <= time.GetUtcNow()) return null;
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == package.SubjectId, ct);
        if (await keys.OpenAsync(subject, ct) is not { } dataKey) return null;
        var zip = Sealed.Open(dataKey, package.Content, Associated(package.RequestId, package.SubjectId));
        await audit.AppendAsync(new AuditEvent(actor, "rights.package-downloaded", RightsRequests.Target(requestId), new { sha256 = package.Sha256 }), ct);
        return new OpenedPackage(zip, $"personal-information-{requestId:N}.zip", package.ExpiresAt);
    }

    /// <summary>The package a mailed download token opens, or null (unknown token, expired, or the person was erased); audited.</summary>
    public async Task<OpenedPackage?> OpenByDownloadTokenAsync(string token, string actor, CancellationToken ct)
    {
        if (token.Length is < 20 or > 100) return null;
        var hash = RightsRequests.HashToken(token);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var requestId = await db.Set<RightsPackage>().AsNoTracking().Where(p => p.DownloadTokenHash == hash).Select(p => (Guid?)p.RequestId).FirstOrDefaultAsync(ct);
        return requestId is { } id ? await OpenAsync(id, actor, ct) : null;
    }

    /// <summary>Deletes packages past their time; returns how many went.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<RightsPackage>().Where(p => p.ExpiresAt <= now).ExecuteDeleteAsync(ct);
    }

    private static byte[] Associated(Guid requestId, Guid subjectId) => System.Text.Encoding.UTF8.GetBytes($"steward-rights-package\n{requestId:D}\n{subjectId:D}");
}
