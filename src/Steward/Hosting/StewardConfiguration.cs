namespace Steward.Hosting;

/// <summary>Builds configuration the same way for serve and the CLI: appsettings.json, STEWARD__ variables, then flags.</summary>
public static class StewardConfiguration
{
    public const string EnvironmentPrefix = "STEWARD__";

    public static void AddStewardSources(this IConfigurationBuilder builder, IDictionary<string, string?> flags)
    {
        builder.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        builder.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "steward.json"), optional: true, reloadOnChange: false);
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddInMemoryCollection(flags);
    }
}
