using System.CommandLine;
using System.Globalization;
using Steward.Hosting;
using Steward.People;
using Steward.Security;

namespace Steward.Retention;

/// <summary><c>steward hold add|list|release</c>: legal holds that suspend retention and erasure.</summary>
internal static class HoldCommands
{
    public static Command Build()
    {
        var hold = new Command("hold", "Legal holds: while one is in force, retention and erasure leave a person's data, or a collection, alone (every change is audited).");
        hold.Subcommands.Add(Add());
        hold.Subcommands.Add(List());
        hold.Subcommands.Add(Release());
        return hold;
    }

    private static Command Add()
    {
        var email = new Option<string?>("--email") { Description = "Hold the person Steward knows by this email address." };
        var subject = new Option<Guid?>("--subject") { Description = "Hold the person with this subject id." };
        var collection = new Option<string?>("--collection") { Description = "Hold a collection of a connected database: CONNECTION:COLLECTION (for example shop:orders)." };
        var reason = new Option<string>("--reason")
        {
            Description = "Why the data must be kept (for example a court order or a pending claim). It is told to a person whose erasure request the hold stops: write it for them.",
            Required = true,
        };
        var until = new Option<string?>("--until") { Description = "The last day (YYYY-MM-DD, UTC) the hold is in force; without it, it lasts until released." };
        var command = new Command("add", "Place a hold on one person (--email or --subject) or one collection (--collection). Prints the hold's id on the last line.")
        { email, subject, collection, reason, until };
        command.SetGuardedAction(async (parse, ct) =>
        {
            var targets = new object?[] { parse.GetValue(email), parse.GetValue(subject), parse.GetValue(collection) }.Count(v => v is not null);
            if (targets != 1) throw new StewardException("Name exactly one of --email, --subject or --collection.", Cli.ExitCodes.Usage);
            var end = ParseUntil(parse.GetValue(until));
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var holds = services.GetRequiredService<LegalHolds>();
            var text = parse.GetValue(reason);
            HoldInfo added;
            if (parse.GetValue(email) is { } address)
            {
                var parsed = IdentityNormalisation.Parse(IdentityType.Email, address);
                if (parsed.Identity is not { } identity) throw new StewardException($"--email: {parsed.Problem}", Cli.ExitCodes.Usage);
                added = await holds.HoldPersonAsync(identity, text, end, AdminCommands.CliActor, ct);
            }
            else if (parse.GetValue(subject) is { } id) added = await holds.HoldSubjectAsync(id, text, end, AdminCommands.CliActor, ct);
            else added = await holds.HoldCollectionAsync(parse.GetValue(collection)!, text, end, AdminCommands.CliActor, ct);
            Console.WriteLine($"Holding {added.Covers}{(added.Until is { } u ? $" until the end of {LastDay(u)}" : " until released")}.");
            Console.WriteLine(added.Id);
            return Cli.ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var all = new Option<bool>("--all") { Description = "Also holds that were released or have run out." };
        var command = new Command("list", "Holds in force, newest first, one per line: id, what it covers, until, placed (when, by whom), reason.") { all };
        command.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var rows = await services.GetRequiredService<LegalHolds>().ListAsync(parse.GetValue(all), ct);
            foreach (var h in rows)
                Console.WriteLine($"{h.Id}  {h.Covers,-44} {(h.Until is { } u ? "until " + LastDay(u) : "until released"),-17} placed {Date(h.CreatedAt)} by {h.CreatedBy}"
                    + (h.ReleasedAt is { } r ? $"  RELEASED {Date(r)} by {h.ReleasedBy}" : h.InForce ? "" : "  ENDED") + $"  {h.Reason}");
            if (rows.Count == 0) Console.WriteLine("No holds.");
            return Cli.ExitCodes.Ok;
        });
        return command;
    }

    private static Command Release()
    {
        var id = new Argument<Guid>("ID") { Description = "The hold's id, as 'steward hold list' shows it." };
        var command = new Command("release", "End a hold now; retention and erasure reach what it covered from their next run.") { id };
        command.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var released = await services.GetRequiredService<LegalHolds>().ReleaseAsync(parse.GetValue(id), AdminCommands.CliActor, ct);
            Console.WriteLine(released ? $"Released hold {parse.GetValue(id)}." : $"Hold {parse.GetValue(id)} had ended already.");
            return Cli.ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A last day (YYYY-MM-DD) as the first moment after it, UTC: the hold covers the whole of that day.</summary>
    public static DateTimeOffset? ParseUntil(string? value)
    {
        if (value is null) return null;
        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            throw new StewardException($"--until '{value}' is not a date of the form YYYY-MM-DD.", Cli.ExitCodes.Usage);
        return LegalHold.UntilAfter(day);
    }

    public static string LastDay(DateTimeOffset until) => LegalHold.LastDayOf(until).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
