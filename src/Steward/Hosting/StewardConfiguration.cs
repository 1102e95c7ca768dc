using System.Text.Json;

namespace Steward.Hosting;

/// <summary>Builds configuration the same way for serve and the CLI: appsettings.json, steward.json, STEWARD__ variables, then flags.</summary>
internal static class StewardConfiguration
{
    public const string EnvironmentPrefix = "STEWARD__";
    public const string WorkingFolderFile = "steward.json";

    // Set by an in-process invocation (tests): this configuration replaces steward.json and the environment.
    private static readonly AsyncLocal<IDictionary<string, string?>?> Explicit = new();

    /// <summary>For the rest of the calling async flow, read <paramref name="configuration"/> instead of steward.json and environment variables.</summary>
    internal static void UseExplicit(IDictionary<string, string?> configuration) => Explicit.Value = configuration;

    public static void AddStewardSources(this IConfigurationBuilder builder, IDictionary<string, string?> flags)
    {
        builder.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        if (Explicit.Value is { } configuration)
        {
            builder.AddInMemoryCollection(configuration);
        }
        else
        {
            builder.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), WorkingFolderFile), optional: true, reloadOnChange: false);
            builder.AddEnvironmentVariables(EnvironmentPrefix);
        }
        builder.AddInMemoryCollection(flags);
    }

    /// <summary>
    /// One line for a configuration file that cannot be read, with its line and column when it is
    /// not valid JSON (the configuration loader reports a failed file as <see cref="InvalidDataException"/>).
    /// </summary>
    internal static string? DescribeFileProblem(InvalidDataException e)
    {
        if (e.InnerException is null) return null;
        var file = ExtractFileName(e.Message);
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException { LineNumber: { } line, BytePositionInLine: { } column } json)
                return $"{file}:{line + 1}:{column + 1}: not valid JSON ({FirstSentence(json.Message)}); fix the file or remove it.";
        }
        return $"{file}: cannot be read as configuration ({FirstSentence(e.InnerException.Message)}); fix the file or remove it.";
    }

    // "Failed to load configuration from file '/x/steward.json'." → the name as given, relative when it is in the working folder.
    private static string ExtractFileName(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = message.LastIndexOf('\'');
        if (start < 0 || end <= start) return "configuration file";
        var path = message[(start + 1)..end];
        return Path.GetDirectoryName(path) == Directory.GetCurrentDirectory() ? Path.GetFileName(path) : path;
    }

    private static string FirstSentence(string message)
    {
        var text = message.ReplaceLineEndings(" ");
        // System.Text.Json appends "Path: $ | LineNumber: 3 | BytePositionInLine: 7."; the location is already in front.
        foreach (var marker in new[] { " Path: ", " LineNumber: " })
        {
            var cut = text.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0) text = text[..cut];
        }
        return text.TrimEnd('.', ' ');
    }
}
