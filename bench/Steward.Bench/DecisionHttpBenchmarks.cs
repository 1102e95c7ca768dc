using System.Net.Http.Headers;
using System.Net.Http.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Steward.Consent;
using Steward.Hosting;
using Steward.People;
using Steward.Security;

namespace Steward.Bench;

/// <summary>
/// <c>POST /api/v1/decisions</c> with 10 keys, for 100 people who made choices, on loopback with 8 requests in flight,
/// against the baseline of a bare endpoint in the same process that returns constant JSON (anonymous, so it pays
/// for nothing), and the same bare endpoint behind the API key check. CPU time of the process (client and server):
/// on a busy machine, work per request is what decides requests per second. Target: decisions ≥ 50% of the baseline's rate.
/// </summary>
[Config(typeof(SteadyRatioConfig))]
[MemoryDiagnoser(false)]
public class DecisionHttpBenchmarks
{
    private const int InFlight = 8;
    private const int People = 100;
    private static readonly string[] TenKeys =
    [
        "purpose:targeted-advertising", "purpose:email-marketing", "purpose:engagement-tracking", "purpose:hashed-email-advertising",
        "cookie:functional", "cookie:analytics", "cookie:advertising", "cookie:strictly-necessary", "channel:email", "channel:phone",
    ];
    private static readonly object Constant = new { allowed = true, reason = "constant" };

    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private object[] _bodies = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        ConcurrentWriters.Prepare(InFlight);
        var settings = BenchDatabase.FreshSettings();
        _app = StewardServer.Create(settings, s => s.AddLogging(l => l.ClearProviders()));
        _app.MapPost("/bench/constant", () => Results.Json(Constant)).Public();
        _app.MapPost("/bench/constant-with-key", () => Results.Json(Constant)).RequireRoles(Roles.Service);
        StewardServer.PrepareAsync(_app.Services, CancellationToken.None).GetAwaiter().GetResult();
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var key = _app.Services.GetRequiredService<StaffDirectory>().AddApiKeyAsync("bench", Roles.Service, "bench", CancellationToken.None).GetAwaiter().GetResult();
        _http = new HttpClient { BaseAddress = new Uri(address) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var ledger = _app.Services.GetRequiredService<ConsentLedger>();
        var now = TimeProvider.System.GetUtcNow();
        _bodies = new object[People];
        for (var i = 0; i < People; i++)
        {
            var email = $"person{i}@example.com";
            ledger.RecordAsync([new ConsentRecord(new Identity(IdentityType.Email, email), "eu-gdpr", 1, null, "en", ConsentMethod.Banner, now,
                new BrowserProof(null, null), [new KeyChoice("cookie:analytics", ConsentChoice.Granted), new KeyChoice("channel:email", i % 2 == 0 ? ConsentChoice.Granted : ConsentChoice.Denied)])],
                "bench", null, CancellationToken.None).GetAwaiter().GetResult();
            _bodies[i] = new { identity = new { type = "email", value = email }, keys = TenKeys };
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = InFlight, Description = "bare endpoint, constant JSON")]
    public Task Bare() => SendAsync("/bench/constant");

    [Benchmark(OperationsPerInvoke = InFlight, Description = "bare endpoint behind the API key check")]
    public Task BareWithKey() => SendAsync("/bench/constant-with-key");

    [Benchmark(OperationsPerInvoke = InFlight, Description = "POST /api/v1/decisions, 10 keys")]
    public Task Decisions() => SendAsync("/api/v1/decisions");

    private Task SendAsync(string path) => ConcurrentWriters.RunAsync(InFlight, async ct =>
    {
        var body = _bodies[(uint)Interlocked.Increment(ref _next) % People];
        using var response = await _http.PostAsJsonAsync(path, body, ct);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync(ct);
    });
}
