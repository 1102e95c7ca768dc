using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Steward.Policy;
using Steward.Security.Keys;
using Steward.Storage;
using Steward.Tests.Infrastructure;
using Steward.Tests.Jobs;

namespace Steward.Tests.Storage;

public sealed class ChangeNotificationTests
{
    private static string Example => Repository.PathOf("examples", "example-global", "policy");

    [Fact]
    public async Task A_notification_sent_in_a_transaction_arrives_after_commit_and_never_after_rollback()
    {
        await using var app = await StewardTestApp.StartAsync();
        if (TestDatabase.IsPostgres) await app.Services<PostgresChangeListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var notifications = app.Services<ChangeNotifications>();
        var heard = new ConcurrentQueue<string>();
        using var _ = notifications.Subscribe("test.channel", n => { if (!n.Resync) heard.Enqueue(n.Payload); });

        await using (var db = await app.DbAsync())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await notifications.PublishWithinAsync(db, "test.channel", "rolled-back", CancellationToken.None);
            await tx.RollbackAsync();
        }
        await using (var db = await app.DbAsync())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await notifications.PublishWithinAsync(db, "test.channel", "committed", CancellationToken.None);
            Assert.Empty(heard);
            await tx.CommitAsync();
        }
        await JobTests.EventuallyAsync(() => Task.FromResult(heard.ToArray()), h => h.Length > 0, "the committed notification");
        Assert.Equal(["committed"], heard);
    }

    [Fact]
    public async Task The_listener_reconnects_after_its_connection_is_killed_and_tells_subscribers_to_resync()
    {
        Assert.SkipUnless(TestDatabase.IsPostgres, "LISTEN/NOTIFY is PostgreSQL's");
        await using var app = await StewardTestApp.StartAsync();
        await app.Services<PostgresChangeListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var notifications = app.Services<ChangeNotifications>();
        var heard = new ConcurrentQueue<ChangeNotification>();
        using var _ = notifications.Subscribe("test.channel", heard.Enqueue);

        await using (var admin = new NpgsqlConnection(app.Database.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @n AND datname = current_database()", admin);
            kill.Parameters.AddWithValue("n", PostgresChangeListener.ApplicationName);
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }
        await JobTests.EventuallyAsync(() => Task.FromResult(heard.ToArray()), h => h.Any(n => n.Resync), "a resync after reconnecting");
        await notifications.PublishAsync(app.Services<IDbContextFactory<StewardDbContext>>(), "test.channel", "after", CancellationToken.None);
        await JobTests.EventuallyAsync(() => Task.FromResult(heard.ToArray()), h => h.Any(n => n.Payload == "after"), "a notification after reconnecting");
        Assert.Contains(app.Logs.Lines, l => l.Contains("Change notifications reconnected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_version_published_through_one_node_is_served_by_another_and_a_future_version_from_its_effective_date()
    {
        await using var a = await StewardTestApp.StartAsync();
        await a.PublishAsync(Example, summary: "first");
        await using var b = await StewardTestApp.StartAsync(a.Database);
        if (TestDatabase.IsPostgres) await b.Services<PostgresChangeListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var client = b.Client();
        Assert.Equal(1, (await CurrentVersionAsync(client)));

        await a.PublishAsync(Repository.PathOf("tests", "Steward.Tests", "Policy", "Fixtures", "minimal.yaml"), summary: "second");
        await JobTests.EventuallyAsync(() => CurrentVersionAsync(client), v => v == 2, "node B serving version 2");

        // A version that takes effect tomorrow: B keeps serving 2 today (cached), and 3 from midnight on.
        var tomorrow = DateOnly.FromDateTime(b.Time.GetUtcNow().UtcDateTime).AddDays(1);
        await a.PublishAsync(Example, summary: "third", effective: tomorrow);
        Assert.Equal(2, await CurrentVersionAsync(client));
        b.Time.SetUtcNow(new DateTimeOffset(tomorrow.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        Assert.Equal(3, await CurrentVersionAsync(client));
    }

    [Fact]
    public async Task After_a_rotation_on_one_node_the_other_writes_with_the_new_version()
    {
        await using var a = await StewardTestApp.StartAsync();
        await using var b = await StewardTestApp.StartAsync(a.Database);
        if (TestDatabase.IsPostgres) await b.Services<PostgresChangeListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var onB = b.Services<KeyRing>();
        Assert.Equal(1, (await onB.CurrentAsync("test.rotating", CancellationToken.None)).Version);

        Assert.Equal(2, await a.Services<KeyRotation>().RotateAsync("test.rotating", "test", CancellationToken.None));
        await JobTests.EventuallyAsync(async () => (await onB.CurrentAsync("test.rotating", CancellationToken.None)).Version, v => v == 2, "node B using version 2");
    }

    private static async Task<int> CurrentVersionAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/policy");
        response.EnsureSuccessStatusCode();
        return (await StewardTestApp.ReadJsonAsync<PolicyEndpoints.PolicyResponse>(response)).Version.Version;
    }
}
