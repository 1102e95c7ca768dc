using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Steward.Storage;

namespace Steward.Security;

/// <summary>A console session. Entity; the session key itself is only in the browser's cookie, this holds its SHA-256.</summary>
internal sealed class StaffSession
{
    /// <summary>SHA-256 (hex) of the 256-bit session key.</summary>
    public required string Id { get; set; }
    public Guid UserId { get; set; }
    /// <summary>The user's role at sign-in: a role change ends the session.</summary>
    public required string Role { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class StaffSessionConfiguration : IEntityTypeConfiguration<StaffSession>
{
    public void Configure(EntityTypeBuilder<StaffSession> e)
    {
        e.ToTable("staff_sessions");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.Role).HasMaxLength(32);
        e.HasIndex(x => x.UserId);
        e.HasOne<StaffUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Server-side sessions behind the cookie handler (<see cref="ITicketStore"/>): the cookie carries only a
/// random session key, and every request is checked against the session row and the user row, so a
/// forged, copied-after-sign-out or stale cookie is refused and the role always comes from the user.
/// </summary>
internal sealed class StaffSessions(IDbContextFactory<StewardDbContext> contexts, TimeProvider time, IOptions<SecurityOptions> options) : ITicketStore
{
    /// <summary>"Last seen" (and with it the idle expiry) is written at most this often, not on every request.</summary>
    public static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var userId = Guid.Parse(ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var role = ticket.Principal.FindFirstValue(ClaimTypes.Role)!;
        var key = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var o = options.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Set<StaffSession>().Add(new StaffSession
        {
            Id = Hash(key),
            UserId = userId,
            Role = role,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = Min(now + o.SessionIdleTimeout, now + o.SessionMaxLifetime),
        });
        await db.SaveChangesAsync(cancellationToken);
        await ForgetEndedAsync(db, userId, now, cancellationToken);
        return key;
    }

    /// <summary>How long an ended (expired or revoked) session row is kept; sign-ins themselves stay in the audit log.</summary>
    public static readonly TimeSpan EndedRetention = TimeSpan.FromDays(30);

    // A user's ended sessions are few, so they are filtered here rather than by a date comparison SQLite cannot translate.
    private static async Task ForgetEndedAsync(StewardDbContext db, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        var sessions = await db.Set<StaffSession>().AsNoTracking().Where(s => s.UserId == userId)
            .Select(s => new { s.Id, s.ExpiresAt, s.RevokedAt }).ToListAsync(ct);
        var ended = sessions.Where(s => now - (s.RevokedAt ?? s.ExpiresAt) > EndedRetention).Select(s => s.Id).ToList();
        if (ended.Count > 0) await db.Set<StaffSession>().Where(s => ended.Contains(s.Id)).ExecuteDeleteAsync(ct);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        var id = Hash(key);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.Set<StaffSession>().AsNoTracking().Where(s => s.Id == id)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { Session = s, u.Role, u.DisabledAt })
            .FirstOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (found is null) return null;
        var session = found.Session;
        if (session.RevokedAt is not null || session.ExpiresAt <= now || found.DisabledAt is not null)
            return null;
        if (found.Role != session.Role)
        {
            // A changed role ends the session for good: changing the role back must not bring it back.
            await db.Set<StaffSession>().Where(s => s.Id == id && s.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), cancellationToken);
            return null;
        }

        var expires = session.ExpiresAt;
        if (now - session.LastSeenAt >= LastSeenResolution)
        {
            expires = Min(now + options.Value.SessionIdleTimeout, session.CreatedAt + options.Value.SessionMaxLifetime);
            await db.Set<StaffSession>().Where(s => s.Id == id && s.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now).SetProperty(s => s.ExpiresAt, expires), cancellationToken);
        }
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, session.UserId.ToString()),
                new Claim(ClaimTypes.Role, found.Role),
                new Claim(StewardClaims.Actor, $"user:{session.UserId}"),
            ], CookieAuthenticationDefaults.AuthenticationScheme);
        return new AuthenticationTicket(new ClaimsPrincipal(identity),
            new AuthenticationProperties { IssuedUtc = session.CreatedAt, ExpiresUtc = expires },
            CookieAuthenticationDefaults.AuthenticationScheme);
    }

    // Sliding expiry is kept here, on the server; the cookie handler's own renewal is switched off.
    public Task RenewAsync(string key, AuthenticationTicket ticket) => Task.CompletedTask;

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    /// <summary>Sign-out (or an expired session): the session is revoked, so a copy of the cookie no longer works.</summary>
    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        var id = Hash(key);
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Set<StaffSession>().Where(s => s.Id == id && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), cancellationToken);
    }

    /// <summary>Revokes every open session of a user inside the caller's transaction; returns how many.</summary>
    public static Task<int> RevokeAllWithinAsync(StewardDbContext db, Guid userId, DateTimeOffset now, CancellationToken ct) =>
        db.Set<StaffSession>().Where(s => s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), ct);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
