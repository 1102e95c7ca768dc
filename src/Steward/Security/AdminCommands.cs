using System.CommandLine;
using Steward.Hosting;

namespace Steward.Security;

/// <summary><c>steward admin add-user|disable-user|set-password|end-sessions|list|add-api-key|revoke-api-key</c>.</summary>
internal static class AdminCommands
{
    public const string CliActor = "cli";

    public static Command Build()
    {
        var admin = new Command("admin", "Manage console users and API keys.");

        var email = new Argument<string>("EMAIL") { Description = "The user's email address (the sign-in name)." };
        var role = new Option<string>("--role") { Description = $"One of: {string.Join(", ", Roles.Console)}.", Required = true };
        role.AcceptOnlyFromAmong(Roles.All);
        var passwordStdin = new Option<bool>("--password-stdin")
        {
            Description = "Read the password from the first line of standard input (passwords are never taken as arguments).",
        };
        var addUser = new Command("add-user", "Create a console user.") { email, role, passwordStdin };
        addUser.SetGuardedAction(async (parse, ct) =>
        {
            if (!parse.GetValue(passwordStdin))
                throw new StewardException("Give the password on standard input with --password-stdin (e.g. printf '%s' \"$PW\" | steward admin add-user ...).", 2);
            var password = await ReadPasswordAsync(ct);
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var id = await services.GetRequiredService<StaffDirectory>()
                .AddUserAsync(parse.GetValue(email)!, parse.GetValue(role)!, password, CliActor, ct);
            Console.WriteLine($"added user {id} with role {parse.GetValue(role)}");
            return 0;
        });

        var keyName = new Argument<string>("NAME") { Description = "A name for the key, e.g. the calling system." };
        var keyRole = new Option<string>("--role") { Description = $"One of: {string.Join(", ", Roles.All)}.", Required = true };
        keyRole.AcceptOnlyFromAmong(Roles.All);
        var addKey = new Command("add-api-key", "Create an API key; it is printed once and only its hash is stored.") { keyName, keyRole };
        addKey.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var key = await services.GetRequiredService<StaffDirectory>()
                .AddApiKeyAsync(parse.GetValue(keyName)!, parse.GetValue(keyRole)!, CliActor, ct);
            Console.WriteLine(key);
            await Console.Error.WriteLineAsync("Store this key now: it cannot be shown again. Send it as 'Authorization: Bearer KEY'.");
            return 0;
        });

        var revokeName = new Argument<string>("NAME") { Description = "The name of the key to revoke." };
        var revoke = new Command("revoke-api-key", "Revoke an API key; requests with it are refused from now on.") { revokeName };
        revoke.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            await services.GetRequiredService<StaffDirectory>().RevokeApiKeyAsync(parse.GetValue(revokeName)!, CliActor, ct);
            Console.WriteLine($"revoked {parse.GetValue(revokeName)}");
            return 0;
        });

        var disableEmail = new Argument<string>("EMAIL") { Description = "The user's email address." };
        var disable = new Command("disable-user", "Disable a console user: sign-in is refused and open sessions end.") { disableEmail };
        disable.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            await services.GetRequiredService<StaffDirectory>().DisableUserAsync(parse.GetValue(disableEmail)!, CliActor, ct);
            Console.WriteLine("disabled");
            return 0;
        });

        var passwordEmail = new Argument<string>("EMAIL") { Description = "The user's email address." };
        var setPasswordStdin = new Option<bool>("--password-stdin")
        {
            Description = "Read the new password from the first line of standard input (passwords are never taken as arguments).",
        };
        var setPassword = new Command("set-password", "Set a console user's password; every open session of the user ends.") { passwordEmail, setPasswordStdin };
        setPassword.SetGuardedAction(async (parse, ct) =>
        {
            if (!parse.GetValue(setPasswordStdin))
                throw new StewardException("Give the password on standard input with --password-stdin (e.g. printf '%s' \"$PW\" | steward admin set-password ...).", 2);
            var password = await ReadPasswordAsync(ct);
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            await services.GetRequiredService<StaffDirectory>().SetPasswordAsync(parse.GetValue(passwordEmail)!, password, CliActor, ct);
            Console.WriteLine("password set; the user's sessions have ended");
            return 0;
        });

        var endEmail = new Argument<string>("EMAIL") { Description = "The user's email address." };
        var endSessions = new Command("end-sessions", "End every open console session of a user (they must sign in again).") { endEmail };
        endSessions.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var ended = await services.GetRequiredService<StaffDirectory>().EndSessionsAsync(parse.GetValue(endEmail)!, CliActor, ct);
            Console.WriteLine($"ended {ended} session(s)");
            return 0;
        });

        var list = new Command("list", "List console users and API keys (never passwords or keys).");
        list.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var (users, keys) = await services.GetRequiredService<StaffDirectory>().ListAsync(ct);
            Console.WriteLine("users:");
            foreach (var u in users)
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"  {u.Email,-40} {u.Role,-16} added {u.CreatedAt:yyyy-MM-dd}{(u.DisabledAt is { } d ? $", disabled {d:yyyy-MM-dd}" : "")}"));
            Console.WriteLine("api keys:");
            foreach (var k in keys)
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"  {k.Name,-40} {k.Role,-16} added {k.CreatedAt:yyyy-MM-dd}{(k.RevokedAt is { } r ? $", revoked {r:yyyy-MM-dd}" : "")}"));
            return 0;
        });

        admin.Subcommands.Add(addUser);
        admin.Subcommands.Add(disable);
        admin.Subcommands.Add(setPassword);
        admin.Subcommands.Add(endSessions);
        admin.Subcommands.Add(list);
        admin.Subcommands.Add(addKey);
        admin.Subcommands.Add(revoke);
        return admin;
    }

    /// <summary>One line of standard input (this invocation's, so in-process runs do not share it), without its line ending.</summary>
    private static async Task<string> ReadPasswordAsync(CancellationToken ct) =>
        (await ConsoleRouting.In.ReadLineAsync(ct))?.TrimEnd('\r') ?? "";
}
