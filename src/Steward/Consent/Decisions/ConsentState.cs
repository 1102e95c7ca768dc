using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.People;
using Steward.Storage;

namespace Steward.Consent.Decisions;

/// <summary>The choice that stands for one key: 12 bytes, so a million people with five keys each fit in well under 200 MB.</summary>
internal readonly struct StandingChoice(ushort keyId, ConsentChoice choice, ConsentMethod method, int version, DateTimeOffset occurredAt)
{
    private readonly byte _choice = (byte)choice;
    private readonly byte _method = (byte)method;

    public ushort KeyId { get; } = keyId;
    public int Version { get; } = version;
    /// <summary>When the choice was made, in <see cref="Seconds"/> since 2000.</summary>
    public uint At { get; } = Seconds.Of(occurredAt);
    public ConsentChoice Choice => (ConsentChoice)_choice;
    public ConsentMethod Method => (ConsentMethod)_method;
    public DateTimeOffset OccurredAt => Seconds.ToTime(At);
}

/// <summary>Moments to the second since 2000-01-01 UTC in 32 bits (until 2136): compact to keep and cheap to compare.</summary>
internal static class Seconds
{
    private static readonly long Epoch = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    public static uint Of(DateTimeOffset time) => (uint)Math.Clamp(time.ToUnixTimeSeconds() - Epoch, 0, uint.MaxValue);

    public static DateTimeOffset ToTime(uint seconds) => DateTimeOffset.FromUnixTimeSeconds(Epoch + seconds);
}

/// <summary>
/// A person's standing choices, their jurisdiction as recorded, and their birth date when they stated one. The default
/// value is "nobody known": no choices, no jurisdiction.
/// </summary>
internal readonly struct SubjectState(StandingChoice[] choices, string? jurisdiction, DateOnly? birthDate)
{
    private readonly StandingChoice[]? _choices = choices;
    // DateOnly.DayNumber + 1, 0 when not stated: a nullable date would make the struct larger and its checks slower.
    private readonly int _birthDay = birthDate is { } b ? b.DayNumber + 1 : 0;

    public ReadOnlySpan<StandingChoice> Choices => _choices;
    public string? Jurisdiction { get; } = jurisdiction;
    public DateOnly? BirthDate => _birthDay == 0 ? null : DateOnly.FromDayNumber(_birthDay - 1);

    /// <summary>The standing choice for <paramref name="keyId"/>: a scan of a handful of entries, no allocation.</summary>
    public bool TryFind(ushort keyId, out StandingChoice choice)
    {
        foreach (ref readonly var c in Choices)
            if (c.KeyId == keyId)
            {
                choice = c;
                return true;
            }
        choice = default;
        return false;
    }

    /// <summary>Whether the person is younger than <paramref name="age"/> years at <paramref name="now"/> (false when no birth date was stated).</summary>
    public bool YoungerThan(int age, DateTimeOffset now)
    {
        if (_birthDay == 0) return false;
        return BirthDates.YoungerThan(DateOnly.FromDayNumber(_birthDay - 1), age, DateOnly.FromDateTime(now.UtcDateTime));
    }
}

internal sealed class ConsentDecisionOptions
{
    public const string Section = "Consent";
    /// <summary>How many people's consent state a node keeps in memory; beyond it the cache starts again (rare; a miss is one indexed read).</summary>
    public int DecisionCacheSize { get; set; } = 1_000_000;
}

/// <summary>
/// People's consent state in memory, loaded on first use (one indexed read) and dropped when it changes: through the
/// database's change notifications on PostgreSQL (every node hears a commit), and on SQLite, where another process
/// (the CLI) cannot tell us, by the resync that <see cref="SqliteChangePoller"/> sends within a second.
/// </summary>
internal sealed class ConsentStateCache : IDisposable
{
    /// <summary>Carries the ids of the people whose consent changed (N format, comma-separated), or <c>*</c> for everyone.</summary>
    public const string ChangedChannel = "consent.changed";

    private readonly PerSubjectCache<SubjectState> _states;
    private readonly ConcurrentDictionary<string, string> _jurisdictions = new(StringComparer.Ordinal);
    private readonly IDbContextFactory<StewardDbContext> _contexts;
    private readonly ConsentKeyIds _ids;
    private readonly BirthDates _birthDates;

    public ConsentStateCache(IDbContextFactory<StewardDbContext> contexts, ChangeNotifications notifications, ConsentKeyIds ids, BirthDates birthDates,
        IOptions<ConsentDecisionOptions> options)
    {
        (_contexts, _ids, _birthDates) = (contexts, ids, birthDates);
        // A person merged away or erased is gone too: their state goes with them.
        _states = new PerSubjectCache<SubjectState>(notifications, options.Value.DecisionCacheSize, ChangedChannel, People.SubjectLookupCache.GoneChannel);
    }

    public int Count => _states.Count;

    /// <summary>The cached state, without touching the database (for code that must not wait).</summary>
    public bool TryGet(Guid subjectId, out SubjectState state) => _states.TryGet(subjectId, out state);

    /// <summary>The state, loaded when not cached; null when there is no such person, or they were erased or merged into another.</summary>
    public async ValueTask<SubjectState?> GetAsync(Guid subjectId, CancellationToken ct)
    {
        if (_states.TryGet(subjectId, out var cached)) return cached;
        var generation = _states.Generation;
        await using var db = await _contexts.CreateDbContextAsync(ct);
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, ct);
        // An erased person's events stay as proof, naming no one; they are no one's consent any more (a merged person's moved on).
        if (subject is null || subject.ErasedAt is not null || subject.MergedIntoId is not null) return null;
        // Only a person who stated a birth date costs a key unwrap.
        var birthDate = await _birthDates.OpenAsync(subject, ct);
        var events = await db.Set<ConsentEvent>().AsNoTracking().Where(e => e.SubjectId == subjectId)
            .Select(e => new { e.Id, e.Key, e.Choice, e.Method, e.PolicyVersion, e.OccurredAt, e.RecordedAt }).ToListAsync(ct);
        // The same order as the history's state: the latest choice made, then the latest recorded.
        var choices = events.GroupBy(e => e.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(e => e.OccurredAt).ThenBy(e => e.RecordedAt).ThenBy(e => e.Id).Last())
            .Select(e => new StandingChoice(_ids.Of(e.Key), e.Choice, e.Method, e.PolicyVersion, e.OccurredAt)).ToArray();
        var jurisdiction = subject.Jurisdiction is { } j ? _jurisdictions.GetOrAdd(j, j) : null;
        var state = new SubjectState(choices, jurisdiction, birthDate);
        _states.Put(subjectId, state, generation);
        return state;
    }

    /// <summary>The current change generation, to pass to <see cref="Put"/> for a state read after it.</summary>
    public long Generation => _states.Generation;

    /// <summary>Keeps a state read after <paramref name="readAfter"/>, unless a change was heard since (it serves the answer at hand only).</summary>
    public void Put(Guid subjectId, SubjectState state, long readAfter) => _states.Put(subjectId, state, readAfter);

    /// <summary>Drops these people's state (their consent changed here).</summary>
    public void Forget(IEnumerable<Guid> subjects) => _states.Forget(subjects);

    /// <summary>Tells every node that these people's consent changed; delivered when <paramref name="db"/>'s transaction commits.</summary>
    public static Task PublishWithinAsync(ChangeNotifications notifications, StewardDbContext db, IReadOnlyCollection<Guid> subjects, CancellationToken ct) =>
        notifications.PublishWithinAsync(db, ChangedChannel, SubjectIdsPayload.Of(subjects), ct);

    public void Dispose() => _states.Dispose();
}
