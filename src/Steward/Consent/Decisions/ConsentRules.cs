using System.Collections.Frozen;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;

namespace Steward.Consent.Decisions;

/// <summary>What the policy alone says about a key in a jurisdiction, before anyone's choice is looked at.</summary>
internal enum KeyStanding
{
    /// <summary>Decided by the person's choice (or by silence, as the law reads it).</summary>
    NeedsConsent,
    /// <summary>A purpose that rests on another legal basis there: allowed without asking.</summary>
    OtherBasis,
    /// <summary>A strictly necessary cookie category: always on.</summary>
    NotRequired,
    /// <summary>A purpose the policy does not pursue in that jurisdiction: not allowed.</summary>
    NotApplicable,
}

/// <summary>
/// One key of the policy in force, compiled for one jurisdiction: everything a decision needs that does not depend on
/// the person. Built once per published version; a decision reads it without allocating.
/// </summary>
internal sealed class KeyRule
{
    public required string Key { get; init; }
    public required string Jurisdiction { get; init; }
    public required ushort KeyId { get; init; }
    public required KeyStanding Standing { get; init; }
    /// <summary>The bases it rests on there (for <see cref="KeyStanding.OtherBasis"/>).</summary>
    public IReadOnlyList<LegalBasis> Bases { get; init; } = [];
    /// <summary>Silence allows it (an opt-out law).</summary>
    public bool OptOut { get; init; }
    /// <summary>A Global Privacy Control signal opts the person out of it there.</summary>
    public bool GpcBinding { get; init; }
    /// <summary>How long a consent counts (purposes: <c>consent.validity</c>; cookie categories: <c>cookies.max_lifetime</c>).</summary>
    public Duration? Validity
    {
        get;
        init
        {
            field = value;
            _expires = value is { IsSession: false };
        }
    }

    private readonly bool _expires;
    /// <summary>Consents given under an earlier version do not count: this version added data categories or uses.</summary>
    public int ChangedInVersion { get; init; }
    /// <summary>Below this age a person cannot consent themselves (the policy's minimum age there, else the law's).</summary>
    public int MinimumAge { get; init; }

    /// <summary>When a consent given at <paramref name="givenAt"/> stops counting, or null when it does not expire.</summary>
    public DateTimeOffset? ExpiresAt(DateTimeOffset givenAt) =>
        Validity is { IsSession: false } v ? v.After(givenAt) : null;

    // The last cutoff computed (high half: the second it was computed for; low half: the cutoff), one atomic word.
    private long _cutoff = -1;

    /// <summary>
    /// Consents given at or before this second (see <see cref="Seconds"/>) have expired at <paramref name="now"/>; 0 when
    /// consents do not expire. Calendar arithmetic is slow next to the rest of a decision, so it is done once a second.
    /// </summary>
    public uint ExpiredUpTo(DateTimeOffset now)
    {
        if (!_expires) return 0;
        var v = Validity!.Value;
        var second = Seconds.Of(now);
        var memo = Volatile.Read(ref _cutoff);
        if (memo >= 0 && (uint)(memo >> 32) == second) return (uint)memo;
        var cutoff = Seconds.Of(v.Before(now));
        Volatile.Write(ref _cutoff, ((long)second << 32) | cutoff);
        return cutoff;
    }
}

/// <summary>The rules of one policy version in force, per jurisdiction and key.</summary>
internal sealed class ConsentRules
{
    private readonly FrozenDictionary<string, FrozenDictionary<string, KeyRule>> _byJurisdiction;

    public int Version { get; }
    public PolicyDocument Policy { get; }

    private ConsentRules(int version, PolicyDocument policy, FrozenDictionary<string, FrozenDictionary<string, KeyRule>> byJurisdiction) =>
        (Version, Policy, _byJurisdiction) = (version, policy, byJurisdiction);

    public bool HasJurisdiction(string jurisdiction) => _byJurisdiction.ContainsKey(jurisdiction);

    public KeyRule? Find(string jurisdiction, string key) =>
        _byJurisdiction.TryGetValue(jurisdiction, out var keys) && keys.TryGetValue(key, out var rule) ? rule : null;

    /// <summary>
    /// The age below which a person cannot consent themselves in <paramref name="jurisdiction"/>: the policy's
    /// <c>children.minimum_age</c> there, else its <c>default_minimum_age</c>; without a children section, the law's own.
    /// </summary>
    public static int MinimumAgeIn(PolicyDocument policy, string jurisdiction) => policy.Children is { } children
        ? children.MinimumAge.GetValueOrDefault(jurisdiction, children.DefaultMinimumAge)
        : JurisdictionCatalogue.Bundled.Find(jurisdiction)?.MinimumChildAge ?? 0;

    /// <summary>
    /// Compiles <paramref name="history"/>'s last version (the one in force); the earlier ones say where a purpose widened.
    /// </summary>
    public static ConsentRules Compile(IReadOnlyList<PublishedPolicy> history, ConsentKeyIds ids)
    {
        var current = history[^1];
        var policy = current.Document;
        var changedIn = ChangedIn(history);
        var byJurisdiction = new Dictionary<string, FrozenDictionary<string, KeyRule>>(StringComparer.Ordinal);
        foreach (var jurisdiction in policy.Jurisdictions)
        {
            var law = JurisdictionCatalogue.Bundled.Find(jurisdiction);
            var optOut = law?.ConsentDefault == ConsentDefault.OptOut;
            var reach = OptOutReach.Of(policy, jurisdiction);
            var minimumAge = MinimumAgeIn(policy, jurisdiction);
            var rules = new Dictionary<string, KeyRule>(StringComparer.Ordinal);
            KeyRule Rule(string key, KeyStanding standing, bool gpc = false, Duration? validity = null, IReadOnlyList<LegalBasis>? bases = null) => new()
            {
                Key = key, Jurisdiction = jurisdiction, KeyId = ids.Of(key), Standing = standing, Bases = bases ?? [], OptOut = optOut,
                GpcBinding = gpc, Validity = validity, ChangedInVersion = changedIn.GetValueOrDefault(key), MinimumAge = minimumAge,
            };
            foreach (var (name, purpose) in policy.Purposes)
            {
                var key = ConsentKeys.PurposePrefix + name;
                rules[key] = !purpose.AppliesIn(jurisdiction) ? Rule(key, KeyStanding.NotApplicable)
                    : !purpose.ReliesOnConsentIn(jurisdiction) ? Rule(key, KeyStanding.OtherBasis, bases: purpose.LegalBasesIn(jurisdiction))
                    : Rule(key, KeyStanding.NeedsConsent, reach.PurposeKeys.Contains(key), purpose.Consent?.Validity);
            }
            foreach (var (name, category) in policy.Cookies?.Categories ?? [])
            {
                var key = ConsentKeys.CookiePrefix + name;
                rules[key] = category.ConsentRequired
                    ? Rule(key, KeyStanding.NeedsConsent, reach.Categories.Contains(name), policy.Cookies!.MaxLifetime)
                    : Rule(key, KeyStanding.NotRequired);
            }
            foreach (var name in policy.MarketingChannels.Keys)
                rules[ConsentKeys.ChannelPrefix + name] = Rule(ConsentKeys.ChannelPrefix + name, KeyStanding.NeedsConsent);
            byJurisdiction[jurisdiction] = rules.ToFrozenDictionary(StringComparer.Ordinal);
        }
        return new ConsentRules(current.Info.Version, policy, byJurisdiction.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>
    /// Per key, the latest version that widened what a consent to it covers: a purpose's data categories and uses; for a
    /// cookie category or a channel, those of the purposes that use it. A key new in a version counts as changed there.
    /// </summary>
    private static Dictionary<string, int> ChangedIn(IReadOnlyList<PublishedPolicy> history)
    {
        var changed = new Dictionary<string, int>(StringComparer.Ordinal);
        Dictionary<string, HashSet<string>>? previous = null;
        foreach (var version in history)
        {
            var scopes = Scopes(version.Document);
            foreach (var (key, scope) in scopes)
                if (previous is null || !previous.TryGetValue(key, out var before) || !scope.IsSubsetOf(before))
                    changed[key] = version.Info.Version;
            previous = scopes;
        }
        return changed;
    }

    private static Dictionary<string, HashSet<string>> Scopes(PolicyDocument policy)
    {
        var scopes = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Add(string key, Purpose purpose)
        {
            if (!scopes.TryGetValue(key, out var scope)) scopes[key] = scope = new HashSet<string>(StringComparer.Ordinal);
            scope.UnionWith(purpose.DataCategories.Select(c => "category:" + c));
            scope.UnionWith(purpose.Uses.Select(u => "use:" + u));
        }
        foreach (var (name, purpose) in policy.Purposes)
        {
            Add(ConsentKeys.PurposePrefix + name, purpose);
            foreach (var category in purpose.CookieCategories) Add(ConsentKeys.CookiePrefix + category, purpose);
            foreach (var channel in purpose.MarketingChannels) Add(ConsentKeys.ChannelPrefix + channel, purpose);
        }
        foreach (var category in (IEnumerable<string>?)policy.Cookies?.Categories.Keys ?? [])
            scopes.TryAdd(ConsentKeys.CookiePrefix + category, new HashSet<string>(StringComparer.Ordinal));
        foreach (var channel in policy.MarketingChannels.Keys)
            scopes.TryAdd(ConsentKeys.ChannelPrefix + channel, new HashSet<string>(StringComparer.Ordinal));
        return scopes;
    }
}

/// <summary>Small numbers for consent keys, so a person's cached state is a few bytes per key. Only grows; keys are few (named by policies).</summary>
internal sealed class ConsentKeyIds
{
    private readonly Lock _lock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ushort> _ids = new(StringComparer.Ordinal);

    public ushort Of(string key)
    {
        if (_ids.TryGetValue(key, out var id)) return id;
        lock (_lock)
        {
            if (_ids.TryGetValue(key, out id)) return id;
            if (_ids.Count >= ushort.MaxValue) throw new InvalidOperationException("More distinct consent keys than a decision cache holds.");
            id = (ushort)(_ids.Count + 1);
            _ids[key] = id;
            return id;
        }
    }
}
