using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Steward.Hosting;

namespace Steward.Bench;

/// <summary>
/// Start-up to ready: Steward (new database: migrations, policy) until /readyz answers 200,
/// against the baseline of a bare ASP.NET Core app answering its first request, in the same run.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 8)]
[MemoryDiagnoser(false)]
public class StartupBenchmarks
{
    private static readonly HttpClient Http = new();

    [Benchmark(Baseline = true, Description = "bare ASP.NET Core app, first request")]
    public async Task BareApp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/readyz", () => "Healthy");
        await app.StartAsync();
        await WaitReadyAsync(app);
        await app.StopAsync();
    }

    [Benchmark(Description = "steward serve on a new database until /readyz")]
    public async Task Steward()
    {
        await using var app = StewardServer.Create(BenchDatabase.FreshSettings(), s => s.AddLogging(l => l.ClearProviders()));
        await StewardServer.PrepareAsync(app.Services, CancellationToken.None);
        await app.StartAsync();
        await WaitReadyAsync(app);
        await app.StopAsync();
    }

    private static async Task WaitReadyAsync(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var response = await Http.GetAsync(new Uri(new Uri(address), "/readyz"));
        response.EnsureSuccessStatusCode();
    }
}
