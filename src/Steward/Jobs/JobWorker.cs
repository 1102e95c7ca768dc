using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Steward.Storage;

namespace Steward.Jobs;

/// <summary>
/// The worker of <c>steward serve</c>: enqueues due recurring jobs, then runs due jobs one at a time, then sleeps
/// until the poll interval passes on the <see cref="TimeProvider"/> or a job is enqueued (a change notification,
/// from any node on PostgreSQL). On shutdown the running job is cancelled and its lease given back.
/// </summary>
internal sealed partial class JobWorker(JobRunner runner, RecurringJobs recurring, ChangeNotifications notifications, IOptions<JobOptions> options,
    TimeProvider time, ILogger<JobWorker> logger) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Makes an idle worker look for jobs now.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            LogDisabled(logger);
            return;
        }
        using var subscription = notifications.Subscribe(BackgroundJobs.EnqueuedChannel, _ => Wake());
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await recurring.EnqueueDueAsync(stoppingToken);
                while (await runner.RunNextAsync(stoppingToken) && !stoppingToken.IsCancellationRequested) { }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                // The host is going away (e.g. it failed to start): nothing to report, nothing left to do.
                return;
            }
            catch (Exception e)
            {
                // The database may be unreachable for a while; keep polling.
                LogPollFailed(logger, e.GetType().Name);
            }
            await SleepAsync(stoppingToken);
        }
    }

    private async Task SleepAsync(CancellationToken stoppingToken)
    {
        using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var poll = Task.Delay(options.Value.PollInterval, time, sleep.Token);
        var woken = _wake.Reader.WaitToReadAsync(sleep.Token).AsTask();
        await Task.WhenAny(poll, woken);
        await sleep.CancelAsync();
        while (_wake.Reader.TryRead(out _)) { }
        try { await Task.WhenAll(poll, woken); }
        catch (OperationCanceledException) { /* the one that did not finish was cancelled */ }
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Jobs:Enabled is false: this node runs no background jobs")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Looking for due jobs failed ({Error}); trying again at the next poll")]
    private static partial void LogPollFailed(ILogger logger, string error);
}
