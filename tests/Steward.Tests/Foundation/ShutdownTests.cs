using System.Diagnostics;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Serve_stops_gracefully_on_sigterm()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal");
        await using var db = await TestDatabase.CreateAsync();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = db.DataDirectory };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "steward.dll"), "serve", "--urls", "http://127.0.0.1:0" }) psi.ArgumentList.Add(a);
        foreach (var (k, v) in db.EnvironmentVariables()) psi.Environment[k] = v;
        psi.Environment["STEWARD__Policy__PublishBundledExample"] = "false";
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            output.AppendLine(line);
            if (line.Contains("Application started", StringComparison.Ordinal)) break;
        }
        Assert.Contains("Now listening on", output.ToString(), StringComparison.Ordinal);

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync(timeout.Token);
        output.Append(await process.StandardOutput.ReadToEndAsync(timeout.Token));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Application is shutting down", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("", await stderr);
    }
}
