using Microsoft.Extensions.Options;

namespace Steward.Marketing;

/// <summary>Settings of the links in marketing mail (section <c>Marketing</c>); the public address is <c>Web:PublicUrl</c>.</summary>
internal sealed class MarketingOptions
{
    public const string Section = "Marketing";

    /// <summary>
    /// How long an unsubscribe link works; empty (the default): for ever. Mail stays in mailboxes for years and an
    /// unsubscribe link can only ever stop mail, so it has no reason to expire.
    /// </summary>
    public TimeSpan? UnsubscribeLinkLifetime { get; set; }

    /// <summary>How long a preference-centre link works (default 30 days): it can also give consent, so an old forwarded mail should not.</summary>
    public TimeSpan? PreferenceLinkLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a link asking a parent or guardian to consent for a child works (default 7 days): long enough to read it, short enough that an old mail gives no consent.</summary>
    public TimeSpan? GuardianLinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Requests per minute one address may make to the public link pages; mailbox providers post many unsubscribes from few addresses.</summary>
    public int LinkRequestsPerMinute { get; set; } = 600;
}

/// <summary>One line per bad marketing setting, naming its key.</summary>
internal sealed class MarketingOptionsValidator : IValidateOptions<MarketingOptions>
{
    public ValidateOptionsResult Validate(string? name, MarketingOptions o)
    {
        var failures = new List<string>();
        if (o.UnsubscribeLinkLifetime is { } u && u < TimeSpan.FromDays(30))
            failures.Add("Marketing:UnsubscribeLinkLifetime is at least 30 days (e.g. 365.00:00:00), or empty for links that never expire: unsubscribe links must keep working long after the mail was sent.");
        if (o.PreferenceLinkLifetime is { } p && p < TimeSpan.FromHours(1))
            failures.Add("Marketing:PreferenceLinkLifetime is at least one hour (e.g. 30.00:00:00), or empty for links that never expire.");
        if (o.GuardianLinkLifetime is not { } g || g < TimeSpan.FromHours(1))
            failures.Add("Marketing:GuardianLinkLifetime is at least one hour (e.g. 7.00:00:00): a link that can give consent for a child must expire.");
        if (o.LinkRequestsPerMinute < 1) failures.Add("Marketing:LinkRequestsPerMinute is a positive number of requests per minute and address.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
