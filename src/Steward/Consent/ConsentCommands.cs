using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Steward.Hosting;
using Steward.People;
using Steward.Security;

namespace Steward.Consent;

/// <summary><c>steward consent import FILE.csv</c>, <c>steward consent show --email|--phone|--account-id</c>, and the link verbs of <see cref="Marketing.MarketingCommands"/>.</summary>
internal static partial class ConsentCommands
{
    /// <summary>Columns every import file has (any order, named in the first line).</summary>
    public static readonly string[] RequiredColumns = ["identity_type", "identity", "key", "choice", "occurred_at", "jurisdiction"];
    public static readonly string[] OptionalColumns = ["policy_version", "language", "text_hash", "ip", "user_agent", "birth_date", "age"];

    public static Command Build()
    {
        var consent = new Command("consent", "Consent records: import them from another tool, show a person's to staff, make a person's unsubscribe and preference links.");

        var file = new Argument<FileInfo>("FILE") { Description = "CSV file, UTF-8, one choice per line (columns in docs/consent.md)." };
        var import = new Command("import",
            "Import consents kept by another tool (method 'import', original times kept). Columns, named in the first line: "
            + string.Join(", ", RequiredColumns) + "; optional: " + string.Join(", ", OptionalColumns) + ". "
            + "All or nothing: any rejected line is reported as FILE:LINE: reason and nothing is imported (exit 1). "
            + "Lines imported before are skipped, so running it again is harmless.") { file };
        import.SetGuardedAction((parse, ct) => ImportAsync(parse, parse.GetValue(file)!, ct));

        var email = new Option<string?>("--email") { Description = "The person's email address." };
        var phone = new Option<string?>("--phone") { Description = "The person's phone number (+country code, or national in People:DefaultPhoneRegion)." };
        var account = new Option<string?>("--account-id") { Description = "The person's account id in your systems." };
        var show = new Command("show", "Show a person's current consent state and full history (audited as a read of personal data). Give exactly one of --email, --phone, --account-id.")
        { email, phone, account };
        show.Validators.Add(r =>
        {
            var given = new[] { email, phone, account }.Count(o => r.GetResult(o) is not null);
            if (given != 1) r.AddError("Give exactly one of --email, --phone, --account-id");
        });
        show.SetGuardedAction((parse, ct) =>
        {
            var (type, value) = parse.GetValue(email) is { } e ? (IdentityType.Email, e)
                : parse.GetValue(phone) is { } p ? (IdentityType.Phone, p)
                : (IdentityType.AccountId, parse.GetValue(account)!);
            return ShowAsync(parse, type, value, ct);
        });

        consent.Subcommands.Add(import);
        consent.Subcommands.Add(show);
        consent.Subcommands.Add(Marketing.MarketingCommands.UnsubscribeLink());
        consent.Subcommands.Add(Marketing.MarketingCommands.PreferenceLink());
        return consent;
    }

    private static async Task<int> ImportAsync(ParseResult parse, FileInfo file, CancellationToken ct)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(file.FullName, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StewardException($"{file}: cannot be read ({e.Message})");
        }
        await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
        var intake = services.GetRequiredService<ConsentIntake>();
        var records = new List<ConsentRecord>();
        var rejected = 0;
        Dictionary<string, int>? columns = null;
        foreach (var csv in ConsentCsv.Read(new StringReader(text)))
        {
            if (columns is null)
            {
                var headerProblem = csv.Problem ?? HeaderProblem(csv.Fields, out columns);
                if (headerProblem is not null)
                {
                    await Console.Error.WriteLineAsync($"{file}:{csv.Line}: {headerProblem}");
                    throw new StewardException($"{file}: the first line must name the columns; nothing was imported");
                }
                continue;
            }
            var problem = csv.Problem;
            if (problem is null)
            {
                var result = await intake.CheckAsync(ToRaw(csv.Fields, columns, out problem), imported: true, ct);
                if (problem is null && result.Record is { } record) records.Add(record);
                problem ??= result.Problem;
            }
            if (problem is not null)
            {
                rejected++;
                await Console.Error.WriteLineAsync($"{file}:{csv.Line}: {problem}");
            }
        }
        if (rejected > 0) throw new StewardException($"{file}: {rejected} line(s) rejected; nothing was imported (fix them and run again)");
        if (records.Count == 0) throw new StewardException($"{file}: no consent lines to import");

        var bar = Console.IsErrorRedirected ? null : new ProgressBar("importing", records.Count);
        RecordOutcome outcome;
        try
        {
            outcome = await services.GetRequiredService<ConsentLedger>().RecordAsync(records, AdminCommands.CliActor, bar, ct);
        }
        catch (ConsentConflictException e)
        {
            throw new StewardException(e.Message);
        }
        finally
        {
            bar?.Done();
        }
        Console.WriteLine($"imported {outcome.EventIds.Count} consent event(s) for {outcome.SubjectIds.Count} person(s) from {file}"
            + (outcome.AlreadyRecorded > 0 ? $"; {outcome.AlreadyRecorded} line(s) imported before were skipped" : ""));
        return Cli.ExitCodes.Ok;
    }

    private static string? HeaderProblem(IReadOnlyList<string> header, out Dictionary<string, int> columns)
    {
        var named = columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().ToLowerInvariant();
            if (!RequiredColumns.Contains(name) && !OptionalColumns.Contains(name))
                return $"unknown column '{name}' (columns: {string.Join(", ", RequiredColumns.Concat(OptionalColumns))})";
            if (!columns.TryAdd(name, i)) return $"column '{name}' is named twice";
        }
        var missing = RequiredColumns.Where(c => !named.ContainsKey(c)).ToList();
        return missing.Count > 0 ? $"missing column(s): {string.Join(", ", missing)}" : null;
    }

    private static RawConsent ToRaw(IReadOnlyList<string> fields, Dictionary<string, int> columns, out string? problem)
    {
        problem = fields.Count == columns.Count ? null : $"{fields.Count} field(s), the first line names {columns.Count}.";
        string? Get(string column) =>
            columns.TryGetValue(column, out var i) && i < fields.Count && fields[i].Trim() is { Length: > 0 } v ? v : null;
        int? version = null;
        if (Get("policy_version") is { } v)
        {
            if (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) version = n;
            else problem ??= "policy_version is a version number such as 1 or 2.";
        }
        DateTimeOffset? occurred = null;
        if (Get("occurred_at") is { } at)
        {
            if (WithOffset().IsMatch(at) && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) occurred = t;
            else problem ??= "occurred_at is a time in ISO 8601 with its offset, e.g. 2025-11-03T14:20:00Z or 2025-11-03T22:20:00+08:00.";
        }
        int? age = null;
        if (Get("age") is { } a)
        {
            if (int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var years)) age = years;
            else problem ??= $"age is a whole number of years from 0 to {ConsentIntake.MaxAge}.";
        }
        return new RawConsent(Get("identity_type"), Get("identity"), Get("jurisdiction"), version, Get("text_hash"), Get("language"), null,
            occurred, Get("ip"), Get("user_agent"), [(Get("key"), Get("choice"))], Get("birth_date"), age);
    }

    private static async Task<int> ShowAsync(ParseResult parse, IdentityType type, string value, CancellationToken ct)
    {
        await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
        var parsed = services.GetRequiredService<IdentityParser>().Parse(type, value);
        if (parsed.Identity is not { } identity) throw new StewardException(parsed.Problem!, Cli.ExitCodes.Usage);
        var ledger = services.GetRequiredService<ConsentLedger>();
        if (await ledger.SubjectOfAsync(identity, ct) is not { } subjectId)
            throw new StewardException($"no one with this {IdentityTypes.Name(type)} is known");
        var history = await ledger.HistoryAsync(subjectId, AdminCommands.CliActor, ct);
        Console.WriteLine($"person {subjectId}");
        Console.WriteLine();
        Console.WriteLine("Current state (the latest choice per key):");
        if (history.State.Count == 0) Console.WriteLine("  (no consent recorded)");
        foreach (var e in history.State)
            Console.WriteLine($"  {e.Key,-36} {ConsentWords.Name(e.Choice),-10} {Time(e.OccurredAt)}  v{e.PolicyVersion}  {ConsentWords.Name(e.Method)}");
        Console.WriteLine();
        Console.WriteLine("History (oldest first):");
        foreach (var e in history.Events)
        {
            Console.WriteLine($"  {Time(e.OccurredAt)}  {e.Key,-36} {ConsentWords.Name(e.Choice),-10} {ConsentWords.Name(e.Method)}, policy v{e.PolicyVersion}, "
                + $"{e.Jurisdiction}, language {e.Language ?? "-"}, recorded {Time(e.RecordedAt)}");
            Console.WriteLine($"      text hash {e.TextHash ?? "-"}; ip {e.Ip ?? "-"}; user agent {e.UserAgent ?? "-"}");
        }
        return Cli.ExitCodes.Ok;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex WithOffset();
}
