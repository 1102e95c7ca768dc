using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Steward.Hosting;

namespace Steward.Mail;

/// <summary>A message to one person: the address, and the subject and plain-text body in their language.</summary>
internal sealed record MailMessage(string To, string Subject, string Body, string Language);

/// <summary>
/// Sends mail through the configured SMTP server, one connection per message: Steward sends a few messages per
/// request, from background jobs that retry, so a kept connection would save little and go stale. Callers send from a
/// job (see <c>RightsMail</c>), never from a web request, so an SMTP outage delays mail and loses none.
/// </summary>
internal sealed partial class Mailer(IOptions<MailOptions> options, ILogger<Mailer> logger)
{
    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>Sends <paramref name="message"/>; <paramref name="reference"/> (an id, never an address) names it in the log.</summary>
    public async Task SendAsync(MailMessage message, string reference, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.IsConfigured) throw new StewardException("Mail:SmtpHost is not set: Steward sends no mail.");
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(o.FromName ?? "", o.FromAddress!.Trim()));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Headers.Add(HeaderId.ContentLanguage, message.Language);
        mime.Body = new TextPart("plain") { Text = message.Body };

        using var smtp = new SmtpClient();
        var security = o.Security switch
        {
            MailSecurity.None => SecureSocketOptions.None,
            MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        try
        {
            await smtp.ConnectAsync(o.SmtpHost!.Trim(), o.SmtpPort, security, ct);
            if (!string.IsNullOrWhiteSpace(o.UserName)) await smtp.AuthenticateAsync(o.UserName, o.Password ?? "", ct);
            await smtp.SendAsync(mime, ct);
            await smtp.DisconnectAsync(quit: true, ct);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or SmtpCommandException or SmtpProtocolException
                                      or AuthenticationException or SslHandshakeException or MailKit.ServiceNotConnectedException or MailKit.ServiceNotAuthenticatedException)
        {
            // The server's reply may quote the recipient: only the kind of failure is kept (the job retries with back-off).
            LogFailed(logger, reference, e.GetType().Name);
            throw new StewardException($"The SMTP server {o.SmtpHost}:{o.SmtpPort} did not take the message ({e.GetType().Name}); it is sent again later.");
        }
        LogSent(logger, reference);
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Mail {Reference} sent")]
    private static partial void LogSent(ILogger logger, string reference);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Mail {Reference} was not sent ({Error}); its job tries again later")]
    private static partial void LogFailed(ILogger logger, string reference, string error);
}
