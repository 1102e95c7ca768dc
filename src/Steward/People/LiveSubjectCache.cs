using System.Collections.Concurrent;
using Steward.Storage;

namespace Steward.People;

/// <summary>
/// Subject rows read recently (their wrapped data key, not the key in clear), so that recording for the same people
/// again needs no read. A subject stops being live only when it is merged into another or erased, which publishes on
/// <see cref="SubjectLookupCache.GoneChannel"/>: every node drops it (a resync drops all).
/// </summary>
internal sealed class LiveSubjectCache : IDisposable
{
    private const int Capacity = 1_000_000;
    private readonly ConcurrentDictionary<Guid, DataSubject> _subjects = new();
    private readonly IDisposable _subscription;
    private long _generation;

    public LiveSubjectCache(ChangeNotifications notifications) => _subscription = notifications.Subscribe(SubjectLookupCache.GoneChannel, Heard);

    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(Guid id, out DataSubject subject) => _subjects.TryGetValue(id, out subject!);

    /// <summary>Keeps a live subject read after <paramref name="readAfter"/> unless a subject left since (it may be this one).</summary>
    public void Put(DataSubject subject, long readAfter)
    {
        if (subject.WrappedDataKey is null || subject.MergedIntoId is not null || Generation != readAfter) return;
        if (_subjects.Count >= Capacity) Clear();
        _subjects[subject.Id] = subject;
        if (Generation != readAfter) _subjects.TryRemove(subject.Id, out _);
    }

    public void Forget(IEnumerable<Guid> subjects)
    {
        Interlocked.Increment(ref _generation);
        foreach (var id in subjects) _subjects.TryRemove(id, out _);
    }

    private void Clear()
    {
        Interlocked.Increment(ref _generation);
        _subjects.Clear();
    }

    private void Heard(ChangeNotification n)
    {
        if (SubjectIdsPayload.Read(n) is { } ids) Forget(ids);
        else Clear();
    }

    public void Dispose() => _subscription.Dispose();
}
