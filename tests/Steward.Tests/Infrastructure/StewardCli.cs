using System.Diagnostics;
using Steward.Hosting;

namespace Steward.Tests.Infrastructure;

/// <summary>What a CLI run printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// Runs <c>steward</c> as a user would: in this process with its own standard streams (fast, the
/// default), or as the real executable in a process for what only a process shows (exit codes of
/// the process, signals, the working folder, the environment).
/// </summary>
internal static class StewardCli
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "steward.dll");

    /// <summary>In process, configured for <paramref name="db"/> (or nothing but defaults).</summary>
    public static Task<CliResult> RunAsync(TestDatabase? db, string stdin, params string[] args) =>
        RunInProcessAsync(db?.Settings() ?? [], stdin, args);

    /// <summary>In process with explicit configuration keys (<c>Storage:Provider</c>, ...) instead of environment variables.</summary>
    public static async Task<CliResult> RunInProcessAsync(IDictionary<string, string?> configuration, string? stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin ?? "");
        var exit = await Cli.InvokeAsync(args, configuration, input, stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The real executable as a process, with <paramref name="environment"/> (e.g. <c>STEWARD__Storage__Provider</c>) and a working folder.</summary>
    public static async Task<CliResult> RunProcessAsync(IDictionary<string, string?> environment, string? stdin, string? workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("STEWARD__", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The real executable for <paramref name="db"/>, configured through environment variables.</summary>
    public static Task<CliResult> RunProcessAsync(TestDatabase db, string? stdin, params string[] args) =>
        RunProcessAsync(db.EnvironmentVariables(), stdin, null, args);
}
