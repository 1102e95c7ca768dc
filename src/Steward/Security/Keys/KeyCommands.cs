using System.CommandLine;
using System.Globalization;
using Steward.Hosting;

namespace Steward.Security.Keys;

/// <summary><c>steward keys list|rotate|rewrap</c>.</summary>
internal static class KeyCommands
{
    public static Command Build()
    {
        var keys = new Command("keys", "List, rotate and re-wrap the keys Steward keeps (never shows key material).");

        var list = new Command("list", "List every key: purpose, version, created, retired (UTC) and the id of the key-encryption key that wraps it.");
        list.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var current = services.GetRequiredService<KeyEncryptionKeys>().Current.Id;
            Console.WriteLine($"{"PURPOSE",-32}  {"VERSION",7}  {"CREATED",-20}  {"RETIRED",-20}  WRAPPED BY");
            foreach (var k in await services.GetRequiredService<KeyRing>().ListAsync(ct))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{k.Purpose,-32}  {k.Version,7}  {k.CreatedAt:yyyy-MM-ddTHH:mm:ssZ}  {(k.RetiredAt is { } r ? r.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "-"),-20}  {k.WrappedBy}{(k.WrappedBy == current ? "" : " (earlier)")}"));
            return 0;
        });

        var purpose = new Argument<string>("PURPOSE") { Description = "The key's purpose, as 'steward keys list' shows it." };
        var rotate = new Command("rotate", "Make a new version of a key; the old one stays readable but is no longer written with, on every node (audited).") { purpose };
        rotate.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var version = await services.GetRequiredService<KeyRotation>().RotateAsync(parse.GetValue(purpose)!, AdminCommands.CliActor, ct);
            Console.WriteLine($"rotated {parse.GetValue(purpose)} to version {version}");
            return 0;
        });

        var rewrap = new Command("rewrap",
            "Re-wrap every key under Keys:KeyEncryptionKey after you changed it (keep the old one in Keys:PreviousKeyEncryptionKeys until this has run). Safe to repeat; audited.");
        rewrap.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var count = await services.GetRequiredService<KeyRotation>().RewrapAsync(AdminCommands.CliActor, ct);
            Console.WriteLine($"re-wrapped {count} key(s) under key-encryption key {services.GetRequiredService<KeyEncryptionKeys>().Current.Id}");
            return 0;
        });

        keys.Subcommands.Add(list);
        keys.Subcommands.Add(rotate);
        keys.Subcommands.Add(rewrap);
        return keys;
    }
}
