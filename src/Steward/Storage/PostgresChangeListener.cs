using Npgsql;
using Steward.Hosting;

namespace Steward.Storage;

/// <summary>
/// One long-lived connection per node that LISTENs for change notifications (PostgreSQL only; runs inside
/// <c>steward serve</c>). When the connection drops it reconnects with back-off and tells every subscriber to
/// resync, since notifications sent meanwhile are lost.
/// </summary>
internal sealed partial class PostgresChangeListener(StorageConnection storage, ChangeNotifications notifications, ILogger<PostgresChangeListener> logger)
    : BackgroundService
{
    internal const string ApplicationName = "steward-changes";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN is in place (tests wait for it).</summary>
    public Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (storage.Provider != StorageProviders.Postgres) return;
        var connectionString = new NpgsqlConnectionStringBuilder(storage.ConnectionString)
        {
            ApplicationName = ApplicationName,
            Pooling = false,
            KeepAlive = 30, // finds a dead server or a cut network, not only a closed socket
        }.ToString();
        var backoff = TimeSpan.FromMilliseconds(250);
        var reconnecting = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => notifications.DeliverRaw(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {ChangeNotifications.PostgresChannel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                // Whatever was published before this LISTEN (or while disconnected) was not heard.
                notifications.Resync();
                if (reconnecting) LogReconnected(logger);
                _listening.TrySetResult();
                backoff = TimeSpan.FromMilliseconds(250);
                reconnecting = false;
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping, possibly before the host started (its port was taken): whatever broke off is not a failure.
                return;
            }
            catch (ObjectDisposedException)
            {
                // The host is going away (e.g. it failed to start): nothing to report, nothing left to do.
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or System.Net.Sockets.SocketException or TimeoutException)
            {
                LogDisconnected(logger, e.GetType().Name, backoff.TotalSeconds);
                reconnecting = true;
                // Real time on purpose: reconnecting is about the network, not the business clock tests control.
                try { await Task.Delay(backoff, stoppingToken); }
                catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Change notifications disconnected ({Error}); reconnecting in {Seconds} s")]
    private static partial void LogDisconnected(ILogger logger, string error, double seconds);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Change notifications reconnected; caches dropped")]
    private static partial void LogReconnected(ILogger logger);
}
