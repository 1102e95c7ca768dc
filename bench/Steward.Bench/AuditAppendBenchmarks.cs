using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Steward.Audit;
using Steward.Hosting;
using Steward.Storage;

namespace Steward.Bench;

/// <summary>
/// Appending to the hash-chained audit log against a plain INSERT of a row of the same shape into
/// the same database, one at a time and with concurrent writers (where group commit pays off).
/// </summary>
[MemoryDiagnoser(false)]
public class AuditAppendBenchmarks
{
    private ServiceProvider _services = null!;
    private AuditLog _audit = null!;
    private IDbContextFactory<StewardDbContext> _contexts = null!;
    private long _plainId;

    [Params(1, 16)]
    public int Writers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ConcurrentWriters.Prepare(Writers);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(BenchDatabase.FreshSettings()).Build();
        var collection = new ServiceCollection().AddLogging(l => l.ClearProviders()).AddSingleton<IConfiguration>(configuration);
        collection.AddStewardCore();
        _services = collection.BuildServiceProvider();
        _services.GetRequiredService<DatabaseMigrator>().EnsureReadyAsync(CancellationToken.None).GetAwaiter().GetResult();
        _audit = _services.GetRequiredService<AuditLog>();
        _contexts = _services.GetRequiredService<IDbContextFactory<StewardDbContext>>();
        using var db = _contexts.CreateDbContext();
        db.Database.ExecuteSqlRaw("CREATE TABLE IF NOT EXISTS plain_log (id BIGINT PRIMARY KEY, ts TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, details TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)");
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "plain INSERT (own connection, one row)")]
    public Task PlainInsert() => ConcurrentWriters.RunAsync(Writers, async ct =>
    {
        await using var db = await _contexts.CreateDbContextAsync(ct);
        var id = Interlocked.Increment(ref _plainId);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO plain_log (id, ts, actor, action, target, details, prev, hash) VALUES ({id}, {"2026-01-01T00:00:00Z"}, {"key:bench"}, {"bench.event"}, {"thing:1"}, {"{\"n\":1}"}, {new string('0', 64)}, {new string('f', 64)})", ct);
    });

    [Benchmark(Description = "audit append (unchained insert with MAC; chained later)")]
    public Task AuditAppend() => ConcurrentWriters.RunAsync(Writers, async ct =>
        await _audit.AppendAsync(new AuditEvent("key:bench", "bench.event", "thing:1", new { n = 1 }), ct));
}
