using System.Threading.Channels;

namespace Steward.Storage;

/// <summary>
/// Group commit: callers submit work and wait; one writer takes everything waiting (up to <see cref="MaxBatch"/>) and
/// writes it in one transaction, so many concurrent small writes cost one commit. An acknowledgement still means
/// committed. When a batch fails, each of its items is written again alone, so one caller's bad item fails only them.
/// </summary>
internal sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    public const int MaxBatch = 64;
    private readonly Channel<(TItem Item, TaskCompletionSource<TResult> Done)> _queue =
        Channel.CreateUnbounded<(TItem, TaskCompletionSource<TResult>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<TResult[]>> _write;
    private readonly Task _writer;

    public GroupCommit(Func<IReadOnlyList<TItem>, CancellationToken, Task<TResult[]>> write)
    {
        _write = write;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Writes <paramref name="item"/> with whatever else is waiting. A caller that stops waiting may still find it written.</summary>
    public async Task<TResult> SubmitAsync(TItem item, CancellationToken ct)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite((item, done)), this);
        return await done.Task.WaitAsync(ct);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next)) batch.Add(next);
            try
            {
                var results = await _write(batch.Select(b => b.Item).ToList(), CancellationToken.None);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            }
            catch (Exception) when (batch.Count > 1)
            {
                foreach (var (item, done) in batch) await WriteAloneAsync(item, done);
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
        }
    }

    private async Task WriteAloneAsync(TItem item, TaskCompletionSource<TResult> done)
    {
        try
        {
            done.TrySetResult((await _write([item], CancellationToken.None))[0]);
        }
        catch (Exception e)
        {
            done.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }
}
