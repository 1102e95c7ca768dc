using System.Collections.Concurrent;

namespace Steward.Storage;

/// <summary>
/// Something kept in memory per person, dropped when a change notification on one of its channels names them (a payload of
/// <see cref="SubjectIdsPayload"/>; "everyone" or a resync drops all). A value read from the database is kept only if
/// nothing was dropped while it was read, since what was read may miss that change (see <see cref="Put"/>).
/// </summary>
internal sealed class PerSubjectCache<T> : IDisposable
{
    private readonly ConcurrentDictionary<Guid, T> _values = new();
    private readonly int _capacity;
    private readonly IDisposable[] _subscriptions;
    private long _generation;

    public PerSubjectCache(ChangeNotifications notifications, int capacity, params string[] channels)
    {
        _capacity = capacity;
        _subscriptions = [.. channels.Select(channel => notifications.Subscribe(channel, n =>
        {
            if (SubjectIdsPayload.Read(n) is { } ids) Forget(ids);
            else Clear();
        }))];
    }

    public int Count => _values.Count;

    /// <summary>The current generation, to pass to <see cref="Put"/> for a value read after it.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(Guid subjectId, out T value) => _values.TryGetValue(subjectId, out value!);

    /// <summary>Keeps a value read after <paramref name="readAfter"/> (see <see cref="Generation"/>) unless something was dropped since.</summary>
    public void Put(Guid subjectId, T value, long readAfter)
    {
        if (Generation != readAfter) return;
        // Beyond capacity, start again: rare, and a miss is one indexed read.
        if (_values.Count >= _capacity) Clear();
        _values[subjectId] = value;
        if (Generation != readAfter) _values.TryRemove(subjectId, out _);
    }

    public void Forget(IEnumerable<Guid> subjects)
    {
        Interlocked.Increment(ref _generation);
        foreach (var id in subjects) _values.TryRemove(id, out _);
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _values.Clear();
    }

    public void Dispose()
    {
        foreach (var s in _subscriptions) s.Dispose();
    }
}
