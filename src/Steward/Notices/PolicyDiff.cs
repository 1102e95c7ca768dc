using Steward.Policy;
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
public sealed class PolicyDiff
{
    private readonly PolicyDocument _old;
    private readonly PolicyDocument _new;
    private readonly string _lang;
    private readonly Taxonomy _taxonomy;
    private readonly List<PolicyChange> _changes = [];
    private bool Zh => _lang == Language.Chinese;

    private PolicyDiff(PolicyDocument older, PolicyDocument newer, string lang)
    {
        _old = older;
        _new = newer;
        _lang = lang;
        _taxonomy = Taxonomy.Bundled.ExtendedBy(newer);
    }

    public static List<PolicyChange> Compare(PolicyDocument older, PolicyDocument newer, string lang)
    {
        var diff = new PolicyDiff(older, newer, lang);
        diff.Run();
        return diff._changes;
    }

    private void Add(string area, PolicyChangeKind kind, string en, string zh) => _changes.Add(new(area, kind, Zh ? zh : en));
    private string T(LocalizedText? t) => t?.In(_lang) ?? "";
    private string List(IEnumerable<string> items) => Vocabulary.List(items, _lang);
    private string Category(string key) => _taxonomy.DataCategories.GetValueOrDefault(key)?.Name.In(_lang) ?? key;
    private static string Q(string s) => $"“{s}”";

    private void Run()
    {
        Jurisdictions();
        Purposes();
        Keyed("recipients", _old.Recipients, _new.Recipients, r => T(r.Name), "recipient", "接收方", RecipientChanges);
        Keyed("transfers", _old.Transfers, _new.Transfers, t => Vocabulary.Country(t.Destination ?? "", _lang), "transfer to", "向以下地区的传输：", TransferChanges);
        Keyed("data-categories", _old.DataCategories, _new.DataCategories, c => T(c.Name), "custom data category", "自定义个人信息类别", (_, _, _) => { });
        Keyed("rights", _old.Rights, _new.Rights, r => T(r.Name), "right", "权利", (_, _, _) => { });
        Keyed("controllers", _old.Controllers.ToDictionary(k => k.Key, v => v.Value), _new.Controllers.ToDictionary(k => k.Key, v => v.Value),
            e => e, "controller for", "控制方：", (key, o, n) =>
            {
                if (o != n) Add("controllers", PolicyChangeKind.Changed, $"The controller for {key} changed from {o} to {n}.", $"{key} 的控制方由 {o} 变更为 {n}。");
            });
        if (_old.Children.DefaultMinimumAge != _new.Children.DefaultMinimumAge)
            Add("children", PolicyChangeKind.Changed, $"The minimum age changed from {_old.Children.DefaultMinimumAge} to {_new.Children.DefaultMinimumAge}.",
                $"最低年龄由 {_old.Children.DefaultMinimumAge} 周岁变更为 {_new.Children.DefaultMinimumAge} 周岁。");
    }

    private void Jurisdictions()
    {
        var laws = JurisdictionCatalogue.Bundled;
        string Name(string k) => laws.Find(k)?.Name.In(_lang) ?? k;
        foreach (var j in _new.Jurisdictions.Except(_old.Jurisdictions))
            Add("jurisdictions", PolicyChangeKind.Added, $"Now also applies in {Name(j)}.", $"新增适用地区：{Name(j)}。");
        foreach (var j in _old.Jurisdictions.Except(_new.Jurisdictions))
            Add("jurisdictions", PolicyChangeKind.Removed, $"No longer applies in {Name(j)}.", $"不再适用于：{Name(j)}。");
    }

    private void Purposes()
    {
        foreach (var (key, p) in _new.Purposes.Where(p => !_old.Purposes.ContainsKey(p.Key)))
            Add("purposes", PolicyChangeKind.Added,
                $"New purpose {Q(T(p.Name))}: {List(p.DataCategories.Select(Category))}.",
                $"新增处理目的{Q(T(p.Name))}：{List(p.DataCategories.Select(Category))}。");
        foreach (var (key, p) in _old.Purposes.Where(p => !_new.Purposes.ContainsKey(p.Key)))
            Add("purposes", PolicyChangeKind.Removed, $"Purpose {Q(T(p.Name))} was removed.", $"删除了处理目的{Q(T(p.Name))}。");
        foreach (var (key, n) in _new.Purposes)
        {
            if (!_old.Purposes.TryGetValue(key, out var o)) continue;
            var name = Q(T(n.Name));
            SetChange("purposes", name, o.DataCategories, n.DataCategories, Category, "now also collects", "no longer collects", "新增收集", "不再收集");
            SetChange("purposes", name, o.Recipients, n.Recipients, r => T(_new.Recipients.GetValueOrDefault(r)?.Name ?? _old.Recipients.GetValueOrDefault(r)?.Name),
                "is now also shared with", "is no longer shared with", "新增共享给", "不再共享给");
            SetChange("purposes", name, o.Transfers, n.Transfers, t => Vocabulary.Country((_new.Transfers.GetValueOrDefault(t) ?? _old.Transfers.GetValueOrDefault(t))?.Destination ?? t, _lang),
                "is now also transferred to", "is no longer transferred to", "新增传输至", "不再传输至");
            // Compare the basis that applies in each jurisdiction, so a new override of the default reads as a change from the default.
            foreach (var j in _old.Jurisdictions.Union(_new.Jurisdictions))
            {
                var law = JurisdictionCatalogue.Bundled.Find(j);
                if (law is { RequiresLegalBasis: false }) continue;
                var ob = Effective(o, j);
                var nb = Effective(n, j);
                if (ob == nb) continue;
                var where = law?.Name.In(_lang) ?? j;
                string B(LegalBasis? b) => b is { } x ? Vocabulary.Name(x, _lang) : (Zh ? "（无）" : "(none)");
                Add("legal-bases", PolicyChangeKind.Changed,
                    $"{name}: the legal basis in {where} changed from {B(ob)} to {B(nb)}.",
                    $"{name}：{where}的法律依据由{B(ob)}变更为{B(nb)}。");
            }
            var oldRetention = RetentionWords(o.Retention);
            var newRetention = RetentionWords(n.Retention);
            if (oldRetention != newRetention)
                Add("retention", PolicyChangeKind.Changed, $"{name}: retention changed from {Q(oldRetention)} to {Q(newRetention)}.",
                    $"{name}：保留期限由{Q(oldRetention)}变更为{Q(newRetention)}。");
            if (o.Consent?.Mechanism != n.Consent?.Mechanism)
                Add("purposes", PolicyChangeKind.Changed,
                    $"{name}: consent is now asked through {(n.Consent is null ? "(no consent)" : Vocabulary.Name(n.Consent.Mechanism, _lang))}.",
                    $"{name}：现在通过{(n.Consent is null ? "（不再征求同意）" : Vocabulary.Name(n.Consent.Mechanism, _lang))}征求同意。");
        }
    }

    private static LegalBasis? Effective(Purpose p, string jurisdiction) =>
        p.LegalBasis.TryGetValue(jurisdiction, out var own) ? own
        : p.LegalBasis.TryGetValue(PolicyValidator.DefaultKey, out var d) ? d : null;

    private string RetentionWords(Retention? r)
    {
        if (r is null) return Zh ? "（无）" : "(none)";
        var parts = new List<string>();
        if (r.Period is { } p) parts.Add(p.ToWords(_lang));
        if (r.Criteria is not null) parts.Add(T(r.Criteria));
        parts.AddRange(r.Categories.Select(c => $"{Category(c.Key)}: {c.Value.Period?.ToWords(_lang) ?? T(c.Value.Criteria)}"));
        return string.Join(Zh ? "，" : ", ", parts);
    }

    private void SetChange(string area, string owner, List<string> older, List<string> newer, Func<string, string> name,
        string addedEn, string removedEn, string addedZh, string removedZh)
    {
        var added = newer.Except(older).Select(name).ToList();
        var removed = older.Except(newer).Select(name).ToList();
        if (added.Count > 0) Add(area, PolicyChangeKind.Changed, $"{owner} {addedEn} {List(added)}.", $"{owner}{addedZh}{List(added)}。");
        if (removed.Count > 0) Add(area, PolicyChangeKind.Changed, $"{owner} {removedEn} {List(removed)}.", $"{owner}{removedZh}{List(removed)}。");
    }

    private void Keyed<T>(string area, Dictionary<string, T> older, Dictionary<string, T> newer, Func<T, string> name,
        string en, string zh, Action<string, T, T> changed)
    {
        foreach (var (key, v) in newer.Where(x => !older.ContainsKey(x.Key)))
            Add(area, PolicyChangeKind.Added, $"New {en} {Q(name(v))}.", $"新增{zh}{Q(name(v))}。");
        foreach (var (key, v) in older.Where(x => !newer.ContainsKey(x.Key)))
            Add(area, PolicyChangeKind.Removed, $"Removed {en} {Q(name(v))}.", $"删除了{zh}{Q(name(v))}。");
        foreach (var (key, v) in newer)
            if (older.TryGetValue(key, out var o)) changed(key, o, v);
    }

    private void RecipientChanges(string key, Recipient o, Recipient n)
    {
        var name = Q(T(n.Name));
        if (o.Kind != n.Kind)
            Add("recipients", PolicyChangeKind.Changed, $"{name} is now listed as {Vocabulary.Name(n.Kind, _lang)}.", $"{name}现归类为{Vocabulary.Name(n.Kind, _lang)}。");
        SetChange("recipients", name, o.Receives, n.Receives, Category, "now also receives", "no longer receives", "新增接收", "不再接收");
    }

    private void TransferChanges(string key, Transfer o, Transfer n)
    {
        var name = Q(Vocabulary.Country(n.Destination ?? "", _lang));
        if (o.Destination != n.Destination)
            Add("transfers", PolicyChangeKind.Changed, $"Transfer {Q(key)} now goes to {name} instead of {Q(Vocabulary.Country(o.Destination ?? "", _lang))}.",
                $"传输{Q(key)}的目的地由{Q(Vocabulary.Country(o.Destination ?? "", _lang))}变更为{name}。");
        SetChange("transfers", name, o.Safeguards.Select(s => s.ToString()).ToList(), n.Safeguards.Select(s => s.ToString()).ToList(),
            s => Vocabulary.Name(Enum.Parse<Safeguard>(s), _lang), "is now also covered by", "is no longer covered by", "新增保障措施", "不再采用保障措施");
    }
}
