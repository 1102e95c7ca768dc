using System.Globalization;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Notices;

/// <summary>
/// Writes the privacy notice from a policy version, in the eight parts of the reference statement,
/// grouped by activity and in plain sentences, with every GDPR Art. 13/14 content.
/// </summary>
internal sealed class NoticeBuilder
{
    public static readonly string[] SectionIds = ["introduction", "collect-and-use", "sharing", "controllers", "security-and-retention", "rights", "legal-bases", "updates"];

    private readonly PolicyDocument _p;
    private readonly PolicyVersionInfo _version;
    private readonly string _lang;
    private readonly NoticeStrings _s;
    private readonly VocabularyStrings _w;
    private readonly Taxonomy _taxonomy;
    private readonly JurisdictionCatalogue _laws;

    private NoticeBuilder(PublishedPolicy policy, string lang)
    {
        _p = policy.Document;
        _version = policy.Info;
        _lang = lang;
        _s = Language.Strings<NoticeStrings>(lang);
        _w = Language.Strings<VocabularyStrings>(lang);
        _taxonomy = _p.Taxonomy;
        _laws = JurisdictionCatalogue.Bundled;
    }

    public static NoticeDocument Build(PublishedPolicy policy, string lang) => new NoticeBuilder(policy, lang).Build();

    private string T(LocalizedText? text) => text?.In(_lang) ?? "";
    private static string F(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
    private string Join(IEnumerable<string> items) => Vocabulary.List(items, _lang);
    private string Sentence(string text) => Vocabulary.Sentence(text, _lang);
    private string Period(Duration period) => Vocabulary.Period(period, _lang);

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
        return new NoticeDocument(_lang, T(_p.Notice.Title), lead, sections);
    }

    private NoticeSection Section(int i, List<Block> blocks) => new(SectionIds[i], _s.SectionHeadings[i], blocks);

    private List<Block> Introduction()
    {
        var b = new List<Block> { new Paragraph(T(_p.Notice.Introduction)) };
        if (_p.Organisation.Scope is not null) b.Add(new Paragraph(T(_p.Organisation.Scope)));
        if (_p.SupplementaryNotices.Count > 0)
        {
            b.Add(new Paragraph(_s.Supplements));
            b.Add(new LinkList(_p.SupplementaryNotices.Values.Select(n =>
                (n.Description is null ? T(n.Title) : $"{T(n.Title)} — {T(n.Description)}", n.Url ?? "")).ToList()));
        }
        b.Add(new Paragraph(_s.Languages));
        if (_p.Notice.OtherLanguages.Count > 0) b.Add(new Paragraph(F(_s.OtherLanguages, Join(_p.Notice.OtherLanguages))));
        return b;
    }

    private List<Block> CollectAndUse()
    {
        var b = new List<Block> { new Paragraph(_s.CollectIntro) };
        var activities = _p.Activities.OrderBy(a => a.Value.Order).ThenBy(a => a.Key, StringComparer.Ordinal).ToList();
        foreach (var (activityKey, activity) in activities)
        {
            var purposes = _p.Purposes.Where(x => x.Value.Activity == activityKey).ToList();
            if (purposes.Count == 0 && activity.Summary is null) continue;
            b.Add(new Heading(3, T(activity.Name), $"activity-{activityKey}"));
            if (activity.Summary is not null) b.Add(new Paragraph(T(activity.Summary)));
            foreach (var (key, purpose) in purposes) Purpose(b, key, purpose, purposes.Count > 1 || activity.Summary is not null);
        }
        Cookies(b);
        Children(b);
        return b;
    }

    private void Purpose(List<Block> b, string key, Purpose purpose, bool ownHeading)
    {
        if (ownHeading) b.Add(new Heading(4, T(purpose.Name), $"purpose-{key}"));
        b.Add(new Paragraph(T(purpose.Description)));
        if (purpose.Role == ProcessingRole.Processor) b.Add(new Paragraph(_s.ProcessorRole));
        b.Add(new LabelledParagraph(_s.WhatWeCollect, ""));
        b.Add(new BulletList(purpose.DataCategories.Select(CategoryItem).ToList()));
        if (purpose.Subjects.Count > 0)
            b.Add(new LabelledParagraph(_s.WhoItConcerns, Sentence(Join(purpose.Subjects.Select(s => InSentence(_taxonomy.DataSubjects.GetValueOrDefault(s), s))))));
        var sources = purpose.Sources.Select(s => _p.Sources.GetValueOrDefault(s)).OfType<Source>().ToList();
        if (sources.Count > 0)
        {
            b.Add(new LabelledParagraph(_s.WhereFrom, Sentence(Join(sources.Select(s => InSentence(s.Name))))));
            foreach (var s in sources.Where(s => s.LawfulSourceAttestation is not null))
                b.Add(new Paragraph(F(_s.LawfulSource, InSentence(s.Name), Sentence(T(s.LawfulSourceAttestation)))));
        }
        b.Add(new LabelledParagraph(_s.WhyMayWe, Sentence(BasisSummary(purpose))));
        if (purpose.Consent is { } consent)
        {
            var text = F(_s.ConsentVia, Vocabulary.Name(consent.Mechanism, _lang), Sentence(T(consent.Withdrawal))).Trim();
            if (consent.Validity is { } v) text += _w.SentenceSeparator + F(_s.ConsentValidity, Period(v));
            b.Add(new LabelledParagraph(_s.YourChoice, text));
        }
        var channels = purpose.MarketingChannels.Select(c => _p.MarketingChannels.GetValueOrDefault(c)).OfType<MarketingChannel>().ToList();
        if (channels.Count > 0)
        {
            b.Add(new Paragraph(F(_s.Channels, Join(channels.Select(c => T(c.Name))))));
            b.Add(new BulletList(channels.Select(c => F(_s.ContactLine, T(c.Name), T(c.Unsubscribe))).ToList()));
        }
        var recipients = purpose.Recipients.Select(r => _p.Recipients.GetValueOrDefault(r)).OfType<Recipient>().ToList();
        if (recipients.Count > 0) b.Add(new LabelledParagraph(_s.SharedWith, Sentence(Join(recipients.Select(r => T(r.Name))))));
        if (purpose.Retention is { } retention) b.Add(new LabelledParagraph(_s.HowLong, RetentionText(retention)));
        if (purpose.ProvisionRequirement is not null) b.Add(new LabelledParagraph(_s.MustYouProvide, T(purpose.ProvisionRequirement)));
        if (purpose.AutomatedDecisions is not null) b.Add(new LabelledParagraph(_s.AutomatedDecisions, T(purpose.AutomatedDecisions)));
    }

    /// <summary>A data category's name inside a sentence ("... receive: name, email address and IP address").</summary>
    private string CategoryName(string key) => InSentence(_taxonomy.DataCategories.GetValueOrDefault(key), key);

    /// <summary>A data category's name as a list item: capitalised like a heading.</summary>
    private string CategoryItem(string key)
    {
        var name = CategoryName(key);
        return name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
    }

    private string InSentence(TaxonomyEntry? entry, string key) => Vocabulary.InSentence(entry, key, _lang);

    /// <summary>A source's name inside a sentence: the first word loses its capital, as for the policy's taxonomy names.</summary>
    private string InSentence(LocalizedText? name) =>
        InSentence(new TaxonomyEntry("", null, name ?? new LocalizedText(), null, FromPolicy: true), "");

    /// <summary>"performing a contract with you (European Union (GDPR) and United Kingdom (UK GDPR)); your consent (Mainland China (PIPL))".</summary>
    private string BasisSummary(Purpose purpose)
    {
        var groups = _p.Jurisdictions.Select(_laws.Find).OfType<Jurisdiction>().Where(j => j.RequiresLegalBasis)
            .Select(j => (Law: j, Bases: purpose.LegalBasesIn(j.Key)))
            .Where(x => x.Bases.Count > 0)
            .GroupBy(x => Join(x.Bases.Select(b => Vocabulary.Name(b, _lang))))
            .Select(g => $"{g.Key}{_w.OpenParenthesis}{Join(g.Select(x => T(x.Law.Name)))}{_w.CloseParenthesis}");
        return string.Join(_w.ItemSeparator, groups);
    }

    private string RetentionText(Retention r, bool withEnd = true)
    {
        var parts = Vocabulary.Retention(r, _p, _lang).Select(Sentence).ToList();
        if (withEnd) parts.Add(F(_s.RetentionEnd, Vocabulary.Name(r.Action, _lang)));
        return string.Join(_w.SentenceSeparator, parts);
    }

    private void Cookies(List<Block> b)
    {
        if (_p.Cookies is not { } c) return;
        b.Add(new Heading(3, _s.CookiesHeading, "cookies"));
        if (c.Description is not null) b.Add(new Paragraph(T(c.Description)));
        b.Add(new Table(_s.CookieCategoriesCaption, _s.CookieCategoryHeaders.Split('|'),
            c.Categories.Values.Select(cat => (IReadOnlyList<string>)[T(cat.Name), T(cat.Description), cat.ConsentRequired ? _s.ConsentNeeded : _s.AlwaysOn]).ToList()));
        if (c.Items.Count > 0)
            b.Add(new Table(_s.CookieItemsCaption, _s.CookieItemHeaders.Split('|'),
                c.Items.Select(i => (IReadOnlyList<string>)[i.Key,
                    T(c.Categories.GetValueOrDefault(i.Value.Category ?? "")?.Name),
                    Vocabulary.Name(i.Value.Type, _lang),
                    (i.Value.Lifetime is { } life ? Period(life) : ""),
                    string.IsNullOrEmpty(i.Value.Provider) || i.Value.Provider == "first-party" ? _s.FirstParty : i.Value.Provider!]).ToList()));
        if (c.MaxLifetime is { } max) b.Add(new Paragraph(F(_s.CookieMaxLifetime, Period(max))));
        b.Add(new Paragraph(F(_s.CookieSettings, c.SettingsLink is null ? _s.CookiesPage : T(c.SettingsLink))));
        b.Add(new LinkList([(_s.CookiesPage, Link("/privacy/cookies"))]));
    }

    private void Children(List<Block> b)
    {
        var c = _p.Children;
        b.Add(new Heading(3, _s.ChildrenHeading, "children"));
        if (c.Statement is not null) b.Add(new Paragraph(T(c.Statement)));
        b.Add(new Paragraph(F(_s.ChildrenDefault, c.DefaultMinimumAge)));
        var exceptions = c.MinimumAge.Where(a => a.Value != c.DefaultMinimumAge)
            .Select(a => F(_s.ChildrenException, T(_laws.Find(a.Key)?.Name) is { Length: > 0 } n ? n : a.Key, a.Value)).ToList();
        if (exceptions.Count > 0) b.Add(new BulletList(exceptions));
    }

    private List<Block> Sharing()
    {
        var b = new List<Block> { new Paragraph(_s.SharingIntro) };
        foreach (var group in _p.Recipients.GroupBy(r => r.Value.Kind).OrderBy(g => g.Key))
        {
            b.Add(new Heading(3, Vocabulary.Name(group.Key, _lang), $"recipients-{PolicyLoader.Binder.EnumName(group.Key)}"));
            foreach (var (_, r) in group)
            {
                b.Add(new Heading(4, T(r.Name)));
                if (r.Description is not null) b.Add(new Paragraph(T(r.Description)));
                if (r.Receives.Count > 0) b.Add(new LabelledParagraph(_s.Receives, Sentence(Join(r.Receives.Select(CategoryName)))));
                if (r.Safeguards is not null) b.Add(new LabelledParagraph(_s.ChecksBefore, T(r.Safeguards)));
            }
        }
        if (_p.Transfers.Count > 0)
        {
            b.Add(new Heading(3, _s.TransfersHeading, "transfers"));
            foreach (var (_, t) in _p.Transfers)
            {
                b.Add(new Heading(4, t.Name is null ? F(_s.TransferTo, Vocabulary.Country(t.Destination ?? "", _lang)) : T(t.Name)));
                if (t.Description is not null) b.Add(new Paragraph(T(t.Description)));
                var recipients = t.Recipients.Select(r => _p.Recipients.GetValueOrDefault(r)).OfType<Recipient>().ToList();
                if (recipients.Count > 0) b.Add(new LabelledParagraph(_s.SharedWith, Sentence(Join(recipients.Select(r => T(r.Name))))));
                b.Add(new Paragraph(t.Safeguards.Count == 0
                    ? _s.TransferAdequate
                    : F(_s.TransferSafeguards, Join(t.Safeguards.Select(s => Vocabulary.Name(s, _lang))))));
                if (t.CopyAvailable is not null) b.Add(new Paragraph(T(t.CopyAvailable)));
            }
        }
        return b;
    }

    private List<Block> Controllers()
    {
        var b = new List<Block> { new Paragraph(_s.ControllersIntro) };
        var rows = _p.Controllers
            .OrderBy(c => c.Key == PolicyDocument.DefaultKey ? 1 : 0).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c =>
            {
                var e = _p.Entities.GetValueOrDefault(c.Value);
                var where = c.Key == PolicyDocument.DefaultKey ? _s.EverywhereElse
                    : _laws.Find(c.Key) is { } law ? T(law.Name) : Vocabulary.Country(c.Key.ToUpperInvariant(), _lang);
                return (IReadOnlyList<string>)[where, T(e?.Name), T(e?.Address), Join(new[] { e?.Email ?? "", e?.Url ?? "" })];
            }).ToList();
        b.Add(new Table(_s.ControllerTableCaption, _s.ControllerHeaders.Split('|'), rows));
        if (_p.Representatives.Count > 0)
        {
            b.Add(new Heading(3, _s.RepresentativesHeading, "representatives"));
            b.Add(new BulletList(_p.Representatives.Values.Select(r =>
                F(_s.ContactLine, T(r.Area), Join(new[] { T(r.Name), T(r.Address), r.Email ?? "" }))).ToList()));
        }
        var contacts = new List<Contact>();
        if (_p.Dpo is not null) contacts.Add(_p.Dpo);
        contacts.AddRange(_p.Contacts.Values);
        if (contacts.Count > 0)
        {
            b.Add(new Heading(3, _s.DpoHeading, "contacts"));
            b.Add(new BulletList(contacts.Select(ContactText).ToList()));
        }
        return b;
    }

    private string ContactText(Contact c)
    {
        var how = new[] { c.Email ?? "", c.Url ?? "", T(c.Address) }.Where(x => x.Length > 0);
        var text = F(_s.ContactLine, T(c.Name), string.Join(_w.ItemSeparator, how));
        return c.Description is null ? text : $"{text} — {T(c.Description)}";
    }

    private List<Block> SecurityAndRetention()
    {
        var b = new List<Block> { new Paragraph(_s.SecurityIntro) };
        foreach (var group in _p.SecurityMeasures.GroupBy(m => m.Value.Kind).OrderBy(g => g.Key))
        {
            b.Add(new Heading(3, Vocabulary.Name(group.Key, _lang)));
            b.Add(new BulletList(group.Select(m => T(m.Value.Description)).ToList()));
        }
        b.Add(new Heading(3, _s.RetentionHeading, "retention"));
        b.Add(new Paragraph(_s.RetentionIntro));
        b.Add(new Table(_s.RetentionCaption, _s.RetentionHeaders.Split('|'),
            _p.Purposes.Where(x => x.Value.Retention is not null).Select(x => (IReadOnlyList<string>)
                [T(x.Value.Name), RetentionText(x.Value.Retention!, withEnd: false), Vocabulary.Name(x.Value.Retention!.Action, _lang)]).ToList()));
        return b;
    }

    private List<Block> Rights()
    {
        var b = new List<Block> { new Paragraph(_s.RightsIntro) };
        foreach (var (key, right) in _p.Rights)
        {
            b.Add(new Heading(3, T(right.Name), $"right-{key}"));
            b.Add(new Paragraph(T(right.Description)));
            if (right.HowToExercise is not null) b.Add(new LabelledParagraph(_s.HowToExercise, T(right.HowToExercise)));
            if (right.Limitations is not null) b.Add(new LabelledParagraph(_s.Limitations, T(right.Limitations)));
            if (right.Jurisdictions.Count > 0)
                b.Add(new LabelledParagraph(_s.WhereOffered, Sentence(Join(right.Jurisdictions.Select(j => T(_laws.Find(j)?.Name) is { Length: > 0 } n ? n : j)))));
        }
        if (!_p.Purposes.Values.Any(p => p.AutomatedDecisions is not null)) b.Add(new Paragraph(_s.NoAutomatedDecisions));

        b.Add(new Heading(3, _s.RequestsHeading, "requests"));
        var r = _p.RightsRequests;
        b.Add(new Paragraph(F(_s.RequestCollects, Sentence(T(r.Collects)))));
        var where = new[] { r.Url ?? "", r.Email ?? "" }.Where(x => x.Length > 0).ToList();
        if (where.Count > 0) b.Add(new Paragraph(F(_s.RequestWhere, Join(where))));
        if (_p.IdentityVerification is { Methods.Count: > 0 } verification)
        {
            b.Add(new Heading(4, _s.VerificationHeading));
            b.Add(new BulletList(verification.Methods.Values.Select(m => T(m.Description)).ToList()));
            if (verification.Methods.Values.Any(m => m.PhotoId && m.DeleteAfterVerification)) b.Add(new Paragraph(_s.PhotoIdDeleted));
        }
        if (r.StatusVisibleFor is { } visible) b.Add(new Paragraph(F(_s.StatusVisible, Period(visible))));
        if (r.RecordsKeptFor is { } kept) b.Add(new Paragraph(F(_s.RecordsKept, Period(kept))));
        b.Add(new Paragraph(_s.PrivacyCentreLinks));
        b.Add(new LinkList([(_s.RightsPage, Link("/privacy/rights")), (_s.PreferencesPage, Link("/privacy/preferences")), (_s.CookiesPage, Link("/privacy/cookies"))]));

        if (_p.Complaints is { } complaints)
        {
            b.Add(new Heading(3, _s.ComplaintsHeading, "complaints"));
            b.Add(new Paragraph(T(complaints.SupervisoryAuthority)));
            if (complaints.DisputeResolution.Count > 0)
                b.Add(new LabelledParagraph(_s.DisputeResolution, string.Join(" ", complaints.DisputeResolution.Values.Select(ContactText))));
        }
        return b;
    }

    private List<Block> LegalBases()
    {
        var b = new List<Block> { new Paragraph(_s.LegalBasesIntro) };
        var laws = _p.Jurisdictions.Select(_laws.Find).OfType<Jurisdiction>().ToList();
        var withBases = laws.Where(j => j.RequiresLegalBasis).ToList();
        b.Add(new Table(_s.LegalBasesCaption, [_s.Purpose, .. withBases.Select(j => T(j.Name))],
            _p.Purposes.Values.Select(p => (IReadOnlyList<string>)[T(p.Name), .. withBases.Select(j =>
                p.LegalBasesIn(j.Key) is { Count: > 0 } bases ? Join(bases.Select(b => Vocabulary.Name(b, _lang))) : _s.NotApplicable)]).ToList()));
        var interests = _p.Purposes.Values.Where(p => p.LegitimateInterests is not null).ToList();
        if (interests.Count > 0)
        {
            b.Add(new Heading(3, _s.LegitimateInterestsHeading, "legitimate-interests"));
            b.Add(new BulletList(interests.Select(p => F(_s.ContactLine, T(p.Name), T(p.LegitimateInterests))).ToList()));
        }
        var optOut = laws.Where(j => !j.RequiresLegalBasis).ToList();
        if (optOut.Count > 0) b.Add(new Paragraph(F(_s.OptOutRegimes, Join(optOut.Select(j => T(j.Name))))));
        return b;
    }

    private List<Block> Updates()
    {
        var b = new List<Block>();
        if (_p.Notice.Updates is not null) b.Add(new Paragraph(T(_p.Notice.Updates)));
        b.Add(new Paragraph(F(_s.ThisVersion, _version.Version, Vocabulary.Date(_version.EffectiveDate, _lang))));
        if (_p.Notice.LastReviewed is { } reviewed) b.Add(new Paragraph(F(_s.LastReviewed, Vocabulary.Date(reviewed, _lang))));
        b.Add(new LinkList([(_s.PreviousVersions, Link("/privacy/versions"))]));
        return b;
    }

    private string Link(string path) => $"{path}?lang={_lang}";
}
