using System.Collections.Concurrent;
using Steward.Storage;

namespace Steward.People;

/// <summary>
/// Which subject an identity belongs to, remembered after the first lookup so that frequent questions about the same
/// people (decisions) do not read the database each time. Keyed by the blind index, so no identity value is held. An
/// identity only ever leaves a subject when the subject is merged into another or erased: those publish on
/// <see cref="GoneChannel"/>, and every node forgets the subject's entries (on SQLite, changes by another process arrive
/// as a resync that forgets everything). Unknown identities are not remembered: they may be created at any moment.
/// </summary>
internal sealed class SubjectLookupCache : IDisposable
{
    /// <summary>Ids (N format, comma-separated) of subjects whose identities left them, or <c>*</c>.</summary>
    public const string GoneChannel = "people.gone";
    private const int Capacity = 1_000_000;

    private readonly ConcurrentDictionary<string, Remembered> _subjects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, string[]> _keysOf = new();
    private readonly IDisposable _subscription;
    private long _generation;

    public SubjectLookupCache(ChangeNotifications notifications) => _subscription = notifications.Subscribe(GoneChannel, Heard);

    public static string KeyOf(IdentityType type, BlindIndexValue index) => $"{(int)type}:{index.Version}:{Convert.ToBase64String(index.Value)}";

    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>A subject and when its identity's last-seen time is next due to be refreshed (see <see cref="PeopleDirectory"/>).</summary>
    private readonly record struct Remembered(Guid SubjectId, DateTimeOffset TouchDue);

    /// <summary>The subject <paramref name="key"/> leads to; with <paramref name="seenAt"/>, only while its last-seen time needs no refresh.</summary>
    public bool TryGet(string key, out Guid subjectId, DateTimeOffset? seenAt = null)
    {
        if (_subjects.TryGetValue(key, out var remembered) && (seenAt is not { } at || at < remembered.TouchDue))
        {
            subjectId = remembered.SubjectId;
            return true;
        }
        subjectId = default;
        return false;
    }

    /// <summary>Remembers a lookup read after <paramref name="readAfter"/> (see <see cref="Generation"/>), unless a subject left since.</summary>
    public void Put(string key, Guid subjectId, DateTimeOffset touchDue, long readAfter)
    {
        if (Generation != readAfter) return;
        if (_subjects.Count >= Capacity) Clear();
        _subjects[key] = new Remembered(subjectId, touchDue);
        _keysOf.AddOrUpdate(subjectId, [key], (_, keys) => keys.Contains(key, StringComparer.Ordinal) ? keys : [.. keys, key]);
        if (Generation != readAfter) Forget([subjectId]);
    }

    /// <summary>Forgets the lookups that led to these subjects (merged away or erased here; the notification tells the other nodes).</summary>
    public void Forget(IEnumerable<Guid> subjects)
    {
        Interlocked.Increment(ref _generation);
        foreach (var subject in subjects)
            if (_keysOf.TryRemove(subject, out var keys))
                foreach (var key in keys)
                    if (_subjects.TryGetValue(key, out var remembered) && remembered.SubjectId == subject)
                        _subjects.TryRemove(new KeyValuePair<string, Remembered>(key, remembered));
    }

    /// <summary>Tells every node, when <paramref name="db"/>'s transaction commits, that these subjects' identities left them.</summary>
    public static Task PublishWithinAsync(ChangeNotifications notifications, StewardDbContext db, IReadOnlyCollection<Guid> subjects, CancellationToken ct) =>
        notifications.PublishWithinAsync(db, GoneChannel,
            SubjectIdsPayload.Of(subjects), ct);

    private void Clear()
    {
        Interlocked.Increment(ref _generation);
        _subjects.Clear();
        _keysOf.Clear();
    }

    private void Heard(ChangeNotification n)
    {
        if (SubjectIdsPayload.Read(n) is { } ids) Forget(ids);
        else Clear();
    }

    public void Dispose() => _subscription.Dispose();
}
