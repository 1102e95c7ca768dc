using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.Audit;

/// <summary><c>steward audit verify|checkpoint|tail</c>.</summary>
internal static class AuditCommands
{
    /// <summary>Exit code of <c>audit verify</c> when there is nothing to verify: no entry and no checkpoint.</summary>
    public const int NothingToVerify = 3;

    public static Command Build()
    {
        var audit = new Command("audit", "Inspect, checkpoint and verify the tamper-evident audit log.");

        var against = new Option<string?>("--against") { Description = "Also check the log against a checkpoint exported with 'audit checkpoint --export'." };
        var verify = new Command("verify", """
            Chain pending entries, then verify the log: every chained entry (position, link, MACs), every signed
            checkpoint (signature, Merkle root at its size), the entries not yet chained, and every audited record
            (policy versions, users, API keys) against its newest entry. Prints 'ok N entries ...' or the first
            entry, checkpoint or record that disagrees.
            Exit codes: 0 intact; 1 broken; 3 nothing to verify (empty log and no checkpoint to compare against).
            """) { against };
        verify.SetGuardedAction(async (parse, ct) =>
        {
            var export = parse.GetValue(against) is { } file ? AuditCheckpoints.ReadExport(file) : null;
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            await services.GetRequiredService<AuditChainer>().ChainPendingAsync(wait: true, ct);
            var result = await services.GetRequiredService<AuditVerifier>().VerifyAsync(export, ct);
            if (!result.Ok)
            {
                Console.WriteLine($"broken at {result.Where}: {result.Problem} ({result.Entries} chained entries before it are intact)");
                return 1;
            }
            if (result.NothingToVerify)
            {
                Console.WriteLine("warning: empty log, no checkpoint to compare against");
                return NothingToVerify;
            }
            var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"ok {result.Entries} entries"));
            if (result.Unchained > 0) line.Append(CultureInfo.InvariantCulture, $", {result.Unchained} not yet chained");
            if (result.NewestCheckpoint is { } c)
                line.Append(CultureInfo.InvariantCulture, $"; newest checkpoint {c.Id} covers {c.TreeSize} entries");
            if (export is not null) line.Append(CultureInfo.InvariantCulture, $"; matches the exported checkpoint of {export.TreeSize} entries");
            Console.WriteLine(line);
            foreach (var w in result.Warnings) Console.WriteLine($"warning: {w}");
            return 0;
        });

        var exportTo = new Option<string?>("--export") { Description = "Also write the checkpoint as JSON to this file, for an auditor to keep outside Steward." };
        var checkpoint = new Command("checkpoint", """
            Chain pending entries, verify those since the newest checkpoint (the whole log when that checkpoint keeps no
            Merkle frontier) and sign a checkpoint (Merkle tree head of every chained entry, Ed25519). Prints its number,
            size, root and the public key to check it with. When the newest checkpoint already covers every entry, that
            one is printed (and exported). Refuses (exit 1) when the newest checkpoint or an entry since does not verify;
            'audit verify' checks the whole log (an entry the chainer refused is reported there but stops no checkpoint).
            """) { exportTo };
        checkpoint.SetGuardedAction(async (parse, ct) =>
        {
            var file = parse.GetValue(exportTo);
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var outcome = await services.GetRequiredService<AuditCheckpoints>().CreateAsync(ct);
            var c = outcome.Checkpoint;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"checkpoint {c.Id}{(outcome.Created ? "" : " (no new entries)")}: {c.TreeSize} entries, root {c.RootHash}, key {AuditCheckpoints.KeyId(c.KeyVersion)}, public key {c.PublicKey}"));
            if (file is not null)
            {
                await WriteFileAsync(file, AuditCheckpoints.ToJson(AuditCheckpoints.ToExport(c)), ct);
                Console.WriteLine($"exported to {file}");
            }
            return 0;
        });

        var lines = new Option<int>("--lines", "-n") { Description = "How many of the newest entries to show.", DefaultValueFactory = _ => 20 };
        lines.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100_000) r.AddError("--lines must be between 1 and 100000.");
        });
        var tail = new Command("tail", "Show the newest entries of the audit log, oldest first: chain position ('-' while not yet chained), time, actor, action, target, details.") { lines };
        tail.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            await using var db = await services.GetRequiredService<IDbContextFactory<StewardDbContext>>().CreateDbContextAsync(ct);
            var rows = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).Take(parse.GetValue(lines)).ToListAsync(ct);
            foreach (var e in rows.AsEnumerable().Reverse())
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(e.Sequence is { } s ? s.ToString(CultureInfo.InvariantCulture) : "-"),6}  {e.Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ}  {e.Actor,-24}  {e.Action,-30}  {e.Target}  {e.Details}"));
            return 0;
        });

        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(checkpoint);
        audit.Subcommands.Add(tail);
        return audit;
    }

    /// <summary>Beside the target, then renamed: an auditor never keeps half a file.</summary>
    private static async Task WriteFileAsync(string file, string text, CancellationToken ct)
    {
        string full;
        try { full = Path.GetFullPath(file); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new StewardException($"--export '{file}' is not a valid file name.", 2);
        }
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new StewardException($"{file}: the folder does not exist.");
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, text, new UTF8Encoding(false), ct);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StewardException($"{file}: cannot write ({e.Message}).");
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
