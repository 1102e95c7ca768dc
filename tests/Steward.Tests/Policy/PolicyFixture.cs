using Steward.Policy;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Policy;

/// <summary>The small valid policy the policy tests start from, and helpers to write variants of it.</summary>
internal static class PolicyFixture
{
    public static string MinimalPath { get; } = Path.Combine(AppContext.BaseDirectory, "Policy", "Fixtures", "minimal.yaml");
    public static string Minimal { get; } = File.ReadAllText(MinimalPath);
    public static string ExamplePath { get; } = Repository.PathOf("examples", "example-global", "policy");

    /// <summary>Writes YAML to a new temporary file named policy.yaml and returns its path.</summary>
    public static string Write(string yaml, string name = "policy.yaml")
    {
        var dir = Directory.CreateTempSubdirectory("steward-policy-test-").FullName;
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>Replaces exactly one occurrence, so a test fails loudly when the fixture changes under it.</summary>
    public static string Swap(this string yaml, string old, string @new)
    {
        var at = yaml.IndexOf(old, StringComparison.Ordinal);
        if (at < 0 || yaml.IndexOf(old, at + 1, StringComparison.Ordinal) >= 0)
            throw new InvalidOperationException($"The fixture must contain '{old}' exactly once.");
        return yaml[..at] + @new + yaml[(at + old.Length)..];
    }

    /// <summary>1-based line of the first occurrence of <paramref name="text"/>.</summary>
    public static int LineOf(string yaml, string text)
    {
        var at = yaml.IndexOf(text, StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException($"'{text}' is not in the YAML.");
        return yaml[..at].Count(c => c == '\n') + 1;
    }

    public static CheckedPolicy Check(string yaml) => PolicyCheck.Run(Write(yaml));
}
