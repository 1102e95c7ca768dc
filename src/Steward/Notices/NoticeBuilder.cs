using System.Globalization;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Notices;

/// <summary>
/// Writes the privacy notice from a policy version, in the eight parts of the reference statement and in two
/// layers: what a reader sees first (activities, purposes, recipients and rights by name, who the controller is)
/// and the details they open, each said once. For a reader who picked their jurisdiction it says only what
/// applies there; otherwise it shows everything, with the places each statement applies to.
/// </summary>
internal sealed partial class NoticeBuilder
{
    public static readonly string[] SectionIds = ["introduction", "collect-and-use", "sharing", "controllers", "security-and-retention", "rights", "legal-bases", "updates"];

    /// <summary>China's PIPL, whose readers see its own terms: 个人信息处理者 for controller, 个人信息保护负责人 for the officer.</summary>
    private const string Pipl = "cn-pipl";

    private readonly PolicyDocument _p;
    private readonly PolicyVersionInfo _version;
    private readonly string _lang;
    private readonly NoticeStrings _s;
    private readonly VocabularyStrings _w;
    private readonly Taxonomy _taxonomy;
    private readonly JurisdictionCatalogue _laws;
    private readonly IReadOnlySet<string> _properNouns;
    /// <summary>The reader's jurisdiction, when they picked one.</summary>
    private readonly Jurisdiction? _reader;
    /// <summary>The laws the notice speaks of: the reader's, or every one in scope.</summary>
    private readonly List<Jurisdiction> _view;
    private readonly List<(string Key, Purpose Purpose)> _purposes;

    private NoticeBuilder(PublishedPolicy policy, string lang, string? jurisdiction)
    {
        _p = policy.Document;
        _version = policy.Info;
        _lang = lang;
        _s = Language.Strings<NoticeStrings>(lang);
        _w = Language.Strings<VocabularyStrings>(lang);
        _taxonomy = _p.Taxonomy;
        _laws = JurisdictionCatalogue.Bundled;
        _properNouns = Vocabulary.ProperNouns(PolicyTexts(_p).Select(t => t.En ?? ""));
        _reader = Resolve(_p, jurisdiction) is { } key ? _laws.Find(key) : null;
        var inScope = _p.Jurisdictions.Select(_laws.Find).OfType<Jurisdiction>().ToList();
        _view = _reader is null ? inScope : [_reader];
        _purposes = [.. _p.Purposes.Where(x => _reader is null || x.Value.AppliesIn(_reader.Key)).Select(x => (x.Key, x.Value))];
    }

    /// <summary>The notice in a language, for everyone or for the readers of one of the policy's jurisdictions.</summary>
    public static NoticeDocument Build(PublishedPolicy policy, string lang, string? jurisdiction = null) =>
        new NoticeBuilder(policy, lang, jurisdiction).Build();

    /// <summary>The policy's jurisdiction a request names, or null: an unknown value is ignored and never shown back.</summary>
    public static string? Resolve(PolicyDocument policy, string? requested) =>
        string.IsNullOrWhiteSpace(requested) ? null
        : policy.Jurisdictions.FirstOrDefault(j => string.Equals(j, requested.Trim(), StringComparison.OrdinalIgnoreCase) && JurisdictionCatalogue.Bundled.Find(j) is not null);

    /// <summary>The jurisdictions a reader can pick, with their names in the language.</summary>
    public static IReadOnlyList<(string Key, string Name)> Choices(PolicyDocument policy, string lang) =>
        [.. policy.Jurisdictions.Select(JurisdictionCatalogue.Bundled.Find).OfType<Jurisdiction>().Select(j => (j.Key, j.Name.In(lang)))];

    private string T(LocalizedText? text) => text?.In(_lang) ?? "";
    /// <summary>Fills a sentence; a name that ends with its own full stop ("Inc.") ends the sentence with it.</summary>
    private static string F(string format, params object[] args) => DoubleStop().Replace(string.Format(CultureInfo.InvariantCulture, format, args), ".");
    private string Join(IEnumerable<string> items) => Vocabulary.List(items, _lang);
    private string Sentence(string text) => Vocabulary.Sentence(text, _lang);
    private string Period(Duration period) => Vocabulary.Period(period, _lang);
    private string Place(Jurisdiction law) => Vocabulary.InProse(Vocabulary.Place(law, _lang), _lang);
    private string Country(string code) => Vocabulary.InProse(Vocabulary.Country(code, _lang), _lang);
    /// <summary>A text that starts a table cell or a list item: English capitalises its first letter.</summary>
    private string Starting(string text) => _w.LowerInSentences ? Capitalised(text) : text;
    private string Places(IEnumerable<Jurisdiction> laws) => Join(laws.Select(Place));
    private bool ForReader(List<string> jurisdictions) => _reader is null || jurisdictions.Count == 0 || jurisdictions.Contains(_reader.Key);
    private bool ForPipl => _reader?.Key == Pipl;
    private string ControllerTerm => ForPipl ? _s.PiplHandler : _s.Controller;

    private NoticeDocument Build()
    {
        var sections = new List<NoticeSection>
        {
            Section(0, Introduction()),
            Section(1, CollectAndUse()),
            Section(2, Sharing()),
            Section(3, Controllers()),
            Section(4, SecurityAndRetention()),
            Section(5, Rights()),
            Section(6, LegalBases()),
            Section(7, Updates()),
        };
        var lead = new List<string> { F(_s.EffectiveFrom, Vocabulary.Date(_version.EffectiveDate, _lang)) };
        if (_reader is not null) lead.Add(F(_s.ShownFor, Place(_reader)));
        return new NoticeDocument(_lang, T(_p.Notice.Title), lead, sections);
    }

    private NoticeSection Section(int i, List<Block> blocks) => new(SectionIds[i], _s.SectionHeadings[i], blocks);

    private List<Block> Introduction()
    {
        var b = new List<Block> { new Paragraph(T(_p.Notice.Introduction)) };
        if (_p.Organisation.Scope is not null) b.Add(new Paragraph(T(_p.Organisation.Scope)));
        var supplements = _p.SupplementaryNotices.Values.Where(n => ForReader(n.Jurisdictions)).ToList();
        if (supplements.Count > 0)
        {
            b.Add(new Paragraph(_s.Supplements));
            b.Add(new LinkList([.. supplements.Select(n => (T(n.Title), n.Url ?? ""))]));
        }
        var languages = _p.Notice.OtherLanguages.Count > 0 ? F(_s.OtherLanguages, Join(_p.Notice.OtherLanguages)) : _s.Languages;
        b.Add(new Paragraph(languages));
        return b;
    }

    private List<Block> CollectAndUse()
    {
        var b = new List<Block> { new Paragraph(_s.CollectIntro) };
        var activities = _p.Activities.OrderBy(a => a.Value.Order).ThenBy(a => a.Key, StringComparer.Ordinal).ToList();
        // The activity whose every purpose serves cookies is where the cookie categories and items are listed.
        var cookieActivity = _p.Cookies is null ? null : activities.Select(a => a.Key).FirstOrDefault(a =>
            _p.Purposes.Values.Where(p => p.Activity == a).ToList() is { Count: > 0 } ps && ps.All(p => p.CookieCategories.Count > 0));
        foreach (var (activityKey, activity) in activities)
        {
            var purposes = _purposes.Where(x => x.Purpose.Activity == activityKey).ToList();
            if (purposes.Count == 0 && activityKey != cookieActivity) continue;
            b.Add(new Heading(3, T(activity.Name), $"activity-{activityKey}"));
            if (activity.Summary is not null) b.Add(new Paragraph(T(activity.Summary)));
            foreach (var (key, purpose) in purposes) b.Add(PurposeDetails(key, purpose));
            if (activityKey == cookieActivity) Cookies(b, ownHeading: false);
        }
        if (cookieActivity is null) Cookies(b, ownHeading: true);
        Sdks(b);
        Sources(b);
        Children(b);
        return b;
    }

    /// <summary>Everything about one purpose, in its own disclosure: a reader first sees only its name.</summary>
    private Details PurposeDetails(string key, Purpose purpose)
    {
        var b = new List<Block> { new Paragraph(T(purpose.Description)) };
        if (purpose.Role == ProcessingRole.Processor)
        {
            var client = purpose.Client is null ? _s.BusinessClient : InSentence(purpose.Client);
            b.Add(new Paragraph(F(_s.ProcessorRole, client)));
        }
        if (_reader is null && purpose.Jurisdictions.Count > 0)
            b.Add(new LabelledParagraph(_s.AppliesIn, Places(purpose.Jurisdictions.Select(_laws.Find).OfType<Jurisdiction>())));
        b.Add(new LabelledParagraph(_s.WhatWeCollect, Join(purpose.DataCategories.Select(CategoryName))));
        Sensitive(b, purpose);
        var sources = purpose.Sources.Select(s => _p.Sources.GetValueOrDefault(s)).OfType<Source>().ToList();
        // What the person gave or what we recorded while they used our services comes from them (GDPR Art. 13); only
        // information from others needs its source (Art. 14).
        if (sources.Where(s => s.Kind is SourceKind.ThirdParty or SourceKind.Public).ToList() is { Count: > 0 } others)
            b.Add(new LabelledParagraph(_s.WhereFrom, Join(others.Select(s => InSentence(s.Name)))));
        if (purpose.Role != ProcessingRole.Processor)
        {
            if (BasisText(purpose) is { Length: > 0 } basis) b.Add(new LabelledParagraph(_s.LegalBasis, basis));
            if (purpose.LegitimateInterests is not null && _view.Any(j => j.RequiresLegalBasis && purpose.LegalBasesIn(j.Key).Contains(LegalBasis.LegitimateInterests)))
                b.Add(new LabelledParagraph(_s.OurInterests, T(purpose.LegitimateInterests)));
        }
        Consent(b, purpose, sources);
        var channels = purpose.MarketingChannels.Select(c => _p.MarketingChannels.GetValueOrDefault(c)).OfType<MarketingChannel>().ToList();
        if (channels.Count > 0)
        {
            b.Add(new LabelledParagraph(_s.Unsubscribe, ""));
            b.Add(new BulletList([.. channels.Select(c => F(_s.ContactLine, T(c.Name), T(c.Unsubscribe)))]));
        }
        if (purpose.Retention is { } retention) b.Add(new LabelledParagraph(_s.HowLong, RetentionText(retention)));
        if (purpose.ProvisionRequirement is not null) b.Add(new LabelledParagraph(_s.MustYouProvide, T(purpose.ProvisionRequirement)));
        if (purpose.AutomatedDecisions is not null) b.Add(new LabelledParagraph(_s.AutomatedDecisions, T(purpose.AutomatedDecisions)));
        return new Details(T(purpose.Name), b, 4, $"purpose-{key}");
    }

    /// <summary>Sensitive personal information: which, why it is needed and how it affects the person (PIPL Art. 30).</summary>
    private void Sensitive(List<Block> b, Purpose purpose)
    {
        var marked = purpose.DataCategories
            .Where(c => _p.DataCategories.GetValueOrDefault(c)?.SensitiveIn is { Count: > 0 } where && _view.Any(j => where.Contains(j.Key)))
            .Select(CategoryName).ToList();
        if (purpose.Sensitive is not { } sensitive)
        {
            if (marked.Count > 0) b.Add(new LabelledParagraph(_s.SensitiveInformation, Join(marked)));
            return;
        }
        // Where the policy explains sensitive information, the reader learns which of the categories it is under the
        // laws where they live (PIPL Arts. 17 and 30), not just that some is.
        if (marked.Count == 0)
        {
            var laws = _view.Where(j => purpose.AppliesIn(j.Key)).ToList();
            marked = [.. purpose.DataCategories.Where(c => laws.Any(j => _taxonomy.IsSensitive(c, j))).Select(CategoryName)];
        }
        b.Add(new LabelledParagraph(_s.SensitiveInformation, marked.Count > 0 ? Join(marked) : _s.SensitiveIncluded));
        b.Add(new LabelledParagraph(_s.SensitiveNecessity, T(sensitive.Necessity)));
        b.Add(new LabelledParagraph(_s.SensitiveImpact, T(sensitive.Impact)));
    }

    /// <summary>
    /// How consent is asked, in words that fit both the mechanism and where the data comes from: a form or a checkbox
    /// only where the person gives the data; for what we record (cameras, logs) consent comes before we record it,
    /// for data from others before we use it.
    /// </summary>
    private void Consent(List<Block> b, Purpose purpose, List<Source> sources)
    {
        if (purpose.Consent is not { } consent || !_view.Any(j => purpose.LegalBasesIn(j.Key).Contains(LegalBasis.Consent))) return;
        var fromYou = sources.Count == 0 || sources.Any(s => s.Kind == SourceKind.FirstParty);
        var fromOthers = sources.Any(s => s.Kind is SourceKind.ThirdParty or SourceKind.Public);
        var how = new List<string>();
        switch (consent.Mechanism)
        {
            case ConsentMechanism.Form or ConsentMechanism.Checkbox when !fromYou:
                how.Add(fromOthers ? _s.ConsentBeforeUse : _s.ConsentBeforeCollection);
                break;
            case ConsentMechanism.Form or ConsentMechanism.Checkbox when fromOthers:
                how.Add(Vocabulary.Name(consent.Mechanism, _lang));
                how.Add(_s.ConsentOtherSources);
                break;
            case ConsentMechanism.CookieBanner when CookieCategoryNames(purpose) is { Length: > 0 } categories:
                how.Add(F(_s.ConsentForCookies, Vocabulary.Name(consent.Mechanism, _lang), categories));
                break;
            default:
                how.Add(Vocabulary.Name(consent.Mechanism, _lang));
                break;
        }
        if (consent.Separate) how.Add(_s.ConsentSeparate);
        if (consent.Validity is { } v) how.Add(F(_s.ConsentRenewed, Period(v)));
        b.Add(new LabelledParagraph(_s.HowWeAsk, string.Join(_w.ItemSeparator, how)));
        // Marketing channels say how to stop each of them, which is how this consent is withdrawn.
        if (consent.Withdrawal is not null && purpose.MarketingChannels.Count == 0) b.Add(new LabelledParagraph(_s.Withdraw, T(consent.Withdrawal)));
    }

    private string CookieCategoryNames(Purpose purpose) =>
        Join(purpose.CookieCategories.Select(c => _p.Cookies?.Categories.GetValueOrDefault(c)?.Name is { } name ? InSentence(name) : ""));

    /// <summary>A data category's name inside a sentence ("... receive: name, email address and IP address").</summary>
    private string CategoryName(string key) => Vocabulary.InSentence(_taxonomy.DataCategories.GetValueOrDefault(key), key, _lang, _properNouns);

    /// <summary>A name of the policy's inside a sentence: the first word loses its capital unless it is a name itself.</summary>
    private string InSentence(LocalizedText? name) =>
        Vocabulary.InSentence(new TaxonomyEntry("", null, name ?? new LocalizedText(), null, FromPolicy: true), "", _lang, _properNouns);

    /// <summary>
    /// The legal bases of a purpose for the reader: those of most places, and where other places differ, theirs
    /// in brackets ("our legitimate interests (Mainland China: your consent)").
    /// </summary>
    private string BasisText(Purpose purpose) =>
        ByPlace(_view.Where(j => j.RequiresLegalBasis && purpose.AppliesIn(j.Key)).ToList(),
            j => Join(purpose.LegalBasesIn(j.Key).Select(b => Vocabulary.Name(b, _lang))));

    /// <summary>
    /// What differs by place, said once: where most places share a value, that value plainly and the others' in
    /// brackets with their places; otherwise, and where only some places have a value, every value with its places.
    /// </summary>
    private string ByPlace(List<Jurisdiction> laws, Func<Jurisdiction, string> value)
    {
        var groups = laws.Select(j => (Law: j, Value: value(j))).Where(x => x.Value.Length > 0)
            .GroupBy(x => x.Value).OrderByDescending(g => g.Count()).ToList();
        if (groups.Count == 0) return "";
        string Named(IGrouping<string, (Jurisdiction Law, string Value)> g) => F(_s.ContactLine, Places(g.Select(x => x.Law)), g.Key);
        if (groups.Sum(g => g.Count()) < laws.Count || (groups.Count > 1 && 2 * groups[0].Count() <= laws.Count))
            return string.Join(_w.ItemSeparator, groups.Select(Named));
        if (groups.Count == 1) return groups[0].Key;
        return $"{groups[0].Key}{_w.OpenParenthesis}{string.Join(_w.ItemSeparator, groups.Skip(1).Select(Named))}{_w.CloseParenthesis}";
    }

    /// <summary>The retention of a purpose; anonymising at the end is said, deleting is the rule said once in its part.</summary>
    private string RetentionText(Policy.Model.Retention r)
    {
        var text = string.Join(_w.ItemSeparator, Vocabulary.Retention(r, _p, _lang));
        return r.Action == RetentionAction.Anonymise ? text + _w.ClauseSeparator + _s.ThenAnonymised : text;
    }

    private void Cookies(List<Block> b, bool ownHeading)
    {
        if (_p.Cookies is not { } c) return;
        if (ownHeading) b.Add(new Heading(3, _s.CookiesHeading, "cookies"));
        b.Add(new Table(_s.CookieCategoriesCaption, _s.CookieCategoryHeaders.Split('|'),
            [.. c.Categories.Values.Select(cat => (IReadOnlyList<string>)[T(cat.Name), T(cat.Description), cat.ConsentRequired ? _s.ConsentNeeded : _s.AlwaysOn])]));
        var settings = c.SettingsLink is null ? _s.CookiesPage : T(c.SettingsLink);
        var more = new List<Block>();
        // The policy's description says how cookies work and how to change the choice; without one, the notice says the basics.
        if (c.Description is not null) more.Add(new Paragraph(T(c.Description)));
        else
        {
            b.Add(new Paragraph(F(_s.CookieSettings, settings)));
            if (c.MaxLifetime is { } max) more.Add(new Paragraph(F(_s.CookieMaxLifetime, Period(max))));
        }
        if (c.Items.Count > 0)
            more.Add(new Table(_s.CookieItemsCaption, _s.CookieItemHeaders.Split('|'),
                [.. c.Items.Select(i => (IReadOnlyList<string>)[
                    i.Value.Type == CookieType.Cookie ? i.Key : $"{i.Key}{_w.OpenParenthesis}{Vocabulary.Name(i.Value.Type, _lang)}{_w.CloseParenthesis}",
                    T(c.Categories.GetValueOrDefault(i.Value.Category ?? "")?.Name),
                    T(i.Value.Purpose),
                    i.Value.Lifetime is { } life ? Period(life) : "",
                    string.IsNullOrEmpty(i.Value.Provider) || i.Value.Provider == "first-party" ? _s.FirstParty : i.Value.Provider!])]));
        if (more.Count > 0) b.Add(new Details(_s.CookiesMore, more, 4, "cookie-details"));
        b.Add(new LinkList([(settings, Link("/privacy/cookies"))]));
    }

    /// <summary>Software development kits of other companies in our apps: their own part, apart from web cookies.</summary>
    private void Sdks(List<Block> b)
    {
        if (_p.Sdks.Count == 0) return;
        b.Add(new Heading(3, _s.SdksHeading, "sdks"));
        b.Add(new Paragraph(_s.SdksIntro));
        b.Add(new Details(_s.SdksList, [new Table(_s.SdksCaption, _s.SdkHeaders.Split('|'), [.. _p.Sdks.Values.Select(sdk =>
        {
            var provider = sdk.Platforms.Count == 0 ? T(sdk.Provider) : $"{T(sdk.Provider)}{_w.ItemSeparator}{Join(sdk.Platforms)}";
            var category = _p.Cookies?.Categories.GetValueOrDefault(sdk.Category ?? "");
            var consent = category is { ConsentRequired: true } ? F(_s.SdkWithConsent, T(category.Name)) : _s.AlwaysOn;
            return (IReadOnlyList<string>)[$"{sdk.Name}{_w.OpenParenthesis}{provider}{_w.CloseParenthesis}", T(sdk.Purpose),
                Starting(Join(sdk.DataCategories.Select(CategoryName))), consent, sdk.PrivacyPolicy ?? ""];
        })])], 4, "sdk-details"));
    }

    /// <summary>Where information comes from other than the reader, and what is checked before it is used (Art. 14; S2.3, S5.3).</summary>
    private void Sources(List<Block> b)
    {
        var used = _purposes.SelectMany(x => x.Purpose.Sources).Distinct()
            .Select(k => _p.Sources.GetValueOrDefault(k)).OfType<Source>()
            .Where(s => s.Kind is SourceKind.ThirdParty or SourceKind.Public).ToList();
        if (used.Count == 0) return;
        b.Add(new Heading(3, _s.SourcesHeading, "sources"));
        b.Add(new Paragraph(_s.SourcesIntro));
        b.Add(new Details(_s.SourcesList, [new BulletList([.. used.Select(s =>
        {
            var about = s.LawfulSourceAttestation ?? s.Description;
            return about is null ? T(s.Name) : F(_s.ContactLine, T(s.Name), T(about));
        })])], 4, "source-details"));
    }

    /// <summary>The ages below which a parent or guardian decides, and whether the services serve such children at all.</summary>
    private void Children(List<Block> b)
    {
        var c = _p.Children;
        int Age(Jurisdiction j) => c.MinimumAge.TryGetValue(j.Key, out var a) ? a : c.DefaultMinimumAge;
        b.Add(new Heading(3, _s.ChildrenHeading, "children"));
        if (c.Statement is not null) b.Add(new Paragraph(T(c.Statement)));
        var age = _reader is null ? c.DefaultMinimumAge : Age(_reader);
        b.Add(new Paragraph(c.GuardianConsent is null
            ? F(_s.ChildrenNotServed, age)
            : $"{F(_s.ChildrenWithGuardian, age)}{_w.SentenceSeparator}{Sentence(T(c.GuardianConsent))}"));
        if (_reader is not null) return;
        var exceptions = _view.Where(j => Age(j) != c.DefaultMinimumAge).GroupBy(Age)
            .Select(g => F(_s.ChildrenAgeIn, Places(g), g.Key)).ToList();
        if (exceptions.Count > 0) b.Add(new Paragraph(F(_s.ChildrenAges, string.Join(_w.ItemSeparator, exceptions))));
    }

    private List<Block> Sharing()
    {
        var b = new List<Block> { new Paragraph(_s.SharingIntro) };
        var transfers = _p.Transfers.Where(t => ForReader(t.Value.From)).ToList();
        var used = _purposes.SelectMany(x => x.Purpose.Recipients).Concat(transfers.SelectMany(t => t.Value.Recipients)).ToHashSet(StringComparer.Ordinal);
        var shown = _p.Recipients.Where(r => _reader is null || used.Contains(r.Key)).ToList();
        // A contact and a way to exercise rights that several recipients share is said once, with their names.
        var shared = shown.GroupBy(r => ContactAndRights(r.Value)).Where(g => g.Key.Length > 0 && g.Count() > 1).ToList();
        if (shared.Count > 0)
        {
            b.Add(new Paragraph(_s.SharedContacts));
            b.Add(new BulletList([.. shared.Select(g => F(_s.ContactLine, Starting(Join(g.Select(r => InSentence(r.Value.Name)))), g.Key))]));
        }
        var said = shared.SelectMany(g => g).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var group in shown.GroupBy(r => r.Value.Kind).OrderBy(g => g.Key))
        {
            b.Add(new Heading(3, Vocabulary.Name(group.Key, _lang), $"recipients-{PolicyLoader.Binder.EnumName(group.Key)}"));
            foreach (var (key, r) in group) b.Add(new Details(T(r.Name), RecipientBlocks(r, withContact: !said.Contains(key)), 4, $"recipient-{key}"));
        }
        Storage(b);
        if (transfers.Count > 0)
        {
            b.Add(new Heading(3, _s.TransfersHeading, "transfers"));
            b.Add(new Paragraph(_s.TransfersIntro));
            foreach (var (key, t) in transfers)
            {
                var name = t.Name is null ? F(_s.TransferTo, Country(t.Destination ?? "")) : T(t.Name);
                b.Add(new Details(name, TransferBlocks(t), 4, $"transfer-{key}"));
            }
        }
        return b;
    }

    /// <summary>
    /// A recipient: what they get, where, how they process it, and how to reach them (PIPL Arts. 23 and 39). The
    /// checks made before sharing are said once for all at the start of the part (S14.4); each recipient's own are
    /// the record's, not the reader's.
    /// </summary>
    private List<Block> RecipientBlocks(Recipient r, bool withContact)
    {
        var b = new List<Block>();
        if (r.Description is not null) b.Add(new Paragraph(T(r.Description)));
        if (r.Receives.Count > 0) b.Add(new LabelledParagraph(_s.Receives, Join(r.Receives.Select(CategoryName))));
        if (r.ProcessingMethod is not null) b.Add(new LabelledParagraph(_s.ProcessingMethod, T(r.ProcessingMethod)));
        if (r.Countries.Count > 0) b.Add(new LabelledParagraph(_s.Countries, Join(r.Countries.Select(Country))));
        if (!withContact) return b;
        if (Contact(r.Email, r.Url, r.Address) is { Length: > 0 } contact) b.Add(new LabelledParagraph(_s.ContactDetails, contact));
        if (r.ExerciseRights is not null) b.Add(new LabelledParagraph(_s.RightsAgainstThem, T(r.ExerciseRights)));
        return b;
    }

    /// <summary>How to exercise rights with a recipient and reach them, in one line; empty unless the policy says both.</summary>
    private string ContactAndRights(Recipient r) =>
        Contact(r.Email, r.Url, r.Address) is { Length: > 0 } contact && r.ExerciseRights is not null
            ? $"{Sentence(T(r.ExerciseRights))}{_w.SentenceSeparator}{F(_s.ContactLine, _s.ContactDetails.TrimEnd(':', '：'), contact)}"
            : "";

    private string Contact(string? email, string? url, LocalizedText? address) =>
        string.Join(_w.ItemSeparator, new[] { T(address), email ?? "", url ?? "" }.Where(x => x.Length > 0));

    /// <summary>Where personal information is stored, by the jurisdiction of the people it concerns.</summary>
    private void Storage(List<Block> b)
    {
        if (_p.Storage.Count == 0) return;
        string Where(DataStorage s)
        {
            var text = F(_s.StoredIn, Join(s.Countries.Select(Country)));
            if (s.Copies.Count > 0) text += F(_s.CopiesIn, Join(s.Copies.Select(Country)));
            return s.Description is null ? Sentence(text) : $"{Sentence(text)}{_w.SentenceSeparator}{T(s.Description)}";
        }
        b.Add(new Heading(3, _s.StorageHeading, "storage"));
        if (_reader is not null)
        {
            if ((_p.Storage.GetValueOrDefault(_reader.Key) ?? _p.Storage.GetValueOrDefault(PolicyDocument.DefaultKey)) is { } mine)
                b.Add(new Paragraph(F(_s.StorageYours, Where(mine))));
            return;
        }
        if (_p.Storage.Count == 1 && _p.Storage.TryGetValue(PolicyDocument.DefaultKey, out var everyone))
        {
            b.Add(new Paragraph(F(_s.StorageAll, Where(everyone))));
            return;
        }
        b.Add(new Paragraph(_s.StorageByPlace));
        b.Add(new BulletList([.. _p.Storage.OrderBy(s => s.Key == PolicyDocument.DefaultKey ? 1 : 0).Select(s =>
            F(_s.ContactLine, Starting(s.Key == PolicyDocument.DefaultKey ? _s.EverywhereElse : _laws.Find(s.Key) is { } law ? Place(law) : s.Key), Where(s.Value)))]));
    }

    private List<Block> TransferBlocks(Transfer t)
    {
        var b = new List<Block>();
        if (t.Description is not null) b.Add(new Paragraph(T(t.Description)));
        var recipients = t.Recipients.Select(r => _p.Recipients.GetValueOrDefault(r)).OfType<Recipient>().ToList();
        if (recipients.Count > 0) b.Add(new LabelledParagraph(_s.SharedWith, Join(recipients.Select(r => InSentence(r.Name)))));
        if (SafeguardText(t) is { Length: > 0 } safeguards) b.Add(new LabelledParagraph(_s.Safeguards, safeguards));
        else if (t.Safeguards.Count == 0 && t.SafeguardsByOrigin.Count == 0) b.Add(new Paragraph(_s.TransferAdequate));
        if (t.CopyAvailable is not null) b.Add(new Paragraph(T(t.CopyAvailable)));
        return b;
    }

    /// <summary>
    /// The safeguards of a transfer for the data of each place it leaves, as far as that place's law recognises them
    /// (EU clauses for data from the EU, the PIPL standard contract for data from mainland China); the same list for
    /// every place is said once.
    /// </summary>
    private string SafeguardText(Transfer t)
    {
        var origins = (t.From.Count == 0 ? _view : t.From.Select(_laws.Find).OfType<Jurisdiction>())
            .Where(o => _reader is null || o.Key == _reader.Key).ToList();
        return ByPlace(origins, o => Join(Recognised(t.SafeguardsFor(o.Key), o).Select(s => Vocabulary.Name(s, _lang))));
    }

    /// <summary>
    /// The safeguards that protect data from one place: those its law recognises; for a law that lists none, those
    /// not made for one other law alone (no UK agreement or PIPL contract for data from Japan).
    /// </summary>
    private IReadOnlyList<Safeguard> Recognised(IReadOnlyList<Safeguard> safeguards, Jurisdiction origin)
    {
        var fitting = origin.Safeguards is { Count: > 0 } known
            ? safeguards.Where(known.Contains).ToList()
            : safeguards.Where(s => _laws.ByKey.Values.Count(j => j.Safeguards?.Contains(s) == true) != 1).ToList();
        return fitting.Count > 0 ? fitting : safeguards;
    }

    private List<Block> Controllers()
    {
        var b = new List<Block>();
        var entities = _p.Controllers.Values.Distinct(StringComparer.Ordinal).ToList();
        if (entities.Count == 1)
        {
            var e = _p.Entities.GetValueOrDefault(entities[0]);
            b.Add(new Paragraph(F(_s.SingleController, ControllerTerm, T(e?.Name))));
            if (Contact(e?.Email, e?.Url, e?.Address) is { Length: > 0 } contact) b.Add(new LabelledParagraph(_s.ContactDetails, contact));
        }
        else
        {
            var rows = ControllerRows();
            if (_reader is not null && rows.Select(r => r.Entity).Distinct().Count() == 1)
            {
                var e = _p.Entities.GetValueOrDefault(rows[0].Entity);
                b.Add(new Paragraph(F(_s.YourController, Place(_reader), ControllerTerm, T(e?.Name))));
                if (Contact(e?.Email, e?.Url, e?.Address) is { Length: > 0 } contact) b.Add(new LabelledParagraph(_s.ContactDetails, contact));
            }
            else
            {
                b.Add(new Paragraph(F(_s.GroupControllers, ControllerTerm, T(_p.Organisation.Name))));
                b.Add(new Table(F(_s.ControllerTableCaption, ControllerTerm), [.. F(_s.ControllerHeaders, ControllerTerm).Split('|').Select(Starting)],
                    [.. rows.GroupBy(r => r.Entity).Select(g =>
                    {
                        var e = _p.Entities.GetValueOrDefault(g.Key);
                        return (IReadOnlyList<string>)[Starting(Join(g.Select(r => r.Where))), T(e?.Name), e?.Email ?? e?.Url ?? ""];
                    })]));
            }
        }
        if (_reader is null && _p.Jurisdictions.Contains(Pipl)) b.Add(new Paragraph(_s.PiplTerms));
        if (_p.Representatives.Count > 0)
        {
            b.Add(new Heading(3, _s.RepresentativesHeading, "representatives"));
            b.Add(new Paragraph(_s.RepresentativesIntro));
            b.Add(new BulletList([.. _p.Representatives.Values.Select(r => F(_s.ContactLine, T(r.Area), Contact(r.Email, null, r.Address) is { Length: > 0 } c ? $"{T(r.Name)}{_w.ItemSeparator}{c}" : T(r.Name)))]));
        }
        var contacts = new List<Contact>();
        if (_p.Dpo is not null) contacts.Add(_p.Dpo);
        contacts.AddRange(_p.Contacts.Values);
        if (contacts.Count > 0)
        {
            b.Add(new Heading(3, ForPipl ? _s.PiplOfficerHeading : _s.DpoHeading, "contacts"));
            b.Add(new BulletList([.. contacts.Select(ContactText)]));
        }
        return b;
    }

    /// <summary>
    /// Which entity is the controller where: for a reader, the rows of their law and of its countries (else the
    /// default); for everyone, every row, countries first and "everywhere else" last.
    /// </summary>
    private List<(string Where, string Entity)> ControllerRows()
    {
        bool Mine(string key) => _reader is null || key == _reader.Key || _reader.Domestic.Contains(key, StringComparer.OrdinalIgnoreCase);
        var rows = _p.Controllers.Where(c => c.Key != PolicyDocument.DefaultKey && Mine(c.Key))
            .OrderBy(c => _laws.Find(c.Key) is null ? 0 : 1).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => (Where: _laws.Find(c.Key) is { } law ? Place(law) : Country(c.Key.ToUpperInvariant()), Entity: c.Value)).ToList();
        if ((_reader is null || rows.Count == 0) && _p.Controllers.TryGetValue(PolicyDocument.DefaultKey, out var fallback))
            rows.Add((_reader is null ? _s.EverywhereElse : Place(_reader), fallback));
        return rows;
    }

    /// <summary>A contact by email or web page; the postal address only where there is neither.</summary>
    private string ContactText(Contact c)
    {
        var how = c.Email is null && c.Url is null ? T(c.Address) : Contact(c.Email, c.Url, null);
        var text = how.Length > 0 ? F(_s.ContactLine, T(c.Name), how) : T(c.Name);
        return c.Description is null ? text : $"{Sentence(text)}{_w.SentenceSeparator}{T(c.Description)}";
    }

    private List<Block> SecurityAndRetention()
    {
        var b = new List<Block> { new Paragraph(_s.SecurityIntro) };
        foreach (var kind in _p.SecurityMeasures.Values.GroupBy(m => m.Kind).OrderBy(g => g.Key))
            b.Add(new LabelledParagraph(Vocabulary.Name(kind.Key, _lang) + _w.LabelSeparator.TrimEnd(),
                string.Join(_w.SentenceSeparator, kind.Select(m => Sentence(T(m.Description))))));
        b.Add(new Heading(3, _s.RetentionHeading, "retention"));
        b.Add(new Paragraph(_s.RetentionWhere));
        return b;
    }

    private List<Block> Rights()
    {
        var b = new List<Block> { new Paragraph(_s.RightsIntro) };
        foreach (var (key, right) in _p.Rights.Where(r => ForReader(r.Value.Jurisdictions)))
        {
            var d = new List<Block> { new Paragraph(T(right.Description)) };
            if (right.HowToExercise is not null) d.Add(new LabelledParagraph(_s.HowToExercise, T(right.HowToExercise)));
            if (right.Limitations is not null) d.Add(new LabelledParagraph(_s.Limitations, T(right.Limitations)));
            if (_reader is null && right.Jurisdictions.Count > 0)
                d.Add(new LabelledParagraph(_s.AppliesIn, Places(right.Jurisdictions.Select(_laws.Find).OfType<Jurisdiction>())));
            b.Add(new Details(T(right.Name), d, 3, $"right-{key}"));
        }
        if (!_purposes.Any(x => x.Purpose.AutomatedDecisions is not null)) b.Add(new Paragraph(_s.NoAutomatedDecisions));

        b.Add(new Heading(3, _s.RequestsHeading, "requests"));
        var r = _p.RightsRequests;
        var where = new[] { r.Url ?? "", r.Email ?? "" }.Where(x => x.Length > 0).ToList();
        if (where.Count > 0) b.Add(new Paragraph(F(_s.RequestWhere, Vocabulary.Either(where, _lang))));
        b.Add(new Paragraph(F(_s.RequestCollects, Sentence(T(r.Collects)))));
        if (_p.IdentityVerification is { Methods.Count: > 0 } verification)
        {
            var methods = new List<Block> { new BulletList([.. verification.Methods.Values.Select(m => Sentence(T(m.Description)))]) };
            b.Add(new Details(_s.VerificationHeading, methods, 4, "verification"));
        }
        var kept = new List<string>();
        if (r.StatusVisibleFor is { } visible) kept.Add(F(_s.StatusVisible, Period(visible)));
        if (r.RecordsKeptFor is { } records) kept.Add(F(_s.RecordsKept, Period(records)));
        if (kept.Count > 0) b.Add(new Paragraph(string.Join(_w.SentenceSeparator, kept)));
        b.Add(new LinkList([(_s.RightsPage, Link("/privacy/rights")), (_s.PreferencesPage, Link("/privacy/preferences")), (_s.CookiesPage, Link("/privacy/cookies"))]));

        if (_p.Complaints is { } complaints)
        {
            b.Add(new Heading(3, _s.ComplaintsHeading, "complaints"));
            b.Add(new Paragraph(T(complaints.SupervisoryAuthority)));
            foreach (var adr in complaints.DisputeResolution.Values) b.Add(new LabelledParagraph(_s.DisputeResolution, ContactText(adr)));
        }
        return b;
    }

    private List<Block> LegalBases()
    {
        var b = new List<Block>();
        var withBases = _view.Where(j => j.RequiresLegalBasis).ToList();
        if (withBases.Count > 0)
        {
            b.Add(new Paragraph(F(_s.LegalBasesIntro, Places(withBases))));
            var used = _purposes.Where(x => x.Purpose.Role != ProcessingRole.Processor)
                .SelectMany(x => withBases.SelectMany(j => x.Purpose.LegalBasesIn(j.Key))).Distinct().Order().ToList();
            b.Add(new BulletList([.. used.Select(basis => F(_s.ContactLine, Capitalised(Vocabulary.Name(basis, _lang)), _s.BasisMeanings[basis]))]));
        }
        if (_purposes.Any(x => x.Purpose.Consent is { Separate: true })) b.Add(new Paragraph(_s.SeparateConsentMeaning));
        foreach (var rule in _view.Where(j => !j.RequiresLegalBasis && j.LawfulnessRule is not null).GroupBy(j => j.LawfulnessRule!.Value).OrderBy(g => g.Key))
            b.Add(new Paragraph(F(_s.Lawfulness[rule.Key], Places(rule))));
        return b;
    }

    /// <summary>A name that starts a list item: English capitalises its first letter.</summary>
    private static string Capitalised(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    private List<Block> Updates()
    {
        var b = new List<Block>();
        if (_p.Notice.Updates is not null) b.Add(new Paragraph(T(_p.Notice.Updates)));
        var version = F(_s.ThisVersion, _version.Version, Vocabulary.Date(_version.EffectiveDate, _lang));
        if (_p.Notice.LastReviewed is { } reviewed) version += _w.SentenceSeparator + F(_s.LastReviewed, Vocabulary.Date(reviewed, _lang));
        b.Add(new Paragraph(version));
        b.Add(new LinkList([(_s.PreviousVersions, Link("/privacy/versions"))]));
        return b;
    }

    private string Link(string path) => $"{path}?lang={_lang}";

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=\w)\.\.(?!\.)")]
    private static partial System.Text.RegularExpressions.Regex DoubleStop();

    /// <summary>Every public text of a policy, for the words its English capitalises.</summary>
    private static IEnumerable<LocalizedText> PolicyTexts(PolicyDocument p)
    {
        IEnumerable<LocalizedText?> all =
        [
            p.Notice.Introduction, p.Organisation.Scope, p.Children.Statement, p.Complaints?.SupervisoryAuthority,
            .. p.Activities.Values.Select(a => a.Summary),
            .. p.Purposes.Values.SelectMany(x => new[] { x.Description, x.LegitimateInterests, x.ProvisionRequirement, x.Consent?.Withdrawal }),
            .. p.Recipients.Values.Select(r => r.Description),
            .. p.Rights.Values.SelectMany(r => new[] { r.Description, r.HowToExercise }),
        ];
        return all.OfType<LocalizedText>();
    }
}
