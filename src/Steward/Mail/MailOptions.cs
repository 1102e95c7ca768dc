using Microsoft.Extensions.Options;
using MimeKit;
using Steward.Web;

namespace Steward.Mail;

/// <summary>
/// The SMTP server Steward sends mail through (section <c>Mail</c>). Without <see cref="SmtpHost"/> mail is off: requests
/// are still taken in, but nothing is sent and verification by email code is unavailable.
/// </summary>
internal sealed class MailOptions
{
    public const string Section = "Mail";

    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    /// <summary><c>starttls</c> (default), <c>tls</c> (TLS from the first byte, usually port 465), or <c>none</c> (a relay on this machine or network).</summary>
    public string Security { get; set; } = MailSecurity.StartTls;
    public string? UserName { get; set; }
    /// <summary>A secret: never logged, never shown.</summary>
    public string? Password { get; set; }
    /// <summary>The sender's address, e.g. <c>privacy@example.com</c>.</summary>
    public string? FromAddress { get; set; }
    /// <summary>The sender's display name, e.g. <c>Example privacy team</c>.</summary>
    public string? FromName { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(SmtpHost);
}

/// <summary>How the connection to the SMTP server is secured.</summary>
internal static class MailSecurity
{
    public const string None = "none";
    public const string StartTls = "starttls";
    public const string Tls = "tls";
    public static readonly string[] All = [None, StartTls, Tls];
}

/// <summary>One line per bad setting, naming its key; never quotes the password.</summary>
internal sealed class MailOptionsValidator(IOptions<WebOptions> web) : IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, MailOptions o)
    {
        var failures = new List<string>();
        if (!o.IsConfigured)
        {
            if (!string.IsNullOrWhiteSpace(o.FromAddress) || !string.IsNullOrWhiteSpace(o.UserName) || !string.IsNullOrEmpty(o.Password))
                failures.Add("Mail:SmtpHost is not set, but other Mail settings are: set the SMTP server's host name (or remove the Mail section to send no mail).");
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
        if (o.SmtpHost!.Trim().Contains(' ', StringComparison.Ordinal) || Uri.CheckHostName(o.SmtpHost.Trim()) == UriHostNameType.Unknown)
            failures.Add($"Mail:SmtpHost '{o.SmtpHost}' is not a host name or IP address (e.g. smtp.example.com).");
        if (o.SmtpPort is < 1 or > 65535) failures.Add("Mail:SmtpPort must be between 1 and 65535 (587 for starttls, 465 for tls).");
        if (!MailSecurity.All.Contains(o.Security, StringComparer.Ordinal))
            failures.Add($"Mail:Security '{o.Security}' is one of: {string.Join(", ", MailSecurity.All)}.");
        if (string.IsNullOrWhiteSpace(o.FromAddress)) failures.Add("Mail:FromAddress is missing: the sender's address, e.g. privacy@example.com.");
        else if (!MailboxAddress.TryParse(o.FromAddress.Trim(), out var from) || !from.Address.Contains('@', StringComparison.Ordinal))
            failures.Add($"Mail:FromAddress '{o.FromAddress}' is not an email address (e.g. privacy@example.com).");
        if (string.IsNullOrWhiteSpace(o.UserName) != string.IsNullOrEmpty(o.Password))
            failures.Add("Mail:UserName and Mail:Password go together: set both to sign in to the SMTP server, or neither.");
        if (web.Value.PublicBase is null)
            failures.Add("Web:PublicUrl is not set: links in mail (a request's status page) are made from it, e.g. https://privacy.example.com.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
