using Steward.Storage;

namespace Steward.People;

/// <summary>
/// Subject rows read recently (their wrapped data key, not the key in clear), so that recording for the same people
/// again needs no read. A subject stops being live only when it is merged into another or erased, which publishes on
/// <see cref="SubjectLookupCache.GoneChannel"/>: every node drops it (a resync drops all).
/// </summary>
internal sealed class LiveSubjectCache(ChangeNotifications notifications) : IDisposable
{
    private readonly PerSubjectCache<DataSubject> _subjects = new(notifications, capacity: 1_000_000, SubjectLookupCache.GoneChannel);

    public long Generation => _subjects.Generation;

    public bool TryGet(Guid id, out DataSubject subject) => _subjects.TryGet(id, out subject);

    /// <summary>Keeps a live subject read after <paramref name="readAfter"/> unless a subject left since (it may be this one).</summary>
    public void Put(DataSubject subject, long readAfter)
    {
        if (subject.WrappedDataKey is not null && subject.MergedIntoId is null) _subjects.Put(subject.Id, subject, readAfter);
    }

    public void Forget(IEnumerable<Guid> subjects) => _subjects.Forget(subjects);

    public void Dispose() => _subjects.Dispose();
}
