using System.CommandLine;
using System.Globalization;
using Steward.Hosting;

namespace Steward.Security.Keys;

/// <summary><c>steward keys list|rotate|rewrap|remove</c>.</summary>
internal static class KeyCommands
{
    public static Command Build()
    {
        var keys = new Command("keys", "List, rotate, re-wrap and remove the keys Steward keeps (never shows key material).");

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

        var purpose = new Argument<string?>("PURPOSE") { Description = "The key's purpose, as 'steward keys list' shows it.", Arity = ArgumentArity.ZeroOrOne };
        var kek = new Option<bool>("--kek") { Description = "Rotate the key-encryption key instead (the embedded default's generated key; a configured one is changed in configuration)." };
        var rotate = new Command("rotate",
            "Make a new version of a key and move what the old one protected (subject data keys, identity indexes) to it, with progress; "
            + "the old version stays readable until 'steward keys remove'. With --kek, a new key-encryption key re-wraps every key. "
            + "Interrupted, it is finished by 'steward keys rewrap' or by serve. Audited.") { purpose, kek };
        rotate.SetGuardedAction(async (parse, ct) =>
        {
            var name = parse.GetValue(purpose);
            if (parse.GetValue(kek) == name is not null)
                throw new StewardException("Name a PURPOSE to rotate, or give --kek to rotate the key-encryption key (not both).", Cli.ExitCodes.Usage);
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var rotation = services.GetRequiredService<KeyRotation>();
            if (name is null)
            {
                var (old, fresh) = await rotation.RotateKeyEncryptionKeyAsync(AdminCommands.CliActor, ct);
                Console.WriteLine($"rotated the key-encryption key {old} to {fresh}; every key is re-wrapped. Keep the old one until backups made with it have expired, then: steward keys remove --kek {old}");
                return 0;
            }
            var version = await rotation.RotateAsync(name, AdminCommands.CliActor, ct);
            var (_, moved) = await CompleteAsync(rotation, ct);
            Console.WriteLine($"rotated {name} to version {version}" + (moved > 0 ? $"; moved {moved} row(s) to it" : ""));
            return 0;
        });

        var rewrap = new Command("rewrap",
            "Finish every rotation: re-wrap every key under Keys:KeyEncryptionKey after you changed it (keep the old one in Keys:PreviousKeyEncryptionKeys until this has run) "
            + "and move rows still on an older key version (an interrupted 'steward keys rotate'), with progress. Safe to repeat; audited.");
        rewrap.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var (rewrapped, moved) = await CompleteAsync(services.GetRequiredService<KeyRotation>(), ct);
            Console.WriteLine($"re-wrapped {rewrapped} key(s) under key-encryption key {services.GetRequiredService<KeyEncryptionKeys>().Current.Id}"
                + (moved > 0 ? $"; moved {moved} row(s) to the newest key versions" : ""));
            return 0;
        });

        var removePurpose = new Argument<string?>("PURPOSE") { Description = "The key's purpose.", Arity = ArgumentArity.ZeroOrOne };
        var removeVersion = new Argument<int?>("VERSION") { Description = "The old version to remove.", Arity = ArgumentArity.ZeroOrOne };
        removeVersion.CustomParser = r =>
        {
            var token = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0) return v;
            r.AddError($"VERSION must be a key version such as 1 or 2 (see 'steward keys list'), not '{token}'");
            return null;
        };
        var removeKek = new Option<string?>("--kek") { Description = "Remove an earlier generated key-encryption key by its id instead.", HelpName = "ID" };
        var remove = new Command("remove",
            "Remove an old version of a key, or with --kek an earlier generated key-encryption key, once nothing uses it "
            + "(otherwise one line says what still does and how to move it). Audited.") { removePurpose, removeVersion, removeKek };
        remove.SetGuardedAction(async (parse, ct) =>
        {
            var (name, version, id) = (parse.GetValue(removePurpose), parse.GetValue(removeVersion), parse.GetValue(removeKek));
            if (id is null == (name is null || version is null) || (id is not null && name is not null))
                throw new StewardException("Give PURPOSE and VERSION, or --kek ID (see 'steward keys list').", Cli.ExitCodes.Usage);
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var rotation = services.GetRequiredService<KeyRotation>();
            if (id is not null)
            {
                await rotation.RemoveKeyEncryptionKeyAsync(id, AdminCommands.CliActor, ct);
                Console.WriteLine($"removed key-encryption key {id}");
            }
            else
            {
                await rotation.RemoveVersionAsync(name!, version!.Value, AdminCommands.CliActor, ct);
                Console.WriteLine($"removed {name} version {version}");
            }
            return 0;
        });

        keys.Subcommands.Add(list);
        keys.Subcommands.Add(rotate);
        keys.Subcommands.Add(rewrap);
        keys.Subcommands.Add(remove);
        return keys;
    }

    private static async Task<(int Rewrapped, int Moved)> CompleteAsync(KeyRotation rotation, CancellationToken ct)
    {
        var bar = Console.IsErrorRedirected ? null : new ProgressBar("moving keys", 0);
        var moved = await rotation.CompleteAsync(AdminCommands.CliActor, bar, ct);
        bar?.Done();
        return moved;
    }
}
