using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Notices;

/// <summary>One difference between two versions, said in words.</summary>
public sealed record PolicyChange(string Area, PolicyChangeKind Kind, string Text);

/// <summary>Whether something appeared, disappeared or changed.</summary>
public enum PolicyChangeKind { Added, Removed, Changed }

/// <summary>
/// Compares two policy versions the way a privacy officer reads them: purposes, data categories,
/// legal bases, recipients, transfers, retention and jurisdictions, by name rather than by key.
/// </summary>
internal sealed class PolicyDiff
{
    private readonly PolicyDocument _old;
    private readonly PolicyDocument _new;
    private readonly string _lang;
    private readonly DiffStrings _s;
    private readonly Taxonomy _taxonomy;
    private readonly List<PolicyChange> _changes = [];

    private PolicyDiff(PolicyDocument older, PolicyDocument newer, string lang)
    {
        _old = older;
        _new = newer;
        _lang = lang;
        _s = Language.Strings<DiffStrings>(lang);
        _taxonomy = newer.Taxonomy;
    }

    public static List<PolicyChange> Compare(PolicyDocument older, PolicyDocument newer, string lang)
    {
        var diff = new PolicyDiff(older, newer, lang);
        diff.Run();
        return diff._changes;
    }

    private void Add(string area, PolicyChangeKind kind, string format, params object[] args) => _changes.Add(new(area, kind, Language.Format(format, args)));
    private string T(LocalizedText? t) => t?.In(_lang) ?? "";
    private string List(IEnumerable<string> items) => Vocabulary.List(items, _lang);
    private string Category(string key) => _taxonomy.DataCategories.GetValueOrDefault(key)?.Name.In(_lang) ?? key;
    private static string Q(string s) => $"“{s}”";

    private void Run()
    {
        Jurisdictions();
        Purposes();
        Keyed("recipients", _old.Recipients, _new.Recipients, r => T(r.Name), (_s.RecipientAdded, _s.RecipientRemoved), RecipientChanges);
        Keyed("transfers", _old.Transfers, _new.Transfers, t => Vocabulary.Country(t.Destination ?? "", _lang), (_s.TransferAdded, _s.TransferRemoved), TransferChanges);
        Keyed("data-categories", _old.DataCategories, _new.DataCategories, c => T(c.Name), (_s.CategoryAdded, _s.CategoryRemoved), (_, _, _) => { });
        Keyed("rights", _old.Rights, _new.Rights, r => T(r.Name), (_s.RightAdded, _s.RightRemoved), (_, _, _) => { });
        Keyed("controllers", _old.Controllers.ToDictionary(k => k.Key, v => v.Value), _new.Controllers.ToDictionary(k => k.Key, v => v.Value),
            e => e, (_s.ControllerAdded, _s.ControllerRemoved), (key, o, n) =>
            {
                if (o != n) Add("controllers", PolicyChangeKind.Changed, _s.ControllerChanged, key, o, n);
            });
        if (_old.Children.DefaultMinimumAge != _new.Children.DefaultMinimumAge)
            Add("children", PolicyChangeKind.Changed, _s.MinimumAgeChanged, _old.Children.DefaultMinimumAge, _new.Children.DefaultMinimumAge);
    }

    private void Jurisdictions()
    {
        var laws = JurisdictionCatalogue.Bundled;
        string Name(string k) => laws.Find(k)?.Name.In(_lang) ?? k;
        foreach (var j in _new.Jurisdictions.Except(_old.Jurisdictions))
            Add("jurisdictions", PolicyChangeKind.Added, _s.JurisdictionAdded, Name(j));
        foreach (var j in _old.Jurisdictions.Except(_new.Jurisdictions))
            Add("jurisdictions", PolicyChangeKind.Removed, _s.JurisdictionRemoved, Name(j));
    }

    private void Purposes()
    {
        foreach (var (key, p) in _new.Purposes.Where(p => !_old.Purposes.ContainsKey(p.Key)))
            Add("purposes", PolicyChangeKind.Added, _s.PurposeAdded, Q(T(p.Name)), List(p.DataCategories.Select(Category)));
        foreach (var (key, p) in _old.Purposes.Where(p => !_new.Purposes.ContainsKey(p.Key)))
            Add("purposes", PolicyChangeKind.Removed, _s.PurposeRemoved, Q(T(p.Name)));
        var none = Language.Strings<VocabularyStrings>(_lang).None;
        foreach (var (key, n) in _new.Purposes)
        {
            if (!_old.Purposes.TryGetValue(key, out var o)) continue;
            var name = Q(T(n.Name));
            SetChange("purposes", name, o.DataCategories, n.DataCategories, Category, _s.CollectsAdded, _s.CollectsRemoved);
            SetChange("purposes", name, o.Recipients, n.Recipients, r => T(_new.Recipients.GetValueOrDefault(r)?.Name ?? _old.Recipients.GetValueOrDefault(r)?.Name),
                _s.SharedAdded, _s.SharedRemoved);
            SetChange("purposes", name, o.Transfers, n.Transfers, t => Vocabulary.Country((_new.Transfers.GetValueOrDefault(t) ?? _old.Transfers.GetValueOrDefault(t))?.Destination ?? t, _lang),
                _s.TransferredAdded, _s.TransferredRemoved);
            // Compare the basis that applies in each jurisdiction, so a new override of the default reads as a change from the default.
            foreach (var j in _old.Jurisdictions.Union(_new.Jurisdictions))
            {
                var law = JurisdictionCatalogue.Bundled.Find(j);
                if (law is { RequiresLegalBasis: false }) continue;
                var ob = o.LegalBasesIn(j);
                var nb = n.LegalBasesIn(j);
                if (ob.SequenceEqual(nb)) continue;
                string B(IReadOnlyList<LegalBasis> b) => b.Count > 0 ? Vocabulary.List(b.Select(x => Vocabulary.Name(x, _lang)), _lang) : none;
                Add("legal-bases", PolicyChangeKind.Changed, _s.BasisChanged, name, law?.Name.In(_lang) ?? j, B(ob), B(nb));
            }
            var oldRetention = RetentionWords(o.Retention, _old);
            var newRetention = RetentionWords(n.Retention, _new);
            if (oldRetention != newRetention)
                Add("retention", PolicyChangeKind.Changed, _s.RetentionChanged, name, Q(oldRetention), Q(newRetention));
            if (o.Consent?.Mechanism != n.Consent?.Mechanism)
                Add("purposes", PolicyChangeKind.Changed, _s.ConsentChanged, name, n.Consent is null ? _s.NoConsent : Vocabulary.Name(n.Consent.Mechanism, _lang));
        }
    }

    private string RetentionWords(Retention? r, PolicyDocument policy) =>
        r is null
            ? Language.Strings<VocabularyStrings>(_lang).None
            : string.Join(Language.Strings<VocabularyStrings>(_lang).ClauseSeparator, Vocabulary.Retention(r, policy, _lang));

    private void SetChange(string area, string owner, List<string> older, List<string> newer, Func<string, string> name, string added, string removed)
    {
        var plus = newer.Except(older).Select(name).ToList();
        var minus = older.Except(newer).Select(name).ToList();
        if (plus.Count > 0) Add(area, PolicyChangeKind.Changed, added, owner, List(plus));
        if (minus.Count > 0) Add(area, PolicyChangeKind.Changed, removed, owner, List(minus));
    }

    private void Keyed<T>(string area, Dictionary<string, T> older, Dictionary<string, T> newer, Func<T, string> name,
        (string Added, string Removed) texts, Action<string, T, T> changed)
    {
        foreach (var (key, v) in newer.Where(x => !older.ContainsKey(x.Key)))
            Add(area, PolicyChangeKind.Added, texts.Added, Q(name(v)));
        foreach (var (key, v) in older.Where(x => !newer.ContainsKey(x.Key)))
            Add(area, PolicyChangeKind.Removed, texts.Removed, Q(name(v)));
        foreach (var (key, v) in newer)
            if (older.TryGetValue(key, out var o)) changed(key, o, v);
    }

    private void RecipientChanges(string key, Recipient o, Recipient n)
    {
        var name = Q(T(n.Name));
        if (o.Kind != n.Kind)
            Add("recipients", PolicyChangeKind.Changed, _s.RecipientKindChanged, name, Vocabulary.Name(n.Kind, _lang));
        SetChange("recipients", name, o.Receives, n.Receives, Category, _s.ReceivesAdded, _s.ReceivesRemoved);
    }

    private void TransferChanges(string key, Transfer o, Transfer n)
    {
        var name = Q(Vocabulary.Country(n.Destination ?? "", _lang));
        if (o.Destination != n.Destination)
            Add("transfers", PolicyChangeKind.Changed, _s.TransferDestinationChanged, Q(key), name, Q(Vocabulary.Country(o.Destination ?? "", _lang)));
        SetChange("transfers", name, o.Safeguards.Select(s => s.ToString()).ToList(), n.Safeguards.Select(s => s.ToString()).ToList(),
            s => Vocabulary.Name(Enum.Parse<Safeguard>(s), _lang), _s.SafeguardAdded, _s.SafeguardRemoved);
    }
}
