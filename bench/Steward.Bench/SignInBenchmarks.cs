using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Steward.Hosting;
using Steward.Security;
using Steward.Storage;

namespace Steward.Bench;

/// <summary>
/// Sign-in must not reveal accounts by its timing: a wrong password for an existing account (the baseline),
/// an unknown email and an account whose attempts are used up should all cost about the same (ratio ≈ 1).
/// </summary>
public class SignInBenchmarks
{
    private ServiceProvider _services = null!;
    private StaffDirectory _staff = null!;
    private KnownDevice _known = null!;

    [GlobalSetup]
    public void Setup()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(BenchDatabase.FreshSettings()).Build();
        var collection = new ServiceCollection().AddLogging(l => l.ClearProviders()).AddSingleton<IConfiguration>(configuration);
        collection.AddStewardCore();
        _services = collection.BuildServiceProvider();
        _services.GetRequiredService<DatabaseMigrator>().EnsureReadyAsync(CancellationToken.None).GetAwaiter().GetResult();
        _staff = _services.GetRequiredService<StaffDirectory>();
        _staff.AddUserAsync("known@example.com", Roles.Auditor, "a long enough password", "bench", CancellationToken.None).GetAwaiter().GetResult();
        var signedIn = _staff.SignInAsync("known@example.com", "a long enough password", CancellationToken.None).GetAwaiter().GetResult();
        _known = new KnownDevice(signedIn.UserId!.Value, signedIn.DeviceStamp!);
        _staff.AddUserAsync("throttled@example.com", Roles.Auditor, "a long enough password", "bench", CancellationToken.None).GetAwaiter().GetResult();
        // Use up the throttled account's checks (the window lasts 15 minutes, longer than a short run).
        for (var i = 0; i < new SecurityOptions().SignInAttemptsPerAccount; i++)
            _staff.SignInAsync("throttled@example.com", "wrong", CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    // From the account's known device, so that repeating it never runs out of attempts: every call checks the hash.
    [Benchmark(Baseline = true, Description = "wrong password, existing account")]
    public async Task WrongPassword() => await _staff.SignInAsync("known@example.com", "wrong", _known, CancellationToken.None);

    [Benchmark(Description = "unknown email")]
    public async Task UnknownEmail() => await _staff.SignInAsync("nobody@example.com", "wrong", CancellationToken.None);

    [Benchmark(Description = "account out of attempts")]
    public async Task Throttled() => await _staff.SignInAsync("throttled@example.com", "wrong", CancellationToken.None);
}
