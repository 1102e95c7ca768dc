using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Steward.Hosting;
using Steward.Jobs;
using Steward.Storage;

namespace Steward.Bench;

/// <summary>
/// Claiming and completing N queued jobs (claim under a lease, run a handler that does nothing, record success)
/// against N plain single-row UPDATEs of a table of the same size in the same database.
/// </summary>
[MemoryDiagnoser(false)]
public class JobClaimBenchmarks
{
    private const int Jobs = 200;
    private ServiceProvider _services = null!;
    private IDbContextFactory<StewardDbContext> _contexts = null!;
    private JobRunner _runner = null!;
    private BackgroundJobs _jobs = null!;

    [GlobalSetup]
    public void Setup()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(BenchDatabase.FreshSettings()).Build();
        var collection = new ServiceCollection().AddLogging(l => l.ClearProviders()).AddSingleton<IConfiguration>(configuration);
        collection.AddJobHandler<NothingJob>();
        collection.AddStewardCore();
        _services = collection.BuildServiceProvider();
        _services.GetRequiredService<DatabaseMigrator>().EnsureReadyAsync(CancellationToken.None).GetAwaiter().GetResult();
        _contexts = _services.GetRequiredService<IDbContextFactory<StewardDbContext>>();
        _runner = _services.GetRequiredService<JobRunner>();
        _jobs = _services.GetRequiredService<BackgroundJobs>();
        using var db = _contexts.CreateDbContext();
        db.Database.ExecuteSqlRaw("CREATE TABLE IF NOT EXISTS plain_jobs (id INTEGER PRIMARY KEY, state TEXT NOT NULL)");
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [IterationSetup]
    public void Fill()
    {
        using var db = _contexts.CreateDbContext();
        db.Database.ExecuteSqlRaw("DELETE FROM plain_jobs");
        for (var i = 0; i < Jobs; i++)
        {
            db.Database.ExecuteSql($"INSERT INTO plain_jobs (id, state) VALUES ({i}, {"queued"})");
            _jobs.EnqueueAsync(NothingJob.JobKind).GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true, Description = "N plain UPDATEs (one row each)")]
    [InvocationCount(1)]
    public async Task PlainUpdates()
    {
        for (var i = 0; i < Jobs; i++)
        {
            await using var db = await _contexts.CreateDbContextAsync();
            await db.Database.ExecuteSqlAsync($"UPDATE plain_jobs SET state = {"done"} WHERE id = {i}");
        }
    }

    [Benchmark(Description = "claim + complete N jobs")]
    [InvocationCount(1)]
    public async Task ClaimAndComplete()
    {
        while (await _runner.RunNextAsync(CancellationToken.None)) { }
    }

    internal sealed class NothingJob : IJobHandler
    {
        public const string JobKind = "bench.nothing";
        public string Kind => JobKind;
        public Task RunAsync(JobContext context, CancellationToken ct) => Task.CompletedTask;
    }
}
