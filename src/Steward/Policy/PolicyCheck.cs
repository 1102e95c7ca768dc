using Steward.Policy.Catalogue;
using Steward.Policy.Model;

namespace Steward.Policy;

/// <summary>A policy read and validated: the model when it has no errors, and every problem in file order.</summary>
internal sealed record CheckedPolicy(PolicyDocument? Document, IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    public bool IsValid => Document is not null && Diagnostics.All(d => d.Severity != Severity.Error);
    public IEnumerable<PolicyDiagnostic> Errors => Diagnostics.Where(d => d.Severity == Severity.Error);
}

/// <summary>Load + validate, the one way every caller (CLI, API, serve) reads a policy.</summary>
internal static class PolicyCheck
{
    /// <summary>Beyond this many problems a list helps nobody; the rest are summed up in one line.</summary>
    public const int MaxDiagnostics = 200;

    private static readonly PolicyValidator Validator = new(JurisdictionCatalogue.Bundled);

    public static CheckedPolicy Run(string path) => Run(path, allowIncludes: true);

    private static CheckedPolicy Run(string path, bool allowIncludes)
    {
        var loaded = PolicyLoader.Load(path, allowIncludes);
        var diagnostics = loaded.Diagnostics.ToList();
        // Rules run on the partial model too, so one run reports every problem it can.
        if (loaded.Document is not null)
            diagnostics.AddRange(Validator.Validate(loaded.Document, loaded.Map));
        var ordered = diagnostics
            .OrderBy(d => d.Location.File, StringComparer.Ordinal).ThenBy(d => d.Location.Line).ThenBy(d => d.Location.Column)
            .ToList();
        var valid = loaded.Document is not null && ordered.All(d => d.Severity != Severity.Error);
        if (ordered.Count > MaxDiagnostics || loaded.Suppressed > 0)
        {
            var rest = ordered.Count - Math.Min(MaxDiagnostics, ordered.Count) + loaded.Suppressed;
            ordered = [.. ordered.Take(MaxDiagnostics),
                new PolicyDiagnostic(ordered[Math.Min(MaxDiagnostics, ordered.Count - 1)].Location, Severity.Error, PolicyCodes.TooManyProblems, $"{rest} more problem(s) not shown; fix these first.")];
        }
        return new CheckedPolicy(valid ? loaded.Document : null, ordered);
    }

    /// <summary>Checks YAML text (as sent to the API) by writing it to a private temporary file.</summary>
    public static CheckedPolicy RunOnText(string yaml, string displayName)
    {
        var dir = Directory.CreateTempSubdirectory("steward-policy-");
        try
        {
            var file = Path.Combine(dir.FullName, displayName);
            File.WriteAllText(file, yaml);
            var result = Run(file, allowIncludes: false);
            // Show the name the caller knows, not the temporary path.
            return result with
            {
                Diagnostics = result.Diagnostics.Select(d => d with { Location = d.Location with { File = displayName } }).ToList(),
            };
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
