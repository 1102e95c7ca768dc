using System.CommandLine;
using System.Globalization;
using Steward.Hosting;
using Steward.People;
using Steward.Web;

namespace Steward.Marketing;

/// <summary><c>steward consent unsubscribe-link</c> and <c>steward consent preference-link</c>: a person's links, for staff.</summary>
internal static class MarketingCommands
{
    public static Command UnsubscribeLink()
    {
        var channel = new Option<string>("--channel") { Description = "The marketing channel: a key of the policy's marketing_channels, e.g. email.", Required = true };
        var command = Build("unsubscribe-link",
            "Print a one-click unsubscribe link for one person and one channel, with the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058) to put on a message. "
            + "Made from Web:PublicUrl; never expires unless Marketing:UnsubscribeLinkLifetime says otherwise.", LinkKind.Unsubscribe, channel);
        return command;
    }

    public static Command PreferenceLink() =>
        Build("preference-link",
            "Print a link to one person's preference centre, where they see and change their choices. Made from Web:PublicUrl; expires after Marketing:PreferenceLinkLifetime (default 30 days).",
            LinkKind.Preferences, channel: null);

    private static Command Build(string name, string description, LinkKind kind, Option<string>? channel)
    {
        var email = new Option<string?>("--email") { Description = "The person's email address." };
        var phone = new Option<string?>("--phone") { Description = "The person's phone number (+country code)." };
        var account = new Option<string?>("--account-id") { Description = "The person's account id in your systems." };
        var jurisdiction = new Option<string?>("--jurisdiction") { Description = "Key of the jurisdiction whose law applies to the person (default: the one Steward knows for them)." };
        var language = new Option<string?>("--language") { Description = "Language of the page the link opens: en or zh-CN (default: the browser's)." };
        var command = new Command(name, description + " Give exactly one of --email, --phone, --account-id.") { email, phone, account, jurisdiction, language };
        if (channel is not null) command.Options.Add(channel);
        command.Validators.Add(r =>
        {
            if (new[] { email, phone, account }.Count(o => r.GetResult(o) is not null) != 1) r.AddError("Give exactly one of --email, --phone, --account-id");
        });
        command.SetGuardedAction(async (parse, ct) =>
        {
            var (type, value) = parse.GetValue(email) is { } e ? (IdentityType.Email, e)
                : parse.GetValue(phone) is { } p ? (IdentityType.Phone, p)
                : (IdentityType.AccountId, parse.GetValue(account)!);
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var web = new WebOptions { PublicUrl = services.GetRequiredService<IConfiguration>()[$"{WebOptions.Section}:{nameof(WebOptions.PublicUrl)}"] };
            if (new WebOptionsValidator().Validate(null, web) is { Failed: true } invalid) throw new StewardException(invalid.FailureMessage, Cli.ExitCodes.Usage);
            if (web.PublicBase is not { } site)
                throw new StewardException("Web:PublicUrl is not set: links in mail are made from the public address (e.g. STEWARD__Web__PublicUrl=https://privacy.example.com)", Cli.ExitCodes.Usage);
            var link = await services.GetRequiredService<LinkIssuer>().IssueAsync(site, kind, IdentityTypes.Name(type), value,
                channel is null ? null : parse.GetValue(channel), parse.GetValue(jurisdiction), parse.GetValue(language), ct);
            if (link.Url is not { } url) throw new StewardException(link.Problem!, Cli.ExitCodes.Usage);
            Console.WriteLine(url);
            if (kind == LinkKind.Unsubscribe)
            {
                Console.WriteLine($"List-Unsubscribe: <{url}>");
                Console.WriteLine($"List-Unsubscribe-Post: {MarketingEndpoints.OneClickField}={MarketingEndpoints.OneClickValue}");
            }
            Console.WriteLine(link.ExpiresAt is { } at ? $"expires {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}" : "never expires");
            return Cli.ExitCodes.Ok;
        });
        return command;
    }
}
