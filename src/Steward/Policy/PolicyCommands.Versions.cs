using System.CommandLine;
using System.Globalization;
using System.Text;
using Steward.Hosting;
using Steward.Notices;
using Steward.Security;
using Steward.Web;

namespace Steward.Policy;

internal static partial class PolicyCommands
{
    /// <summary>--lang en|zh-CN, shared by the verbs that write words for people.</summary>
    internal static Option<string> LanguageOption(bool required = false)
    {
        var lang = new Option<string>("--lang") { Description = "Language of the output: en or zh-CN.", Required = required };
        if (!required) lang.DefaultValueFactory = _ => Language.English;
        lang.AcceptOnlyFromAmong(Language.All);
        return lang;
    }

    internal static Option<int?> VersionOption() => new("--version")
    {
        Description = "Policy version (default: the one in force today).",
        CustomParser = r => Cli.WholeNumber(r, "--version"),
    };

    internal static Option<string?> OutputOption() => new("--output", "-o") { Description = "Write to this file instead of standard output." };

    /// <summary>Writes the text to the file atomically (temporary file, then rename), or to standard output.</summary>
    internal static async Task WriteOutputAsync(string? file, string text, CancellationToken ct)
    {
        if (file is null)
        {
            Console.Out.Write(text);
            return;
        }
        await WriteFileAsync(file, temp => File.WriteAllTextAsync(temp, text, new UTF8Encoding(false), ct));
    }

    /// <summary>Writes bytes to the file atomically (a zip for <c>rights package</c>).</summary>
    internal static Task WriteOutputAsync(string file, byte[] bytes, CancellationToken ct) =>
        WriteFileAsync(file, temp => File.WriteAllBytesAsync(temp, bytes, ct));

    internal static async Task WriteFileAsync(string file, Func<string, Task> write)
    {
        string full;
        try
        {
            if (string.IsNullOrWhiteSpace(file)) throw new ArgumentException("empty");
            full = Path.GetFullPath(file);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new StewardException($"--output '{file}' is not a valid file name.", 2);
        }
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new StewardException($"{file}: the folder does not exist.");
        // Write beside the target, then rename: readers never see half a file, and a failure leaves the old one.
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await write(temp);
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

    /// <summary>The requested version, or the one in force; a clear error when there is none.</summary>
    internal static async Task<PublishedPolicy> ResolveVersionAsync(PolicyStore store, int? version, CancellationToken ct) =>
        version is { } v
            ? await store.GetAsync(v, ct) ?? throw new StewardException($"There is no policy version {v}; see 'steward policy versions'.")
            : await store.CurrentAsync(ct) ?? throw new StewardException("No policy has been published yet; run 'steward policy publish PATH'.");

    /// <summary>--policy PATH: render a policy that is not published (a preview).</summary>
    internal static Option<string?> PolicyPathOption() => new("--policy")
    {
        Description = "Preview a policy file or folder that is not published (checked first; shown as version 0, effective today). Uses no database.",
    };

    /// <summary>
    /// The policy a rendering verb works on: <c>--policy PATH</c> checked but not published (no database is
    /// opened or created), or a published version. Null when the file has errors (printed, located).
    /// </summary>
    internal static async Task<PublishedPolicy?> PolicyToRenderAsync(ParseResult parse, Option<string?> policyPath, Option<int?> version, CancellationToken ct)
    {
        if (parse.GetValue(policyPath) is not { } path)
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            return await ResolveVersionAsync(services.GetRequiredService<PolicyStore>(), parse.GetValue(version), ct);
        }
        if (parse.GetValue(version) is not null)
            throw new StewardException("--policy and --version exclude each other: --policy previews a file, --version picks a published version.", Cli.ExitCodes.Usage);
        var result = PolicyCheck.Run(path);
        if (!result.IsValid)
        {
            PrintDiagnostics(result);
            return null;
        }
        foreach (var w in result.Diagnostics) await Console.Error.WriteLineAsync(w.ToString());
        // Through the same canonical form a published version is stored in, so the preview renders as publishing would.
        var content = PolicyStore.CanonicalJson(result.Document!);
        var now = TimeProvider.System.GetUtcNow();
        var info = new PolicyVersionInfo(0, PolicyStore.Hash(content), DateOnly.FromDateTime(now.UtcDateTime), false, null, now, "preview");
        return new PublishedPolicy(info, System.Text.Json.JsonSerializer.Deserialize<Model.PolicyDocument>(content, PolicyLoader.Json)!);
    }

    private static Command Publish()
    {
        var path = new Argument<string>("PATH") { Description = "A policy YAML file or a folder of them." };
        var significant = new Option<bool>("--significant") { Description = "A significant change: the notice shows 'updated' for 30 days." };
        var summary = new Option<string?>("--summary") { Description = "What changed, in a sentence people understand." };
        var effective = new Option<string?>("--effective") { Description = "Effective date, YYYY-MM-DD (default: today)." };
        var backdated = new Option<string?>("--allow-backdated")
        {
            Description = "Allow an --effective date before today, giving the reason (recorded in the audit log).",
            HelpName = "REASON",
        };
        var publish = new Command("publish", "Validate and publish a policy as a new immutable version (identical content is a no-op).") { path, significant, summary, effective, backdated };
        publish.SetGuardedAction(async (parse, ct) =>
        {
            DateOnly? date = null;
            if (parse.GetValue(effective) is { } text)
            {
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    throw new StewardException($"--effective '{text}' is not a date; write YYYY-MM-DD.", 2);
                date = d;
            }
            var result = PolicyCheck.Run(parse.GetValue(path)!);
            if (!result.IsValid)
            {
                PrintDiagnostics(result);
                return 1;
            }
            foreach (var w in result.Diagnostics) await Console.Error.WriteLineAsync(w.ToString());
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var outcome = await services.GetRequiredService<PolicyStore>()
                .PublishAsync(result, parse.GetValue(significant), parse.GetValue(summary), date, parse.GetValue(backdated), AdminCommands.CliActor, ct);
            if (outcome.Conflicted) throw new StewardException(PublishOutcome.ConflictMessage);
            var v = outcome.Version;
            Console.WriteLine(outcome.Created
                ? $"published version {v.Version} (effective {v.EffectiveDate:yyyy-MM-dd}{(v.Significant ? ", significant" : "")}, sha256 {v.ContentHash[..12]})"
                : $"unchanged: identical to version {v.Version}");
            return 0;
        });
        return publish;
    }

    private static Command Versions()
    {
        var versions = new Command("versions", "List the published versions.");
        versions.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var store = services.GetRequiredService<PolicyStore>();
            var all = await store.ListAsync(ct);
            if (all.Count == 0)
            {
                Console.WriteLine("no versions published yet");
                return 0;
            }
            var current = (await store.CurrentAsync(ct))?.Info.Version;
            Console.WriteLine("version  effective   significant  published             sha256        summary");
            foreach (var v in all)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{v.Version,7}{(v.Version == current ? "*" : " ")} {v.EffectiveDate:yyyy-MM-dd}  {(v.Significant ? "yes" : "no"),-11}  {v.PublishedAt:yyyy-MM-dd HH:mm}Z     {v.ContentHash[..12]}  {v.Summary}"));
            Console.WriteLine("* in force today");
            return 0;
        });
        return versions;
    }

    private static Command Diff()
    {
        var from = new Argument<int>("V1") { Description = "The older version.", CustomParser = r => Cli.WholeNumber(r, "V1") };
        var to = new Argument<int>("V2") { Description = "The newer version.", CustomParser = r => Cli.WholeNumber(r, "V2") };
        var lang = LanguageOption();
        var diff = new Command("diff", "Show what changed between two versions: purposes, categories, legal bases, recipients, transfers, retention.") { from, to, lang };
        diff.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var store = services.GetRequiredService<PolicyStore>();
            var older = await ResolveVersionAsync(store, parse.GetValue(from), ct);
            var newer = await ResolveVersionAsync(store, parse.GetValue(to), ct);
            var changes = PolicyDiff.Compare(older.Document, newer.Document, parse.GetValue(lang)!);
            Console.WriteLine($"version {older.Info.Version} -> {newer.Info.Version}: {changes.Count} change(s)");
            foreach (var c in changes)
                Console.WriteLine($"  {(c.Kind switch { PolicyChangeKind.Added => "+", PolicyChangeKind.Removed => "-", _ => "~" })} {c.Text}");
            return 0;
        });
        return diff;
    }

    private static Command Ropa()
    {
        var version = VersionOption();
        var format = new Option<string>("--format") { Description = "csv, json or html.", Required = true };
        format.AcceptOnlyFromAmong("csv", "json", "html");
        var output = OutputOption();
        var lang = LanguageOption();
        var policyPath = PolicyPathOption();
        var processor = new Option<bool>("--processor")
        {
            Description = "The processor's record (GDPR Art. 30(2)): the purposes with role: processor, for each client. Without it, the controller's record (Art. 30(1)), which leaves them out.",
        };
        var ropa = new Command("ropa", "Export the record of processing activities (GDPR Art. 30): one row per purpose.") { version, format, output, lang, policyPath, processor };
        ropa.SetGuardedAction(async (parse, ct) =>
        {
            if (await PolicyToRenderAsync(parse, policyPath, version, ct) is not { } policy) return Cli.ExitCodes.OperatorError;
            var chosen = parse.GetValue(format)!;
            var text = await RecordOfProcessing.RenderAsync(policy.Document, policy.Info, chosen, parse.GetValue(lang)!, parse.GetValue(processor));
            if (chosen == "json") text += "\n";
            await WriteOutputAsync(parse.GetValue(output), text, ct);
            return 0;
        });
        return ropa;
    }
}
