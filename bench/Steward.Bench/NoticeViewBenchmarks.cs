using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Steward.Hosting;

namespace Steward.Bench;

/// <summary>
/// An anonymous view of <c>/privacy</c> (the bundled example policy, zh-CN) with the rendered-page cache, against
/// the baseline of the same view rendered every time (<c>Notices:CacheFor=0</c>), two servers in the same run.
/// </summary>
[Config(typeof(SteadyRatioConfig))]
[MemoryDiagnoser(false)]
public class NoticeViewBenchmarks
{
    private static readonly HttpClient Http = new();
    private WebApplication _uncached = null!;
    private WebApplication _cached = null!;
    private Uri _uncachedPage = null!;
    private Uri _cachedPage = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_uncached, _uncachedPage) = Start("00:00:00");
        (_cached, _cachedPage) = Start("00:10:00");
    }

    private static (WebApplication, Uri) Start(string cacheFor)
    {
        var settings = BenchDatabase.FreshSettings();
        settings["Notices:CacheFor"] = cacheFor;
        var app = StewardServer.Create(settings, s => s.AddLogging(l => l.ClearProviders()));
        StewardServer.PrepareAsync(app.Services, CancellationToken.None).GetAwaiter().GetResult();
        app.StartAsync().GetAwaiter().GetResult();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(new Uri(address), "/privacy?lang=zh-CN"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _uncached.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _cached.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "GET /privacy, rendered every time")]
    public async Task<int> Uncached() => (await Http.GetByteArrayAsync(_uncachedPage)).Length;

    [Benchmark(Description = "GET /privacy, rendered page reused")]
    public async Task<int> Cached() => (await Http.GetByteArrayAsync(_cachedPage)).Length;
}
