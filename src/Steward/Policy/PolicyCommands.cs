using System.CommandLine;
using Steward.Hosting;

namespace Steward.Policy;

/// <summary><c>steward policy check|publish|versions|diff|ropa|schema|taxonomy</c>.</summary>
internal static partial class PolicyCommands
{
    public static Command Build()
    {
        var policy = new Command("policy", "Check, publish and compare privacy policies; export the record of processing.");
        policy.Subcommands.Add(Check());
        policy.Subcommands.Add(Publish());
        policy.Subcommands.Add(Versions());
        policy.Subcommands.Add(Diff());
        policy.Subcommands.Add(Ropa());
        policy.Subcommands.Add(Schema());
        policy.Subcommands.Add(TaxonomyCommand());
        return policy;
    }

    private static Command Check()
    {
        var path = new Argument<string>("PATH") { Description = "A policy YAML file or a folder of them." };
        var check = new Command("check", "Validate a policy; prints PATH:LINE:COLUMN: error|warning CODE: message and exits 1 on any error.") { path };
        check.SetGuardedAction((parse, _) =>
        {
            var result = PolicyCheck.Run(parse.GetValue(path)!);
            PrintDiagnostics(result);
            return Task.FromResult(result.IsValid ? 0 : 1);
        });
        return check;
    }

    private static Command Schema()
    {
        var output = OutputOption();
        var schema = new Command("schema", "Print the JSON Schema of the policy format (for editor completion).") { output };
        schema.SetGuardedAction(async (parse, ct) =>
        {
            await WriteOutputAsync(parse.GetValue(output), PolicySchema.Generate(), ct);
            return 0;
        });
        return schema;
    }

    internal static void PrintDiagnostics(CheckedPolicy result)
    {
        foreach (var d in result.Diagnostics) Console.Error.WriteLine(d.ToString());
        var errors = result.Diagnostics.Count(d => d.Severity == Severity.Error);
        var warnings = result.Diagnostics.Count - errors;
        if (result.IsValid) Console.WriteLine($"ok: {result.Document!.Purposes.Count} purposes, {warnings} warning(s)");
        else Console.Error.WriteLine($"{errors} error(s), {warnings} warning(s)");
    }
}
