using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Notices;

/// <summary>One difference between two versions, said in words.</summary>
public sealed record PolicyChange(string Area, PolicyChangeKind Kind, string Text);

/// <summary>Whether something appeared, disappeared or changed.</summary>
public enum PolicyChangeKind { Added, Removed, Changed }

/// <summary>
/// Compares two policy versions the way a privacy officer reads them: purposes (where they apply, data categories,
/// legal bases, consent, sensitive information), recipients, transfers, SDKs, storage, retention and jurisdictions,
/// by name rather than by key.
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
        Keyed("sdks", _old.Sdks, _new.Sdks, x => x.Name ?? "", (_s.SdkAdded, _s.SdkRemoved),
            (_, o, n) => SetChange("sdks", Q(n.Name ?? ""), o.DataCategories, n.DataCategories, Category, _s.CollectsAdded, _s.CollectsRemoved));
        Storage();
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
        foreach (var j in _new.Jurisdictions.Except(_old.Jurisdictions))
            Add("jurisdictions", PolicyChangeKind.Added, _s.JurisdictionAdded, LawName(j));
        foreach (var j in _old.Jurisdictions.Except(_new.Jurisdictions))
            Add("jurisdictions", PolicyChangeKind.Removed, _s.JurisdictionRemoved, LawName(j));
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
            // Where the purpose applies, among the jurisdictions in scope in both versions (a change of scope is reported on its own).
            var scope = _old.Jurisdictions.Intersect(_new.Jurisdictions).ToList();
            SetChange("purposes", name, scope.Where(o.AppliesIn).ToList(), scope.Where(n.AppliesIn).ToList(), LawName, _s.AppliesAdded, _s.AppliesRemoved);
            // Compare the basis that applies in each jurisdiction, so a new override of the default reads as a change from the default.
            foreach (var j in _old.Jurisdictions.Union(_new.Jurisdictions))
            {
                var law = JurisdictionCatalogue.Bundled.Find(j);
                if (law is { RequiresLegalBasis: false } || !o.AppliesIn(j) || !n.AppliesIn(j)) continue;
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
            if (o.Consent is not null && n.Consent is not null && o.Consent.Separate != n.Consent.Separate)
                Add("purposes", PolicyChangeKind.Changed, n.Consent.Separate ? _s.SeparateConsentAdded : _s.SeparateConsentRemoved, name);
            SetChange("purposes", name, SensitiveCategories(o, _old), SensitiveCategories(n, _new), Category, _s.SensitiveAdded, _s.SensitiveRemoved);
            if (o.Sensitive is not null && n.Sensitive is not null
                && (T(o.Sensitive.Necessity) != T(n.Sensitive.Necessity) || T(o.Sensitive.Impact) != T(n.Sensitive.Impact)))
                Add("purposes", PolicyChangeKind.Changed, _s.SensitiveExplanationChanged, name);
        }
    }

    /// <summary>The purpose's data categories that are sensitive under a law in scope where it applies.</summary>
    private static List<string> SensitiveCategories(Purpose purpose, PolicyDocument policy) =>
        policy.Jurisdictions.Where(purpose.AppliesIn).Select(JurisdictionCatalogue.Bundled.Find).OfType<Jurisdiction>()
            .SelectMany(j => policy.Taxonomy.SensitiveCategories(purpose, j)).Distinct().ToList();

    /// <summary>Where data is stored, per jurisdiction of the people it concerns.</summary>
    private void Storage()
    {
        string Where(DataStorage s) =>
            List(s.Countries.Select(c => Vocabulary.InProse(Vocabulary.Country(c, _lang), _lang)))
            + (s.Copies.Count == 0 ? "" : Language.Format(_s.StorageCopies, List(s.Copies.Select(c => Vocabulary.InProse(Vocabulary.Country(c, _lang), _lang)))));
        string Whose(string key) => key == PolicyDocument.DefaultKey ? _s.StorageElsewhere : LawName(key);
        foreach (var key in _old.Storage.Keys.Union(_new.Storage.Keys))
        {
            var o = _old.Storage.GetValueOrDefault(key);
            var n = _new.Storage.GetValueOrDefault(key);
            if (o is null && n is not null) Add("storage", PolicyChangeKind.Added, _s.StorageAdded, Whose(key), Where(n));
            else if (o is not null && n is null) Add("storage", PolicyChangeKind.Removed, _s.StorageRemoved, Whose(key));
            else if (o is not null && n is not null && Where(o) != Where(n))
                Add("storage", PolicyChangeKind.Changed, _s.StorageChanged, Whose(key), Where(n), Where(o));
        }
    }

    private string RetentionWords(Policy.Model.Retention? r, PolicyDocument policy) =>
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
        SetChange("recipients", name, o.Countries, n.Countries, c => Vocabulary.InProse(Vocabulary.Country(c, _lang), _lang), _s.CountriesAdded, _s.CountriesRemoved);
    }

    private void TransferChanges(string key, Transfer o, Transfer n)
    {
        var name = Q(Vocabulary.Country(n.Destination ?? "", _lang));
        if (o.Destination != n.Destination)
            Add("transfers", PolicyChangeKind.Changed, _s.TransferDestinationChanged, Q(key), name, Q(Vocabulary.Country(o.Destination ?? "", _lang)));
        SetChange("transfers", name, o.Safeguards.Select(s => s.ToString()).ToList(), n.Safeguards.Select(s => s.ToString()).ToList(),
            s => Vocabulary.Name(Enum.Parse<Safeguard>(s), _lang), _s.SafeguardAdded, _s.SafeguardRemoved);
        // Safeguards of one origin compare as they apply: its own list, else the common one.
        foreach (var origin in o.SafeguardsByOrigin.Keys.Union(n.SafeguardsByOrigin.Keys))
            SetChange("transfers", Language.Format(_s.ForOrigin, name, LawName(origin)),
                o.SafeguardsFor(origin).Select(s => s.ToString()).ToList(), n.SafeguardsFor(origin).Select(s => s.ToString()).ToList(),
                s => Vocabulary.Name(Enum.Parse<Safeguard>(s), _lang), _s.SafeguardAdded, _s.SafeguardRemoved);
    }

    private string LawName(string key) => JurisdictionCatalogue.Bundled.Find(key)?.Name.In(_lang) ?? key;
}
