using Microsoft.Extensions.Options;
using Steward.Security;

namespace Steward.Mail;

/// <summary>Registers the mailer and its settings, and says at start whether mail is on.</summary>
internal static class MailSetup
{
    public static IServiceCollection AddStewardMail(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailOptions>, MailOptionsValidator>();
        services.AddSingleton<Mailer>();
        services.AddHostedService<MailStartupReport>();
        return services;
    }

    /// <summary>Whether mail is on, for staff (the console and operators' scripts); the password never leaves.</summary>
    public sealed record MailStatus(bool Configured, string? SmtpHost, int? SmtpPort, string? Security, string? FromAddress, string Effect);

    public static IEndpointRouteBuilder MapMail(this IEndpointRouteBuilder api)
    {
        api.MapGet("/mail", (IOptions<MailOptions> options) =>
        {
            var o = options.Value;
            return TypedResults.Ok(o.IsConfigured
                ? new MailStatus(true, o.SmtpHost, o.SmtpPort, o.Security, o.FromAddress, "Mail is on: people receive acknowledgements, verification codes and answers by email.")
                : new MailStatus(false, null, null, null, null, MailStartupReport.OffMessage));
        }).WithTags("Mail").WithName("GetMailStatus")
            .WithSummary("Whether Steward sends mail (Mail:SmtpHost is set), and through which server; the password is never shown.")
            .RequireRoles(Roles.Admin, Roles.PrivacyOfficer, Roles.DsrAgent);
        return api;
    }
}

/// <summary>Says once, at start, when mail is off, so an operator is not left wondering why nobody gets an answer.</summary>
internal sealed partial class MailStartupReport(IOptions<MailOptions> options, ILogger<MailStartupReport> logger) : IHostedService
{
    public const string OffMessage = "Mail is off (Mail:SmtpHost is not set): requests are taken in, but nobody is sent an acknowledgement, a verification code or an answer, and verification by email code is unavailable.";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.IsConfigured) LogOn(logger, options.Value.SmtpHost!, options.Value.SmtpPort, options.Value.Security);
        else LogOff(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = OffMessage)]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "Mail is sent through {SmtpHost}:{SmtpPort} ({Security})")]
    private static partial void LogOn(ILogger logger, string smtpHost, int smtpPort, string security);
}
