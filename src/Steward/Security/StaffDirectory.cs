using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Audit;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.Security;

/// <summary>The outcome of a sign-in attempt.</summary>
internal enum SignInOutcome { Success, Failed }

/// <summary>Result of a sign-in attempt; the user is set on success only.</summary>
internal sealed record SignInResult(SignInOutcome Outcome, Guid? UserId = null, string? Role = null)
{
    /// <summary>On success: what a known-device cookie must carry to pass for this user (ends with the password).</summary>
    public string? DeviceStamp { get; init; }
}

/// <summary>A browser the user has signed in on before: whom for, and the password it was issued under.</summary>
internal sealed record KnownDevice(Guid UserId, string Stamp);

/// <summary>Console users and API keys: creation, revocation, passwords, sessions, throttled sign-in. Every change is audited.</summary>
internal sealed partial class StaffDirectory(
    IDbContextFactory<StewardDbContext> contexts,
    AuditLog audit,
    TimeProvider time,
    IOptions<SecurityOptions> options,
    ILogger<StaffDirectory> logger)
{
    /// <summary>The window of <see cref="SecurityOptions.SignInAttemptsPerAccount"/>.</summary>
    public static readonly TimeSpan AccountAttemptWindow = TimeSpan.FromMinutes(15);
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

    /// <summary>Disables a console user: sign-in is refused and every open session is revoked.</summary>
    public async Task DisableUserAsync(string email, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var normalized = Normalize(email);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized && u.DisabledAt == null, ct)
            ?? throw new StewardException("No active user has this email address.");
        user.DisabledAt = time.GetUtcNow();
        var sessions = await StaffSessions.RevokeAllWithinAsync(db, user.Id, time.GetUtcNow(), ct);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "security.user.disabled", $"user:{user.Id}",
            new { sessionsEnded = sessions, digest = StaffUserAuditedRecords.Digest(user) }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Sets a new password and revokes every session of the user (whoever knew the old one is out).</summary>
    public async Task SetPasswordAsync(string email, string password, string actor, CancellationToken ct)
    {
        if (password.Length < MinPasswordLength) throw new StewardException($"The password must have at least {MinPasswordLength} characters.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var normalized = Normalize(email);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct)
            ?? throw new StewardException("No user has this email address.");
        user.PasswordHash = Hasher.HashPassword(user, password);
        user.FailedSignIns = 0;
        user.FailureWindowStart = null;
        var sessions = await StaffSessions.RevokeAllWithinAsync(db, user.Id, time.GetUtcNow(), ct);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "security.user.password-set", $"user:{user.Id}", new { sessionsEnded = sessions }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Ends every open session of the user with this email; returns how many.</summary>
    public async Task<int> EndSessionsAsync(string email, string actor, CancellationToken ct)
    {
        Guid id;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var normalized = Normalize(email);
            id = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct)
                ?? throw new StewardException("No user has this email address.");
        }
        return await EndSessionsAsync(id, actor, ct) ?? 0;
    }

    /// <summary>Ends every open session of a user; null when there is no such user.</summary>
    public async Task<int?> EndSessionsAsync(Guid userId, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct)) return null;
        var sessions = await StaffSessions.RevokeAllWithinAsync(db, userId, time.GetUtcNow(), ct);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "security.sessions.ended", $"user:{userId}", new { sessionsEnded = sessions }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return sessions;
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

    public Task<SignInResult> SignInAsync(string email, string password, CancellationToken ct) =>
        SignInAsync(email, password, knownDevice: null, ct);

    /// <summary>
    /// Checks a password. Every failure looks the same to the caller (unknown email, wrong password, account
    /// throttled) and costs one password hash, so neither the answer nor its timing tells who has an account.
    /// An account gets <see cref="SecurityOptions.SignInAttemptsPerAccount"/> checks per
    /// <see cref="AccountAttemptWindow"/>, reserved atomically before the hash is checked, except from a browser
    /// that has signed in to it before (<paramref name="knownDevice"/>): a stranger can slow guessing down but
    /// cannot lock the owner out.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string email, string password, KnownDevice? knownDevice, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var normalized = Normalize(email);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalized && u.DisabledAt == null, ct);
        if (user is null)
        {
            // Same work as for a real user, so timing does not reveal which emails exist.
            VerifyDummy(password);
            LogSignInFailed(logger, email);
            await audit.AppendAsync(new AuditEvent("anonymous", "security.sign-in.failed", "user:unknown", new { reason = "unknown-user" }), ct);
            return new SignInResult(SignInOutcome.Failed);
        }
        if (!(knownDevice is { } device && device.UserId == user.Id && device.Stamp == DeviceStamp(user.Id, user.PasswordHash))
            && !await ReserveAttemptAsync(db, user.Id, ct))
        {
            VerifyDummy(password);
            LogSignInFailed(logger, email);
            await audit.AppendAsync(new AuditEvent("anonymous", "security.sign-in.failed", $"user:{user.Id}", new { reason = "throttled" }), ct);
            return new SignInResult(SignInOutcome.Failed);
        }

        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            LogSignInFailed(logger, email);
            await audit.AppendAsync(new AuditEvent("anonymous", "security.sign-in.failed", $"user:{user.Id}",
                new { reason = "wrong-password" }), ct);
            return new SignInResult(SignInOutcome.Failed);
        }
        var hash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(user, password) : user.PasswordHash;
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.FailedSignIns, 0)
            .SetProperty(u => u.FailureWindowStart, (DateTimeOffset?)null)
            .SetProperty(u => u.PasswordHash, hash), ct);
        LogSignedIn(logger, user.Id);
        await audit.AppendAsync(new AuditEvent($"user:{user.Id}", "security.sign-in.succeeded", $"user:{user.Id}"), ct);
        return new SignInResult(SignInOutcome.Success, user.Id, user.Role) { DeviceStamp = DeviceStamp(user.Id, hash) };
    }

    /// <summary>Binds a known-device cookie to the password it was issued under: a new password ends every such cookie.</summary>
    internal static string DeviceStamp(Guid userId, string passwordHash) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"steward-device\n{userId:N}\n{passwordHash}")))[..32];

    /// <summary>
    /// Takes one of the account's checks in the current window, atomically: each UPDATE is conditional on the
    /// state it read, so parallel guesses never get more checks than the limit. Returns false when none is left.
    /// </summary>
    private async Task<bool> ReserveAttemptAsync(StewardDbContext db, Guid userId, CancellationToken ct)
    {
        var limit = options.Value.SignInAttemptsPerAccount;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var state = await db.Users.AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new { u.FailedSignIns, u.FailureWindowStart }).SingleAsync(ct);
            var now = time.GetUtcNow();
            var start = state.FailureWindowStart;
            if (start is null || now - start.Value >= AccountAttemptWindow)
            {
                // A new window; only one of several parallel requests opens it, the others read again.
                var opened = await db.Users.Where(u => u.Id == userId && u.FailureWindowStart == start)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedSignIns, 1).SetProperty(u => u.FailureWindowStart, now), ct);
                if (opened > 0) return true;
                continue;
            }
            return await db.Users.Where(u => u.Id == userId && u.FailureWindowStart == start && u.FailedSignIns < limit)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedSignIns, u => u.FailedSignIns + 1), ct) > 0;
        }
        return false;
    }

    private static void VerifyDummy(string password) =>
        Hasher.VerifyHashedPassword(new StaffUser { Email = "", NormalizedEmail = "", PasswordHash = "", Role = "" }, DummyHash, password);

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
