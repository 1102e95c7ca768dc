using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Steward.People;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.Bench;

/// <summary>
/// <c>-- rewrap</c>: re-wrapping every subject's data key after <c>steward keys rotate people.subject-keys</c>, against reading and
/// writing the same column of the same rows once with the same statements (same batches, no cryptography), and against one
/// plain <c>UPDATE</c> touching every row. 1,000,000 subjects unless STEWARD_BENCH_REWRAP_SUBJECTS says otherwise.
/// </summary>
internal static class RewrapBenchmark
{
    public const string Verb = "rewrap";
    private const int Batch = 1000;

    public static async Task<int> RunAsync()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("STEWARD_BENCH_REWRAP_SUBJECTS"), out var n) ? n : 1_000_000;
        using var services = ConsentBench.StartServices();
        var contexts = services.GetRequiredService<IDbContextFactory<StewardDbContext>>();
        var ring = services.GetRequiredService<KeyRing>();
        var ct = CancellationToken.None;
        var wrapping = await ring.CurrentAsync(SubjectKeys.WrappingPurpose, ct);

        var seeding = Stopwatch.StartNew();
        var created = TimeProvider.System.GetUtcNow();
        for (var done = 0; done < count; done += 10_000)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = done; i < Math.Min(count, done + 10_000); i++)
            {
                var subject = new DataSubject { Id = Guid.CreateVersion7(created), CreatedAt = created };
                SubjectKeys.Create(subject, wrapping);
                db.Add(subject);
            }
            await db.SaveChangesAsync(ct);
        }
        Console.WriteLine($"seeded {count:N0} subjects in {seeding.Elapsed.TotalSeconds:N1} s");

        var rotation = services.GetRequiredService<KeyRotation>();
        await rotation.RotateAsync(SubjectKeys.WrappingPurpose, "bench", ct);
        var rewrap = Stopwatch.StartNew();
        var (_, moved) = await rotation.CompleteAsync("bench", progress: null, ct);
        rewrap.Stop();
        if (moved != count) throw new InvalidOperationException($"moved {moved}, expected {count}");

        // The same reads and writes without cryptography: the rows read in the same keyset batches and written back with the
        // same statements Steward uses (one UPDATE ... FROM unnest per batch on PostgreSQL, one prepared UPDATE per row on
        // SQLite), one transaction per batch. What is left between the two is the unwrapping and wrapping.
        var copy = Stopwatch.StartNew();
        var last = Guid.Empty;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var after = last;
            var rows = await db.Set<DataSubject>().AsNoTracking().Where(s => s.Id > after && s.WrappedDataKey != null).OrderBy(s => s.Id).Take(Batch).ToListAsync(ct);
            if (rows.Count == 0) break;
            var changed = rows.Select(r => { var k = (byte[])r.WrappedDataKey!.Clone(); k[0] ^= 1; return k; }).ToArray();
            if (db.Database.IsNpgsql())
            {
                var ids = rows.Select(r => r.Id).ToArray();
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE data_subjects d SET "WrappedDataKey" = v.k FROM unnest({ids}, {changed}) AS v(id, k) WHERE d."Id" = v.id
                    """, ct);
            }
            else
            {
                await using var write = db.Database.GetDbConnection().CreateCommand();
                write.Transaction = tx.GetDbTransaction();
                write.CommandText = """UPDATE data_subjects SET "WrappedDataKey" = $key WHERE "Id" = $id""";
                var (id, key) = (write.CreateParameter(), write.CreateParameter());
                (id.ParameterName, key.ParameterName) = ("$id", "$key");
                write.Parameters.AddRange(new[] { id, key });
                for (var i = 0; i < rows.Count; i++)
                {
                    (id.Value, key.Value) = (rows[i].Id.ToString().ToUpperInvariant(), changed[i]);
                    await write.ExecuteNonQueryAsync(ct);
                }
            }
            await tx.CommitAsync(ct);
            last = rows[^1].Id;
        }
        copy.Stop();

        var update = Stopwatch.StartNew();
        await using (var db = await contexts.CreateDbContextAsync(ct))
            await db.Set<DataSubject>().ExecuteUpdateAsync(s => s.SetProperty(x => x.WrappingKeyVersion, x => x.WrappingKeyVersion + 1), ct);
        update.Stop();

        var provider = services.GetRequiredService<StorageConnection>().Provider;
        Console.WriteLine($"| {provider} | {count:N0} | rewrap {rewrap.Elapsed.TotalSeconds:N1} s "
            + $"| read+write same batches {copy.Elapsed.TotalSeconds:N1} s: ratio {rewrap.Elapsed / copy.Elapsed:N2} "
            + $"| one UPDATE {update.Elapsed.TotalSeconds:N1} s: ratio {rewrap.Elapsed / update.Elapsed:N2} |");
        return 0;
    }
}
