using Microsoft.Extensions.Options;

namespace Steward.Security;

/// <summary>Sign-in throttling and session lifetimes (section <c>Security</c>).</summary>
internal sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Sign-in attempts one client address may make per minute (then 429).</summary>
    public int SignInAttemptsPerMinute { get; set; } = 20;

    /// <summary>Password checks one account gets per <see cref="StaffDirectory.AccountAttemptWindow"/> from browsers it has not signed in on before.</summary>
    public int SignInAttemptsPerAccount { get; set; } = 10;

    /// <summary>A session ends after this long without a request.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A session ends this long after sign-in, however active.</summary>
    public TimeSpan SessionMaxLifetime { get; set; } = TimeSpan.FromHours(12);
}

/// <summary>One line per bad setting, naming its key.</summary>
internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions o)
    {
        var failures = new List<string>();
        if (o.SignInAttemptsPerMinute is < 1 or > 10_000)
            failures.Add("Security:SignInAttemptsPerMinute must be between 1 and 10000.");
        if (o.SignInAttemptsPerAccount is < 3 or > 1_000)
            failures.Add("Security:SignInAttemptsPerAccount must be between 3 and 1000.");
        if (o.SessionIdleTimeout < TimeSpan.FromMinutes(5) || o.SessionIdleTimeout > TimeSpan.FromDays(1))
            failures.Add("Security:SessionIdleTimeout must be between 00:05:00 and 1.00:00:00.");
        if (o.SessionMaxLifetime < o.SessionIdleTimeout || o.SessionMaxLifetime > TimeSpan.FromDays(30))
            failures.Add("Security:SessionMaxLifetime must be at least Security:SessionIdleTimeout and at most 30.00:00:00.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
