using System.Data.Common;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Steward.Consent;
using Steward.People;
using Steward.Storage;

namespace Steward.Bench;

/// <summary>
/// Recording one person's three choices with their proof (find the person, seal the proof, the events, the audit entry,
/// the change notification, one transaction: acknowledged means committed) against the baseline of one raw batched
/// INSERT of the same three event rows in a transaction, with 1 and 32 concurrent clients. SQLite, or PostgreSQL when
/// STEWARD_BENCH_POSTGRES is set. Target: recording ≥ 50% of the baseline's rate.
/// To see where a single client's time goes: BENCH_NO_CHAINER=1 turns the background audit chainer off,
/// BENCH_NO_CHECKPOINTS=1 keeps it but signs no checkpoint during the run (each checkpoint verifies the entries since the one before).
/// </summary>
[MemoryDiagnoser(false)]
public class ConsentRecordingBenchmarks
{
    private const int People = 1000;
    private static readonly string[] Keys = ["cookie:analytics", "cookie:advertising", "channel:email"];
    private ServiceProvider _services = null!;
    private ConsentLedger _ledger = null!;
    private IDbContextFactory<StewardDbContext> _contexts = null!;
    private Identity[] _people = null!;
    private Guid[] _subjects = null!;
    private bool _sqlite;
    private int _next;

    [Params(1, 32)]
    public int Clients { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ConcurrentWriters.Prepare(Clients);
        _services = ConsentBench.StartServices(Environment.GetEnvironmentVariable("BENCH_NO_CHAINER") == "1" ? new() { ["Audit:Background"] = "false" } : Environment.GetEnvironmentVariable("BENCH_NO_CHECKPOINTS") == "1" ? new() { ["Audit:CheckpointEveryEntries"] = "10000000" } : null);
        _ledger = _services.GetRequiredService<ConsentLedger>();
        _contexts = _services.GetRequiredService<IDbContextFactory<StewardDbContext>>();
        var directory = _services.GetRequiredService<PeopleDirectory>();
        _people = Enumerable.Range(0, People).Select(i => new Identity(IdentityType.Email, $"person{i}@example.com")).ToArray();
        _subjects = _people.Select(p => directory.FindOrCreateAsync(p, "eu-gdpr", "bench", CancellationToken.None).GetAwaiter().GetResult().SubjectId).ToArray();
        using var db = _contexts.CreateDbContext();
        _sqlite = db.Database.IsSqlite();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        using (var db = _contexts.CreateDbContext())
            if (db.Database.IsNpgsql()) db.Database.EnsureDeleted();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 32, Description = "raw batched INSERT of the 3 event rows")]
    public Task RawInsert() => Run(InsertAsync);

    [Benchmark(OperationsPerInvoke = 32, Description = "record 3 choices with proof (ConsentLedger)")]
    public Task Record() => Run(RecordAsync);

    // 32 operations per invocation whatever the number of clients, so that both rows measure the same work.
    private Task Run(Func<int, CancellationToken, Task> one) => ConcurrentWriters.RunAsync(Clients, async ct =>
    {
        for (var i = 0; i < 32 / Clients; i++) await one((int)((uint)Interlocked.Increment(ref _next) % People), ct);
    });

    private async Task RecordAsync(int person, CancellationToken ct) =>
        await _ledger.RecordAsync([new ConsentRecord(_people[person], "eu-gdpr", 1, new string('a', 64), "en", ConsentMethod.Banner,
            TimeProvider.System.GetUtcNow(), new BrowserProof("203.0.113.0", "Mozilla/5.0 (X11; Linux x86_64) Bench/1.0"),
            Keys.Select(k => new KeyChoice(k, ConsentChoice.Granted)).ToList())], "bench", null, ct);

    private async Task InsertAsync(int person, CancellationToken ct)
    {
        await using var db = await _contexts.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = tx.GetDbTransaction();
        var now = TimeProvider.System.GetUtcNow();
        var rows = new List<string>();
        for (var k = 0; k < Keys.Length; k++)
        {
            var p = $"@p{k}_";
            rows.Add($"({p}id, {p}subject, {p}key, 'granted', 'banner', 1, {p}hash, 'en', 'eu-gdpr', {p}at, {p}at, {p}proof)");
            Add(command, p + "id", Id(Guid.CreateVersion7()));
            Add(command, p + "subject", Id(_subjects[person]));
            Add(command, p + "key", Keys[k]);
            Add(command, p + "hash", new string('a', 64));
            Add(command, p + "at", _sqlite ? now.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture) : now);
            // A sealed proof is about this long (nonce, tag, truncated address and user agent).
            Add(command, p + "proof", new byte[96]);
        }
        command.CommandText = "INSERT INTO consent_events (\"Id\", \"SubjectId\", \"Key\", \"Choice\", \"Method\", \"PolicyVersion\", \"TextHash\", "
            + "\"Language\", \"Jurisdiction\", \"OccurredAt\", \"RecordedAt\", \"Proof\") VALUES " + string.Join(", ", rows);
        await command.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    // EF Core stores a Guid as upper-case text on SQLite.
    private object Id(Guid id) => _sqlite ? id.ToString().ToUpperInvariant() : id;

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
