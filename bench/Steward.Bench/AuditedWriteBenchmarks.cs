using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steward.Audit;
using Steward.Hosting;
using Steward.Security;
using Steward.Storage;

namespace Steward.Bench;

/// <summary>
/// An audited write as features make it (add a small row, an API key, and its audit entry with
/// AppendWithinAsync, one SaveChanges, one transaction) against the same write without audit, with 1
/// and 16 concurrent writers. The background chainer and checkpoints of serve run meanwhile, so their
/// work is part of what is measured.
/// </summary>
[MemoryDiagnoser(false)]
public class AuditedWriteBenchmarks
{
    private ServiceProvider _services = null!;
    private AuditLog _audit = null!;
    private IDbContextFactory<StewardDbContext> _contexts = null!;
    private List<IHostedService> _background = [];
    private long _id;

    [Params(1, 16)]
    public int Writers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ConcurrentWriters.Prepare(Writers);
        var settings = BenchDatabase.FreshSettings();
        // To see the chainer's share: BENCH_NO_CHAINER=1 leaves entries unchained during the run.
        if (Environment.GetEnvironmentVariable("BENCH_NO_CHAINER") == "1") settings["Audit:Background"] = "false";
        if (Environment.GetEnvironmentVariable("BENCH_NO_CHECKPOINTS") == "1") settings["Audit:CheckpointEveryEntries"] = "10000000";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection().AddLogging(l => l.ClearProviders()).AddSingleton<IConfiguration>(configuration);
        collection.AddStewardCore();
        _services = collection.BuildServiceProvider();
        _services.GetRequiredService<DatabaseMigrator>().EnsureReadyAsync(CancellationToken.None).GetAwaiter().GetResult();
        _audit = _services.GetRequiredService<AuditLog>();
        _audit.PrepareAsync(CancellationToken.None).GetAwaiter().GetResult();
        _contexts = _services.GetRequiredService<IDbContextFactory<StewardDbContext>>();
        _background = _services.GetServices<IHostedService>().ToList();
        foreach (var s in _background) s.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var s in _background) s.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        using (var db = _contexts.CreateDbContext())
            if (db.Database.IsNpgsql()) db.Database.EnsureDeleted();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "insert row (transaction, no audit)")]
    public Task Plain() => ConcurrentWriters.RunAsync(Writers, async ct => await WriteAsync(audited: false, ct));

    [Benchmark(Description = "insert row + audit entry (one transaction)")]
    public Task Audited() => ConcurrentWriters.RunAsync(Writers, async ct => await WriteAsync(audited: true, ct));

    private async Task WriteAsync(bool audited, CancellationToken ct)
    {
        await using var db = await _contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var id = Interlocked.Increment(ref _id);
        var row = new ApiKey
        {
            Id = Guid.CreateVersion7(), Name = $"bench-{id}", Role = "service", KeyHash = id.ToString("x64", System.Globalization.CultureInfo.InvariantCulture),
            CreatedAt = DateTimeOffset.UnixEpoch,
        };
        db.ApiKeys.Add(row);
        if (audited)
            await _audit.AppendWithinAsync(db, new AuditEvent("key:bench", "security.api-key.added", $"key:{row.Name}", new { role = row.Role }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
