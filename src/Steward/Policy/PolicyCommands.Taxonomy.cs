using System.CommandLine;
using System.Globalization;
using System.Text;
using Steward.Hosting;
using Steward.Policy.Catalogue;

namespace Steward.Policy;

internal static partial class PolicyCommands
{
    /// <summary>The kinds of taxonomy entry, as <c>--kind</c> names them, with their heading.</summary>
    private static readonly (string Kind, string Heading, Func<Taxonomy, IReadOnlyDictionary<string, TaxonomyEntry>> Entries)[] TaxonomyKinds =
    [
        ("categories", "data categories", t => t.DataCategories),
        ("uses", "data uses", t => t.DataUses),
        ("subjects", "data subjects", t => t.DataSubjects),
    ];

    private static Command TaxonomyCommand()
    {
        var search = new Option<string?>("--search")
        {
            Description = "Only entries whose key, English name or Chinese name contains WORD (any case).",
            HelpName = "WORD",
        };
        var kind = new Option<string?>("--kind") { Description = "Only data categories, data uses or data subjects." };
        kind.AcceptOnlyFromAmong([.. TaxonomyKinds.Select(k => k.Kind)]);
        var policyPath = new Option<string?>("--policy")
        {
            Description = "Also list the entries this policy file or folder adds or renames (checked first); marked with *.",
            HelpName = "PATH",
        };
        var taxonomy = new Command("taxonomy",
            "List the data categories, data uses and data subjects a policy can name: key, English name, Chinese name.") { search, kind, policyPath };
        taxonomy.SetGuardedAction((parse, _) =>
        {
            var all = Taxonomy.Bundled;
            if (parse.GetValue(policyPath) is { } path)
            {
                var policy = PolicyCheck.Run(path);
                if (!policy.IsValid)
                {
                    PrintDiagnostics(policy);
                    return Task.FromResult(Cli.ExitCodes.OperatorError);
                }
                all = policy.Document!.Taxonomy;
            }
            var word = parse.GetValue(search);
            var output = new StringBuilder();
            var fromPolicy = false;
            foreach (var (name, heading, entries) in TaxonomyKinds.Where(k => parse.GetValue(kind) is not { } only || k.Kind == only))
            {
                var rows = entries(all).Values.Where(e => word is null || Matches(e, word)).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
                if (rows.Count == 0) continue;
                fromPolicy |= rows.Any(e => e.FromPolicy);
                AppendTable(output, $"{heading} ({rows.Count})", rows);
            }
            if (output.Length == 0)
                output.AppendLine(word is null ? "no entries" : $"no entry matches '{word}'");
            else if (fromPolicy)
                output.AppendLine("* added or renamed by the policy");
            Console.Out.Write(output.ToString());
            return Task.FromResult(Cli.ExitCodes.Ok);
        });
        return taxonomy;
    }

    private static bool Matches(TaxonomyEntry e, string word) =>
        e.Key.Contains(word, StringComparison.OrdinalIgnoreCase)
        || (e.Name.En?.Contains(word, StringComparison.OrdinalIgnoreCase) ?? false)
        || (e.Name.ZhCn?.Contains(word, StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>Columns padded to the longest key and English name; the Chinese name comes last, where its double-width characters cannot shift anything.</summary>
    private static void AppendTable(StringBuilder output, string heading, List<TaxonomyEntry> rows)
    {
        static string Key(TaxonomyEntry e) => e.FromPolicy ? e.Key + " *" : e.Key;
        var keyWidth = Math.Max("key".Length, rows.Max(e => Key(e).Length));
        var enWidth = Math.Max("en".Length, rows.Max(e => (e.Name.En ?? "").Length));
        if (output.Length > 0) output.AppendLine();
        output.AppendLine(heading);
        output.AppendLine(CultureInfo.InvariantCulture, $"  {"key".PadRight(keyWidth)}  {"en".PadRight(enWidth)}  zh-CN");
        foreach (var e in rows)
            output.AppendLine(CultureInfo.InvariantCulture, $"  {Key(e).PadRight(keyWidth)}  {(e.Name.En ?? "").PadRight(enWidth)}  {e.Name.ZhCn}");
    }
}
