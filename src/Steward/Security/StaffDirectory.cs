using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.Security;

/// <summary>The outcome of a sign-in attempt.</summary>
public enum SignInOutcome { Success, Failed, LockedOut }

/// <summary>Result of <see cref="StaffDirectory.SignInAsync"/>; the user is set on success only.</summary>
public sealed record SignInResult(SignInOutcome Outcome, Guid? UserId = null, string? Role = null);

/// <summary>Console users and API keys: creation, revocation, sign-in with lockout. Every change is audited.</summary>
public sealed partial class StaffDirectory(
    IDbContextFactory<StewardDbContext> contexts,
    AuditLog audit,
    TimeProvider time,
    ILogger<StaffDirectory> logger)
{
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public const int MinPasswordLength = 12;

    private static readonly PasswordHasher<StaffUser> Hasher = new();

    public async Task<Guid> AddUserAsync(string email, string role, string password, string actor, CancellationToken ct)
    {
        email = email.Trim();
        if (!IsPlausibleEmail(email)) throw new StewardException("The email address is not valid.");
        RequireRole(role);
        if (password.Length < MinPasswordLength) throw new StewardException($"The password must have at least {MinPasswordLength} characters.");
        if (role == Roles.Service) throw new StewardException("The 'service' role is for API keys; give people a console role.");

        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var normalized = Normalize(email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, ct))
            throw new StewardException("A user with this email address already exists.");
        var user = new StaffUser
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Email = email,
            NormalizedEmail = normalized,
            PasswordHash = "",
            Role = role,
            CreatedAt = time.GetUtcNow(),
        };
        user.PasswordHash = Hasher.HashPassword(user, password);
        db.Users.Add(user);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "security.user.added", $"user:{user.Id}",
            new { role, digest = StaffUserAuditedRecords.Digest(user) }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user.Id;
    }

    /// <summary>Disables a console user: sign-in is refused and open sessions end at their next request.</summary>
    public async Task DisableUserAsync(string email, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var normalized = Normalize(email);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized && u.DisabledAt == null, ct)
            ?? throw new StewardException("No active user has this email address.");
        user.DisabledAt = time.GetUtcNow();
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "security.user.disabled", $"user:{user.Id}",
            new { digest = StaffUserAuditedRecords.Digest(user) }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Whether a signed-in user may still act (not disabled since the session began).</summary>
    public async Task<bool> IsActiveAsync(Guid userId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(u => u.Id == userId && u.DisabledAt == null, ct);
    }

    /// <summary>Users and keys for the admin's overview; never a password hash or key.</summary>
    public async Task<(List<StaffUser> Users, List<ApiKey> Keys)> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.NormalizedEmail).ToListAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Name).ToListAsync(ct);
        return (users, keys);
    }

    /// <summary>Creates a key and returns it; only its hash is stored, so this is the one time it is seen.</summary>
    public async Task<string> AddApiKeyAsync(string name, string role, string actor, CancellationToken ct)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100 || name.Any(char.IsWhiteSpace))
            throw new StewardException("The key name must be 1-100 characters without spaces.");
        RequireRole(role);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.ApiKeys.AnyAsync(k => k.Name == name, ct))
            throw new StewardException($"An API key named '{name}' already exists; revoke it or choose another name.");
        var key = ApiKeys.NewKey();
        var row = new ApiKey
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Name = name,
            Role = role,
            KeyHash = ApiKeys.Hash(key),
            CreatedAt = time.GetUtcNow(),
        };
        db.ApiKeys.Add(row);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "security.api-key.added", $"key:{name}",
            new { role, digest = ApiKeyAuditedRecords.Digest(row) }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return key;
    }

    public async Task RevokeApiKeyAsync(string name, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var revoked = await db.ApiKeys.Where(k => k.Name == name && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct);
        if (revoked == 0) throw new StewardException($"No active API key is named '{name}'.");
        var row = await db.ApiKeys.AsNoTracking().FirstAsync(k => k.Name == name, ct);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "security.api-key.revoked", $"key:{name}",
            new { digest = ApiKeyAuditedRecords.Digest(row) }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task<SignInResult> SignInAsync(string email, string password, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var normalized = Normalize(email);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalized && u.DisabledAt == null, ct);
        var now = time.GetUtcNow();
        if (user is null)
        {
            // Same work as for a real user, so timing does not reveal which emails exist.
            Hasher.VerifyHashedPassword(new StaffUser { Email = "", NormalizedEmail = "", PasswordHash = "", Role = "" }, DummyHash, password);
            LogSignInFailed(logger, email);
            await audit.AppendAsync(new AuditEvent("anonymous", "security.sign-in.failed", "user:unknown", new { reason = "unknown-user" }), ct);
            return new SignInResult(SignInOutcome.Failed);
        }
        if (user.LockedUntil is { } until && until > now) return await LockedOutAsync(user.Id, ct);

        // Reserve the attempt before checking the password, atomically, so parallel guesses cannot
        // get more than MaxFailedSignIns checks; a lock set meanwhile makes the reservation fail.
        var reserved = await db.Users
            .Where(u => u.Id == user.Id && u.FailedSignIns < MaxFailedSignIns && u.LockedUntil == user.LockedUntil)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedSignIns, u => u.FailedSignIns + 1), ct);
        if (reserved == 0) return await LockedOutAsync(user.Id, ct);

        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            // The attempt that reached the limit locks the account and starts the count again.
            var lockedUntil = now + LockoutDuration;
            var locked = await db.Users.Where(u => u.Id == user.Id && u.FailedSignIns >= MaxFailedSignIns)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.LockedUntil, lockedUntil).SetProperty(u => u.FailedSignIns, 0), ct) > 0;
            LogSignInFailed(logger, email);
            await audit.AppendAsync(new AuditEvent($"user:{user.Id}", "security.sign-in.failed", $"user:{user.Id}",
                new { reason = "wrong-password", lockedOut = locked }), ct);
            return new SignInResult(locked ? SignInOutcome.LockedOut : SignInOutcome.Failed);
        }
        var hash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(user, password) : user.PasswordHash;
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.FailedSignIns, 0)
            .SetProperty(u => u.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(u => u.PasswordHash, hash), ct);
        LogSignedIn(logger, user.Id);
        await audit.AppendAsync(new AuditEvent($"user:{user.Id}", "security.sign-in.succeeded", $"user:{user.Id}"), ct);
        return new SignInResult(SignInOutcome.Success, user.Id, user.Role);
    }

    private async Task<SignInResult> LockedOutAsync(Guid userId, CancellationToken ct)
    {
        await audit.AppendAsync(new AuditEvent($"user:{userId}", "security.sign-in.failed", $"user:{userId}", new { reason = "locked-out" }), ct);
        return new SignInResult(SignInOutcome.LockedOut);
    }

    private static readonly string DummyHash = Hasher.HashPassword(
        new StaffUser { Email = "", NormalizedEmail = "", PasswordHash = "", Role = "" }, "not-a-real-password");

    private static string Normalize(string email) => email.Trim().ToUpperInvariant();

    private static bool IsPlausibleEmail(string email) =>
        email.Length <= 320 && email.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < email.Length - 1
        && !email.Any(char.IsWhiteSpace);

    private static void RequireRole(string role)
    {
        if (!Roles.IsKnown(role))
            throw new StewardException($"Unknown role '{role}'; use one of: {string.Join(", ", Roles.All)}.");
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Sign-in failed for {Email}")]
    private static partial void LogSignInFailed(ILogger logger, [RedactedPersonalData] string email);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "User {UserId} signed in")]
    private static partial void LogSignedIn(ILogger logger, Guid userId);
}
