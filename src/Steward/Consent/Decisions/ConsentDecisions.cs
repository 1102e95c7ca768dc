using Steward.Policy;

namespace Steward.Consent.Decisions;

/// <summary>Why a decision came out as it did.</summary>
internal enum DecisionReason
{
    /// <summary>The purpose rests on another legal basis in that jurisdiction (the decision names it).</summary>
    OtherBasis,
    /// <summary>A strictly necessary cookie category.</summary>
    NotRequired,
    /// <summary>The purpose is not pursued in that jurisdiction.</summary>
    NotApplicable,
    Granted,
    Denied,
    Withdrawn,
    /// <summary>The consent is older than its validity.</summary>
    Expired,
    /// <summary>A later version added data categories or uses: the consent was given for less.</summary>
    PurposeChanged,
    /// <summary>No choice recorded, and the law needs agreement first.</summary>
    NoRecordOptIn,
    /// <summary>No choice recorded, and the law allows it after notice until the person objects.</summary>
    NoRecordOptOut,
    /// <summary>A Global Privacy Control signal, binding there.</summary>
    Gpc,
    /// <summary>The person is below the minimum age and no guardian consented.</summary>
    BelowMinimumAge,
}

/// <summary>
/// One decision: allowed or not, why, and the facts behind it (the version and moment of the choice that decides, the
/// version that changed the purpose). A 16-byte value: deciding allocates nothing.
/// </summary>
internal readonly record struct Decision(bool Allowed, DecisionReason Reason, int Version = 0, uint AtSecond = 0, int ChangedInVersion = 0)
{
    /// <summary>When the choice (or signal) that decides was made.</summary>
    public DateTimeOffset? At => AtSecond == 0 ? null : Seconds.ToTime(AtSecond);
}

/// <summary>
/// "May I process this for that purpose?" for one person and a batch of keys, from the policy in force and the
/// person's standing choices. <see cref="Decide"/> is the rule itself, pure and allocation-free, for code inside Steward
/// that has the state in hand; <see cref="DecideAsync"/> finds the rules and the state first.
/// </summary>
internal sealed class ConsentDecisions(ConsentStateCache states, ConsentRulesCache rules, TimeProvider time)
{
    public static Decision Decide(in SubjectState state, KeyRule rule, bool gpc, DateTimeOffset now)
    {
        switch (rule.Standing)
        {
            case KeyStanding.NotApplicable: return new(false, DecisionReason.NotApplicable);
            case KeyStanding.OtherBasis: return new(true, DecisionReason.OtherBasis);
            case KeyStanding.NotRequired: return new(true, DecisionReason.NotRequired);
        }
        // The signal the browser sends now outranks anything recorded earlier (CCPA regulations § 7025(c)).
        if (gpc && rule.GpcBinding) return new(false, DecisionReason.Gpc, AtSecond: Seconds.Of(now));
        var child = state.YoungerThan(rule.MinimumAge, now);
        if (!state.TryFind(rule.KeyId, out var choice))
            return child ? new(false, DecisionReason.BelowMinimumAge)
                : new(rule.OptOut, rule.OptOut ? DecisionReason.NoRecordOptOut : DecisionReason.NoRecordOptIn);
        switch (choice.Choice)
        {
            case ConsentChoice.Denied:
                return new(false, choice.Method == ConsentMethod.Gpc && rule.GpcBinding ? DecisionReason.Gpc : DecisionReason.Denied, choice.Version, choice.At);
            case ConsentChoice.Withdrawn:
                return new(false, DecisionReason.Withdrawn, choice.Version, choice.At);
        }
        // A grant: it counts only if the person could give it, it covers what the purpose is now, and it has not expired.
        // When it does not count, silence decides (allowed only where the law is opt-out).
        if (child && choice.Method != ConsentMethod.Guardian) return new(false, DecisionReason.BelowMinimumAge, choice.Version, choice.At);
        if (choice.Version < rule.ChangedInVersion)
            return new(rule.OptOut, DecisionReason.PurposeChanged, choice.Version, choice.At, rule.ChangedInVersion);
        if (choice.At <= rule.ExpiredUpTo(now))
            return new(rule.OptOut, DecisionReason.Expired, choice.Version, choice.At);
        return new(true, DecisionReason.Granted, choice.Version, choice.At);
    }

    /// <summary>The rules in force, or null when no policy is published.</summary>
    public ValueTask<ConsentRules?> RulesAsync(CancellationToken ct) => rules.CurrentAsync(ct);

    /// <summary>A person's state (default: no such person, or no one was named), loaded when not cached.</summary>
    public async ValueTask<SubjectState> StateAsync(Guid? subjectId, CancellationToken ct) =>
        subjectId is { } id ? await states.GetAsync(id, ct) ?? default : default;

    /// <summary>Decides each rule for one person now.</summary>
    public Decision[] DecideAll(in SubjectState state, IReadOnlyList<KeyRule> keyRules, bool gpc)
    {
        var now = time.GetUtcNow();
        var decisions = new Decision[keyRules.Count];
        for (var i = 0; i < decisions.Length; i++) decisions[i] = Decide(state, keyRules[i], gpc, now);
        return decisions;
    }

    /// <summary>For code inside Steward with a person's id: decides one key from memory when the person is cached, else loads them.</summary>
    public async ValueTask<Decision?> DecideAsync(Guid subjectId, string jurisdiction, string key, bool gpc, CancellationToken ct)
    {
        if (await rules.CurrentAsync(ct) is not { } current || current.Find(jurisdiction, key) is not { } rule) return null;
        var state = await states.GetAsync(subjectId, ct) ?? default;
        return Decide(state, rule, gpc, time.GetUtcNow());
    }
}

/// <summary>The compiled rules of the policy in force, rebuilt when a version is published (or takes effect).</summary>
internal sealed class ConsentRulesCache : IDisposable
{
    private sealed record Checked(ConsentRules Rules, PublishedPolicy Source, long At, long Generation);

    private readonly PolicyStore _policies;
    private readonly ConsentKeyIds _ids;
    private readonly IDisposable _subscription;
    private readonly SemaphoreSlim _building = new(1, 1);
    private Checked? _checked;
    private long _generation;

    public ConsentRulesCache(PolicyStore policies, ConsentKeyIds ids, Storage.ChangeNotifications notifications)
    {
        (_policies, _ids) = (policies, ids);
        _subscription = notifications.Subscribe(PolicyStore.PublishedChannel, _ => Interlocked.Increment(ref _generation));
    }

    public async ValueTask<ConsentRules?> CurrentAsync(CancellationToken ct)
    {
        // The store caches the version in force and notices new ones, on SQLite with a read per call: ask it at most once
        // a second unless this node heard of a publication. The rules follow the object it returns.
        var generation = Interlocked.Read(ref _generation);
        var known = Volatile.Read(ref _checked);
        if (known is not null && known.Generation == generation && Environment.TickCount64 - known.At < 1000) return known.Rules;
        var inForce = await _policies.CurrentAsync(ct);
        if (inForce is null) return null;
        if (known is not null && ReferenceEquals(known.Source, inForce))
        {
            Volatile.Write(ref _checked, known with { At = Environment.TickCount64, Generation = generation });
            return known.Rules;
        }
        await _building.WaitAsync(ct);
        try
        {
            if (Volatile.Read(ref _checked) is { } built && ReferenceEquals(built.Source, inForce)) return built.Rules;
            var history = new List<PublishedPolicy>();
            for (var v = 1; v < inForce.Info.Version; v++)
                if (await _policies.GetAsync(v, ct) is { } earlier) history.Add(earlier);
            history.Add(inForce);
            var compiled = ConsentRules.Compile(history, _ids);
            Volatile.Write(ref _checked, new Checked(compiled, inForce, Environment.TickCount64, generation));
            return compiled;
        }
        finally
        {
            _building.Release();
        }
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _building.Dispose();
    }
}
