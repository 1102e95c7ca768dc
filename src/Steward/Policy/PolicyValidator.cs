using System.Collections;
using System.Globalization;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;

namespace Steward.Policy;

/// <summary>
/// The rules a policy must meet beyond its shape: references exist, legal bases fit the laws in
/// scope, consent has a mechanism, transfers have safeguards, every category has a retention rule.
/// Each rule reports with a code documented in docs/policy.md.
/// </summary>
internal sealed class PolicyValidator(JurisdictionCatalogue jurisdictions)
{
    public const string DefaultKey = PolicyDocument.DefaultKey;

    public IReadOnlyList<PolicyDiagnostic> Validate(PolicyDocument p, SourceMap map)
    {
        var run = new Run(p, map, jurisdictions, p.Taxonomy);
        run.All();
        return run.Diagnostics;
    }

    private sealed class Run(PolicyDocument p, SourceMap map, JurisdictionCatalogue catalogue, Taxonomy taxonomy)
    {
        public List<PolicyDiagnostic> Diagnostics { get; } = [];
        private readonly List<Jurisdiction> _inScope = [];

        // A part without a location was missing from the files, which the loader has reported already;
        // rules about it would only repeat that with made-up values.
        private void Error(SourceLocation at, string code, string message)
        {
            if (at != SourceMap.Unknown) Diagnostics.Add(new(at, Severity.Error, code, message));
        }

        private void Warn(SourceLocation at, string code, string message)
        {
            if (at != SourceMap.Unknown) Diagnostics.Add(new(at, Severity.Warning, code, message));
        }

        public void All()
        {
            if (p.Steward != 1 && map.Of(p, "steward") is var at && at != SourceMap.Unknown)
                Error(at, PolicyCodes.UnsupportedFormatVersion, $"Format version {p.Steward} is not supported; this Steward reads version 1.");
            Jurisdictions();
            Organisation();
            CountryCodes();
            Taxonomies();
            foreach (var (key, purpose) in p.Purposes) Purpose(key, purpose);
            Sources();
            Recipients();
            Transfers();
            Storage();
            Cookies();
            Sdks();
            Rights();
            Children();
            ConsentRecords();
            Urls();
        }

        private void ConsentRecords()
        {
            if (p.ConsentRecords?.KeptFor is { } kept && (kept.IsSession || kept.ApproximateDays <= 0))
                Error(map.Of(p.ConsentRecords, "kept_for"), PolicyCodes.MalformedDuration, "consent_records.kept_for must be a period such as P3Y: how long the proof of a consent is kept once it is no longer relied on.");
        }

        /// <summary>Links end up in pages and exported files: only http(s) and mailto, so no script can hide in one.</summary>
        private void Urls()
        {
            void Check(object owner, string member, string? url)
            {
                if (url is null) return;
                var ok = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "mailto";
                if (!ok)
                    Error(map.Of(owner, member), PolicyCodes.UnsafeUrl,
                        $"'{(url.Length > 60 ? url[..60] + "…" : url)}' is not an absolute http(s) or mailto address; links in the notice must be one.");
            }
            Check(p.Organisation, "website", p.Organisation.Website);
            foreach (var e in p.Entities.Values) Check(e, "url", e.Url);
            foreach (var c in p.Contacts.Values.Append(p.Dpo).OfType<Contact>()) Check(c, "url", c.Url);
            foreach (var c in p.Complaints?.DisputeResolution.Values ?? Enumerable.Empty<Contact>()) Check(c, "url", c.Url);
            foreach (var n in p.SupplementaryNotices.Values) Check(n, "url", n.Url);
            Check(p.RightsRequests, "url", p.RightsRequests.Url);
            foreach (var r in p.Recipients.Values) Check(r, "url", r.Url);
            foreach (var (key, sdk) in p.Sdks)
                if (sdk.PrivacyPolicy is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == "https"))
                    Error(map.Of(sdk, "privacy_policy"), PolicyCodes.UnsafeUrl,
                        $"The privacy policy of SDK '{key}' must be an absolute https address, which the notice links to.");
        }

        private void Jurisdictions()
        {
            for (var i = 0; i < p.Jurisdictions.Count; i++)
            {
                var key = p.Jurisdictions[i];
                if (catalogue.Find(key) is { } j) _inScope.Add(j);
                else UnknownJurisdiction(map.Of(p.Jurisdictions, Index(i)), key);
            }
            if (p.Jurisdictions.Count == 0 && map.Of(p, "jurisdictions") is var at && at != SourceMap.Unknown)
                Error(at, PolicyCodes.MissingField, "List at least one jurisdiction in scope.");
        }

        private void UnknownJurisdiction(SourceLocation at, string key)
        {
            var hint = PolicyLoader.Suggest(key, catalogue.ByKey.Keys);
            Error(at, PolicyCodes.UnknownJurisdiction,
                $"Unknown jurisdiction '{key}'{(hint is null ? "" : $"; did you mean '{hint}'?")} (known: {string.Join(", ", catalogue.ByKey.Keys)}).");
        }

        private string? JurisdictionHint(string key) =>
            PolicyLoader.Suggest(key, catalogue.ByKey.Keys) is { } hint ? $"; did you mean '{hint}'?" : null;

        /// <summary>
        /// Country codes are assigned ISO 3166-1 alpha-2 codes in capitals, as ISO writes them: the notice prints the
        /// country's name for them, and a code that names no country would be printed as it is.
        /// </summary>
        private void Country(SourceLocation at, string code, string what, string owner, bool allowWorldwide = false)
        {
            if (Countries.IsAssigned(code) || (allowWorldwide && code == "worldwide")) return;
            var hint = allowWorldwide && code.Equals("worldwide", StringComparison.OrdinalIgnoreCase) ? "; did you mean 'worldwide'?" : CountryHint(code);
            var expected = allowWorldwide ? "neither an assigned ISO 3166-1 alpha-2 country code nor 'worldwide'" : "not an assigned ISO 3166-1 alpha-2 country code";
            Error(at, PolicyCodes.WrongType, $"{what} '{code}' of {owner} is {expected}{hint ?? " (e.g. DE, CN, US)"}.");
        }

        private static string? CountryHint(string code) => Countries.Suggest(code) switch
        {
            null => null,
            var upper when upper.Equals(code, StringComparison.OrdinalIgnoreCase) => $"; codes are written in capitals: '{upper}'",
            var other => $"; did you mean '{other}' ({Countries.Names[other].En})?",
        };

        /// <summary>A key in a jurisdiction-keyed map must be in scope (or 'default' where allowed).</summary>
        private void JurisdictionKey(object owner, string key, bool allowDefault)
        {
            if (allowDefault && key == DefaultKey) return;
            if (catalogue.Find(key) is null) UnknownJurisdiction(map.Of(owner, key), key);
            else if (!p.Jurisdictions.Contains(key))
                Warn(map.Of(owner, key), PolicyCodes.UnknownJurisdiction, $"Jurisdiction '{key}' is not in scope (see 'jurisdictions'); this entry has no effect.");
        }

        /// <summary>A jurisdiction a part of the policy is limited to must be one in scope: elsewhere the part would never apply.</summary>
        private void InScope(SourceLocation at, string key, string why)
        {
            if (catalogue.Find(key) is null) UnknownJurisdiction(at, key);
            else if (!p.Jurisdictions.Contains(key))
                Error(at, PolicyCodes.UnknownJurisdiction, $"Jurisdiction '{key}' is not in scope (see 'jurisdictions'), yet {why}; add it to 'jurisdictions' or remove it here.");
        }

        private void Organisation()
        {
            if (!p.Controllers.ContainsKey(DefaultKey) && map.Of(p) is var at)
                Error(map.Of(p, "controllers", at), PolicyCodes.NoDefaultController,
                    "Name the controller for everyone else with a 'default' entry under 'controllers' (the principal entity, S16.1).");
            foreach (var (region, entity) in p.Controllers)
            {
                if (region != DefaultKey && catalogue.Find(region) is null && !Countries.IsAssigned(region))
                    Error(map.Of(p.Controllers, region), PolicyCodes.WrongType,
                        $"Controller region '{region}' is neither 'default', a jurisdiction key nor an assigned ISO 3166-1 alpha-2 country code{CountryHint(region) ?? JurisdictionHint(region)}.");
                Reference(p.Controllers, region, entity, p.Entities.Keys, "entity", "entities");
            }
        }

        /// <summary>The country lists outside transfers and recipients (which check theirs with their other rules).</summary>
        private void CountryCodes()
        {
            foreach (var (key, e) in p.Entities)
                if (e.Country is { } country) Country(map.Of(e, "country"), country, "Country", $"entity '{key}'");
            foreach (var (key, storage) in p.Storage)
            {
                for (var i = 0; i < storage.Countries.Count; i++)
                    Country(map.Of(storage.Countries, Index(i)), storage.Countries[i], "Country", $"storage '{key}'");
                for (var i = 0; i < storage.Copies.Count; i++)
                    Country(map.Of(storage.Copies, Index(i)), storage.Copies[i], "Country", $"the copies in storage '{key}'");
            }
        }

        private void Taxonomies()
        {
            void Parents(Dictionary<string, TaxonomyExtension> custom, IReadOnlyDictionary<string, TaxonomyEntry> all, string what)
            {
                foreach (var (key, entry) in custom)
                    if (entry.Parent is { } parent && !all.ContainsKey(parent))
                        Undefined(map.Of(entry, "parent"), parent, all.Keys, what);
            }
            Parents(p.DataCategories, taxonomy.DataCategories, "data category");
            Parents(p.DataUses, taxonomy.DataUses, "data use");
            Parents(p.DataSubjects, taxonomy.DataSubjects, "data subject");
            foreach (var (key, entry) in p.DataCategories)
                for (var i = 0; i < entry.SensitiveIn.Count; i++)
                    InScope(map.Of(entry.SensitiveIn, Index(i)), entry.SensitiveIn[i], $"data category '{key}' is marked sensitive in it");
            foreach (var (key, entry) in p.DataUses.Concat(p.DataSubjects).Where(x => x.Value.SensitiveIn.Count > 0))
                Error(map.Of(entry, "sensitive_in"), PolicyCodes.WrongType, $"'{key}' is not a data category; only data categories can be sensitive.");
        }

        private void Purpose(string key, Purpose purpose)
        {
            var what = $"purpose '{key}'";
            if (purpose.Activity is { } activity) Reference(purpose, "activity", activity, p.Activities.Keys, "activity", "activities");
            References(purpose.Uses, taxonomy.DataUses.Keys, "data use");
            References(purpose.DataCategories, taxonomy.DataCategories.Keys, "data category");
            References(purpose.Subjects, taxonomy.DataSubjects.Keys, "data subject");
            References(purpose.Sources, p.Sources.Keys, "source");
            References(purpose.Recipients, p.Recipients.Keys, "recipient");
            References(purpose.Transfers, p.Transfers.Keys, "transfer");
            References(purpose.MarketingChannels, p.MarketingChannels.Keys, "marketing channel");
            References(purpose.CookieCategories, p.Cookies?.Categories.Keys ?? Enumerable.Empty<string>(), "cookie category");

            for (var i = 0; i < purpose.Jurisdictions.Count; i++)
                InScope(map.Of(purpose.Jurisdictions, Index(i)), purpose.Jurisdictions[i], $"{what} applies in it");
            Retention(what, purpose);
            Coverage(what, purpose);
            if (purpose.Role == ProcessingRole.Processor)
            {
                Processor(what, purpose);
                return;
            }

            foreach (var j in purpose.LegalBasis.Keys)
            {
                JurisdictionKey(purpose.LegalBasis, j, allowDefault: true);
                if (j != DefaultKey && p.Jurisdictions.Contains(j) && !purpose.AppliesIn(j))
                    Error(map.Of(purpose.LegalBasis, j), PolicyCodes.BasisWherePurposeDoesNotApply,
                        $"{Cap(what)} gives a legal basis for {j}, but applies only in {string.Join(", ", purpose.Jurisdictions)}; the notice would print a basis for processing that does not happen there. Remove it, or add {j} to the purpose's 'jurisdictions'.");
            }
            var basisAt = map.Of(purpose, "legal_basis");
            var usesConsent = false;
            var usesInterests = false;
            foreach (var j in _inScope)
            {
                if (!purpose.AppliesIn(j.Key)) continue;
                var explicitBasis = purpose.LegalBasis.ContainsKey(j.Key);
                var bases = purpose.LegalBasesIn(j.Key);
                var at = explicitBasis ? map.Of(purpose.LegalBasis, j.Key) : map.Of(purpose.LegalBasis, DefaultKey, basisAt);
                if (bases.Count == 0)
                {
                    if (j.RequiresLegalBasis)
                        Error(basisAt, PolicyCodes.MissingLegalBasis,
                            $"{Cap(what)} has no legal basis for {j.Key} ({j.Name.En}); add '{j.Key}:' or a 'default:' under legal_basis.");
                    continue;
                }
                usesConsent |= bases.Contains(LegalBasis.Consent);
                usesInterests |= bases.Contains(LegalBasis.LegitimateInterests);
                if (!j.RequiresLegalBasis) continue;
                foreach (var basis in bases)
                {
                    if (j.AbsentBases?.FirstOrDefault(a => a.Basis == basis) is { } absent)
                        Error(at, absent.Code,
                            $"{Cap(what)} relies on {PolicyLoader.Binder.EnumName(basis).Replace('-', ' ')} for {j.Key}, but {absent.Reason}; give '{j.Key}:' its own basis ({absent.Instead}).");
                    else if (!j.LegalBases.Contains(basis))
                        Error(at, PolicyCodes.BasisNotInLaw,
                            $"{Cap(what)} uses '{PolicyLoader.Binder.EnumName(basis)}' for {j.Key}, which that law does not provide; use one of: {string.Join(", ", j.LegalBases.Select(b => PolicyLoader.Binder.EnumName(b)))}.");
                }
            }
            if (usesConsent && purpose.Consent is null)
                Error(basisAt, PolicyCodes.ConsentWithoutMechanism,
                    $"{Cap(what)} relies on consent but says no 'consent:' mechanism (cookie-banner, preference-centre, checkbox, double-opt-in, ...).");
            if (usesInterests && purpose.LegitimateInterests is null)
                Warn(basisAt, PolicyCodes.LegitimateInterestsUnstated,
                    $"{Cap(what)} relies on legitimate interests; state them in 'legitimate_interests' (the notice must name them).");

            SeparateConsent(what, purpose);
            Sensitive(what, purpose);
            ChildrensData(what, purpose);
            if (purpose.ProvisionRequirement is null && (purpose.Sources.Count == 0
                    || purpose.Sources.Any(s => p.Sources.GetValueOrDefault(s)?.Kind == SourceKind.FirstParty)))
                Warn(map.Of(p.Purposes, key), PolicyCodes.ProvisionRequirementUnstated,
                    $"{Cap(what)} collects data from the person but has no 'provision_requirement': say whether they must provide it and what happens if they do not (GDPR Art. 13(2)(e)).");
        }

        /// <summary>Processing for a business client rests on the client's instructions, not on a legal basis of our own (GDPR Art. 28, PIPL Art. 21).</summary>
        private void Processor(string what, Purpose purpose)
        {
            if (purpose.LegalBasis.Count > 0)
                Error(map.Of(purpose, "legal_basis"), PolicyCodes.ProcessorWithLegalBasis,
                    $"{Cap(what)} is processed for a client (role: processor), so it rests on the client's instructions and the client's legal basis, not ours; remove 'legal_basis'.");
            if (purpose.Client is null)
                Error(map.Of(purpose, "role"), PolicyCodes.MissingField,
                    $"{Cap(what)} is processed for a client (role: processor) and needs 'client': on whose behalf, for the processor's record (GDPR Art. 30(2)(a)).");
        }

        /// <summary>
        /// Where a law asks for separate consent (PIPL) and the purpose relies on consent there: sharing with another
        /// handler (Art. 23), publishing (Art. 25), sensitive information (Art. 29) and transfers abroad (Art. 39) each need
        /// a consent asked for on its own. A purpose on another basis needs none (Art. 13, second paragraph).
        /// </summary>
        private void SeparateConsent(string what, Purpose purpose)
        {
            if (purpose.Consent is { Separate: true }) return;
            foreach (var j in _inScope.Where(j => j.SeparateConsent && purpose.ReliesOnConsentIn(j.Key)))
            {
                var recipients = purpose.Recipients.Select(r => (Key: r, Recipient: p.Recipients.GetValueOrDefault(r))).Where(r => r.Recipient is not null).ToList();
                var reasons = new List<string>();
                if (recipients.Where(r => r.Recipient!.Kind.IsOtherHandler()).Select(r => r.Key).ToList() is { Count: > 0 } handlers)
                    reasons.Add($"sharing with another handler ({string.Join(", ", handlers)}; Art. 23)");
                if (recipients.Where(r => r.Recipient!.Kind == RecipientKind.Public).Select(r => r.Key).ToList() is { Count: > 0 } published)
                    reasons.Add($"publication ({string.Join(", ", published)}; Art. 25)");
                if (taxonomy.SensitiveCategories(purpose, j) is { Count: > 0 } sensitive)
                    reasons.Add($"sensitive information ({string.Join(", ", sensitive)}; Art. 29)");
                var transfers = purpose.Transfers.Where(t => p.Transfers.GetValueOrDefault(t) is { Destination: { } d } transfer
                    && (transfer.From.Count == 0 || transfer.From.Contains(j.Key)) && j.IsAbroad(d)).ToList();
                var abroad = recipients.Where(r => r.Recipient!.Countries.Any(j.IsAbroad)).Select(r => r.Key).ToList();
                if (transfers.Count > 0) reasons.Add($"transfer abroad ({string.Join(", ", transfers)}; Art. 39)");
                else if (abroad.Count > 0) reasons.Add($"recipients abroad ({string.Join(", ", abroad)}; Art. 39)");
                if (reasons.Count == 0) continue;
                Error(map.Of(purpose.Consent, "", map.Of(purpose, "legal_basis")), PolicyCodes.SeparateConsentRequired,
                    $"{Cap(what)} relies on consent under {j.Key} ({j.Name.En}), which asks for separate consent for {string.Join(", ", reasons)}; set 'consent: {{ separate: true }}' and ask for it on its own, apart from any other consent or terms.");
            }
        }

        /// <summary>Sensitive information: why it is needed and how it affects the person (PIPL Art. 30); explicit consent under the GDPR (Art. 9(2)(a)).</summary>
        private void Sensitive(string what, Purpose purpose)
        {
            foreach (var j in _inScope.Where(j => purpose.AppliesIn(j.Key)))
            {
                var sensitive = taxonomy.SensitiveCategories(purpose, j);
                if (sensitive.Count == 0) continue;
                var at = map.Of(purpose.DataCategories, Index(purpose.DataCategories.IndexOf(sensitive[0])));
                if (j.SensitiveExplained && purpose.Sensitive is null)
                    Error(at, PolicyCodes.SensitiveUnexplained,
                        $"{Cap(what)} processes sensitive personal information under {j.Key} ({string.Join(", ", sensitive)}); add 'sensitive: {{ necessity, impact }}': why it is necessary and how it affects the person ({j.Name.En}; PIPL Arts. 28 and 30).");
                if (j.ExplicitConsentForSensitive && purpose.ReliesOnConsentIn(j.Key) && purpose.Consent is { Separate: false })
                    Warn(at, PolicyCodes.SpecialCategoriesConsentNotExplicit,
                        $"{Cap(what)} processes special categories of data under {j.Key} ({string.Join(", ", sensitive)}) on consent, which must then be explicit (GDPR Art. 9(2)(a); LGPD Art. 11 I); ask for it apart, for this purpose alone, and say so with 'consent: {{ separate: true }}'.");
            }
        }

        /// <summary>Without 'children.guardian_consent' the notice says the services are not meant for children below the minimum age.</summary>
        private void ChildrensData(string what, Purpose purpose)
        {
            if (p.Children.GuardianConsent is not null) return;
            var i = purpose.DataCategories.FindIndex(c => IsWithin(c, ChildrensCategory));
            if (i >= 0)
                Error(map.Of(purpose.DataCategories, Index(i)), PolicyCodes.GuardianConsentUnstated,
                    $"{Cap(what)} processes children's data ({purpose.DataCategories[i]}), but 'children.guardian_consent' is absent, which tells people the services are not meant for children below the minimum age; say how a parent or guardian consents.");
        }

        private const string ChildrensCategory = "user.childrens";

        /// <summary>
        /// Every country where a recipient of the purpose processes the data must be reached by one of the purpose's
        /// transfers, for each law that restricts transfers and applies to the purpose.
        /// </summary>
        private void Coverage(string what, Purpose purpose)
        {
            var transfers = purpose.Transfers.Select(t => p.Transfers.GetValueOrDefault(t)).OfType<Transfer>().ToList();
            for (var i = 0; i < purpose.Recipients.Count; i++)
            {
                var key = purpose.Recipients[i];
                if (p.Recipients.GetValueOrDefault(key) is not { Countries.Count: > 0 } recipient) continue;
                foreach (var j in _inScope.Where(j => j.RestrictsTransfers && purpose.AppliesIn(j.Key)))
                {
                    var uncovered = recipient.Countries.Where(c => j.IsAbroad(c) && !transfers.Any(t => t.Covers(j.Key, c, key))).ToList();
                    if (uncovered.Count > 0)
                        Error(map.Of(purpose.Recipients, Index(i)), PolicyCodes.TransferNotCovered,
                            $"Data of {what} reaches {string.Join(", ", uncovered)} through recipient '{key}' with no transfer for it from {j.Key} ({j.Name.En}); add a transfer to the purpose's 'transfers' whose destination, 'from' and 'recipients' cover it.");
                }
            }
        }

        private void Retention(string what, Purpose purpose)
        {
            if (purpose.Retention is not { } r) return;
            var general = r.Period is not null || r.Criteria is not null;
            foreach (var (category, rule) in r.Categories)
            {
                if (!purpose.DataCategories.Any(c => IsWithin(category, c) || IsWithin(c, category)))
                    Warn(map.Of(r.Categories, category), PolicyCodes.UndefinedReference,
                        $"Retention names data category '{category}', which {what} does not use.");
                if (rule.Period is null && rule.Criteria is null)
                    Error(map.Of(r.Categories, category), PolicyCodes.MissingRetention, $"The retention of '{category}' in {what} needs a period or criteria.");
            }
            if (general) return;
            for (var i = 0; i < purpose.DataCategories.Count; i++)
            {
                var c = purpose.DataCategories[i];
                if (!r.Categories.Keys.Any(k => IsWithin(c, k)))
                    Error(map.Of(purpose.DataCategories, Index(i)), PolicyCodes.MissingRetention,
                        $"{Cap(what)} uses data category '{c}' but has no retention rule for it; give the purpose a retention period or criteria, or one for this category.");
            }
        }

        /// <summary>Whether <paramref name="key"/> is <paramref name="ancestor"/> or below it (user.contact.email is within user.contact).</summary>
        private static bool IsWithin(string key, string ancestor) =>
            key == ancestor || key.StartsWith(ancestor + ".", StringComparison.Ordinal);

        private void Sources()
        {
            foreach (var (key, source) in p.Sources)
                if (source.Kind == SourceKind.ThirdParty && source.LawfulSourceAttestation is null)
                    Error(map.Of(p.Sources, key), PolicyCodes.ThirdPartySourceUnattested,
                        $"Third-party source '{key}' needs a 'lawful_source_attestation': how lawful collection and permission to share were confirmed (S2.3, S5.3).");
        }

        private void Recipients()
        {
            RecipientDetails();
            foreach (var (key, recipient) in p.Recipients)
            {
                References(recipient.Receives, taxonomy.DataCategories.Keys, "data category");
                for (var i = 0; i < recipient.Countries.Count; i++)
                    Country(map.Of(recipient.Countries, Index(i)), recipient.Countries[i], "Country", $"recipient '{key}'");
            }
        }

        /// <summary>
        /// A law that asks for it (PIPL Arts. 23 and 39): each recipient that is another handler, or abroad, is named with its
        /// contact, how it processes the data, what it receives and how people exercise their rights against it.
        /// </summary>
        private void RecipientDetails()
        {
            foreach (var j in _inScope.Where(j => j.RecipientDetails))
            {
                var used = p.Purposes.Values.Where(x => x.Role != ProcessingRole.Processor && x.AppliesIn(j.Key)).SelectMany(x => x.Recipients).ToHashSet();
                foreach (var (key, r) in p.Recipients)
                {
                    if (!used.Contains(key) || r.Kind is RecipientKind.Authority or RecipientKind.Acquirer or RecipientKind.Public) continue;
                    var abroad = r.Countries.Where(j.IsAbroad).ToList();
                    if (!r.Kind.IsOtherHandler() && abroad.Count == 0) continue;
                    var missing = new List<string>();
                    if (r.Email is null && r.Url is null && r.Address is null) missing.Add("a contact (email, url or address)");
                    if (r.ProcessingMethod is null) missing.Add("processing_method");
                    if (r.Receives.Count == 0) missing.Add("receives");
                    if (r.ExerciseRights is null) missing.Add("exercise_rights");
                    if (missing.Count > 0)
                        Error(map.Of(p.Recipients, key), PolicyCodes.RecipientDetailsMissing,
                            $"Recipient '{key}' gets personal information of people in {j.Key} {(abroad.Count > 0 ? $"abroad ({string.Join(", ", abroad)})" : "as another handler")}; {j.Name.En} asks to tell people its name, contact, processing method, the categories it receives and how to exercise their rights against it (PIPL Arts. 23, 39); add {string.Join(", ", missing)}.");
                }
                foreach (var (key, sdk) in p.Sdks.Where(x => x.Value.PrivacyPolicy is null))
                    Error(map.Of(p.Sdks, key), PolicyCodes.RecipientDetailsMissing,
                        $"SDK '{key}' collects personal information for its provider, another handler under {j.Key}; link the provider's rules with 'privacy_policy' (PIPL Art. 23).");
            }
        }

        /// <summary>Where data is stored: keys are jurisdictions (or 'default'), and a country abroad needs a transfer that reaches it.</summary>
        private void Storage()
        {
            foreach (var key in p.Storage.Keys) JurisdictionKey(p.Storage, key, allowDefault: true);
            foreach (var j in _inScope.Where(j => j.RestrictsTransfers))
            {
                if ((p.Storage.GetValueOrDefault(j.Key) ?? p.Storage.GetValueOrDefault(DefaultKey)) is not { } storage) continue;
                foreach (var (list, member) in new[] { (storage.Countries, "countries"), (storage.Copies, "copies") })
                    for (var i = 0; i < list.Count; i++)
                        if (j.IsAbroad(list[i]) && !p.Transfers.Values.Any(t => t.Reaches(j.Key, list[i])))
                            Error(map.Of(list, Index(i), map.Of(storage, member)), PolicyCodes.TransferNotCovered,
                                $"Data of people in {j.Key} ({j.Name.En}) is stored in {list[i]}, but no transfer takes it there; add one under 'transfers' (destination {list[i]} or worldwide, 'from' including {j.Key}).");
            }
        }

        private void Sdks()
        {
            foreach (var (_, sdk) in p.Sdks)
            {
                if (sdk.Category is { } cat) Reference(sdk, "category", cat, p.Cookies?.Categories.Keys ?? Enumerable.Empty<string>(), "cookie category", "cookies.categories");
                References(sdk.DataCategories, taxonomy.DataCategories.Keys, "data category");
            }
        }

        private void Transfers()
        {
            foreach (var (key, t) in p.Transfers)
            {
                References(t.Recipients, p.Recipients.Keys, "recipient");
                for (var i = 0; i < t.From.Count; i++)
                    if (catalogue.Find(t.From[i]) is null) UnknownJurisdiction(map.Of(t.From, Index(i)), t.From[i]);
                if (t.Destination is not { } destination) continue;
                var destAt = map.Of(t, "destination");
                var worldwide = destination == "worldwide";
                if (!worldwide && !Countries.IsAssigned(destination))
                {
                    Country(destAt, destination, "Destination", $"transfer '{key}'", allowWorldwide: true);
                    continue;
                }
                var origins = t.From.Count > 0 ? _inScope.Where(j => t.From.Contains(j.Key)) : _inScope;
                foreach (var origin in t.SafeguardsByOrigin.Keys)
                {
                    if (catalogue.Find(origin) is null) UnknownJurisdiction(map.Of(t.SafeguardsByOrigin, origin), origin);
                    else if (!origins.Any(j => j.Key == origin))
                        Error(map.Of(t.SafeguardsByOrigin, origin), PolicyCodes.SafeguardForOtherOrigin,
                            $"Transfer '{key}' names safeguards for {origin}, but does not take data out of it (it leaves {string.Join(", ", origins.Select(j => j.Key))}); add {origin} to 'from' and to 'jurisdictions', or remove the entry.");
                }
                foreach (var j in origins.Where(j => j.RestrictsTransfers))
                {
                    if (!worldwide && j.Domestic.Contains(destination)) continue;
                    var safeguards = t.SafeguardsFor(j.Key);
                    var own = t.SafeguardsByOrigin.ContainsKey(j.Key);
                    var at = own ? map.Of(t.SafeguardsByOrigin, j.Key) : map.Of(t, "safeguards", destAt);
                    var adequate = !worldwide && j.Adequate.Contains(destination);
                    var others = safeguards.Where(s => s != Safeguard.Adequacy).ToList();
                    // A list for this origin alone is read strictly: every safeguard in it must be one this law knows.
                    var unknown = j.Safeguards is { } known ? others.Where(s => !known.Contains(s)).ToList() : [];
                    if (safeguards.Contains(Safeguard.Adequacy) && !adequate && others.Count == 0)
                        Error(at, PolicyCodes.AdequacyNotGranted,
                            $"Transfer '{key}' claims adequacy, but {(worldwide ? "'worldwide'" : destination)} is not adequate under {j.Key} ({j.Name.En}); name a safeguard such as {SuggestedSafeguard(j)}.");
                    else if (safeguards.Count == 0 && !adequate)
                        Error(own ? at : destAt, PolicyCodes.TransferWithoutSafeguard,
                            $"Transfer '{key}' to {(worldwide ? "destinations worldwide" : destination)} has no safeguard, and the destination is not adequate under {j.Key} ({j.Name.En}); add 'safeguards: [{SuggestedSafeguard(j)}]' or another mechanism.");
                    else if (!adequate && unknown.Count > 0 && (own || unknown.Count == others.Count))
                        Error(at, PolicyCodes.SafeguardNotRecognised,
                            $"Transfer '{key}' leaves {j.Key} ({j.Name.En}) relying on {string.Join(", ", unknown.Select(s => PolicyLoader.Binder.EnumName(s)))}, which that law does not recognise; {(own ? "use" : "add")} {SuggestedSafeguard(j)} (it recognises: {string.Join(", ", j.Safeguards!.Select(s => PolicyLoader.Binder.EnumName(s)))}).");
                }
            }
        }

        // The catalogue guarantees one for every law that restricts transfers, the only ones asked.
        private static string SuggestedSafeguard(Jurisdiction j) => PolicyLoader.Binder.EnumName(j.SuggestedSafeguard!.Value);

        private void Cookies()
        {
            if (p.Cookies is not { } cookies) return;
            foreach (var (key, category) in cookies.Categories)
                for (var i = 0; i < category.ConsentMode.Count; i++)
                    if (!ConsentModeSignals.All.Contains(category.ConsentMode[i]))
                        Error(map.Of(category.ConsentMode, Index(i)), PolicyCodes.UnknownConsentModeSignal,
                            $"'{category.ConsentMode[i]}' in cookie category '{key}' is not a Google Consent Mode signal ({string.Join(", ", ConsentModeSignals.All)}).");
            foreach (var (name, cookie) in cookies.Items)
            {
                if (cookie.Category is { } cat) Reference(cookie, "category", cat, cookies.Categories.Keys, "cookie category", "cookies.categories");
                if (cookie.Type == CookieType.Sdk)
                    Warn(map.Of(cookie, "type"), PolicyCodes.SdkListedAsCookie,
                        $"'{name}' is an SDK: move it to 'sdks', where its provider, what it collects and its privacy policy can be named.");
                if (cookie.Purpose is null)
                    Warn(map.Of(cookies.Items, name), PolicyCodes.CookieWithoutPurpose,
                        $"Cookie '{name}' has no 'purpose'; the notice names every item with what it is for.");
                // A day of slack lets P12M and P1Y count as the same length; 'session' as the maximum allows no persistent cookie.
                if (cookies.MaxLifetime is { } max && cookie.Lifetime is { IsSession: false } life
                    && (max.IsSession || life.ApproximateDays > max.ApproximateDays + 1))
                    Error(map.Of(cookie, "lifetime"), PolicyCodes.CookieTooLong,
                        $"Cookie '{name}' lives {life} but the policy promises at most {max} (cookies.max_lifetime).");
            }
        }

        private void Rights()
        {
            foreach (var (_, right) in p.Rights)
                for (var i = 0; i < right.Jurisdictions.Count; i++)
                    JurisdictionKey(right.Jurisdictions, right.Jurisdictions[i], allowDefault: false);
            foreach (var (key, method) in p.IdentityVerification?.Methods ?? [])
                if (method.PhotoId && !method.DeleteAfterVerification)
                    Warn(map.Of(p.IdentityVerification!.Methods, key), PolicyCodes.PhotoIdKept,
                        $"Verification method '{key}' asks for a photo id but does not delete it after verification (S18.6 promises deletion).");
        }

        private void Children()
        {
            var c = p.Children;
            foreach (var key in c.MinimumAge.Keys) JurisdictionKey(c.MinimumAge, key, allowDefault: false);
            foreach (var j in _inScope)
            {
                var own = c.MinimumAge.TryGetValue(j.Key, out var age);
                var effective = own ? age : c.DefaultMinimumAge;
                if (effective < j.MinimumChildAge)
                    Error(own ? map.Of(c.MinimumAge, j.Key) : map.Of(c, "default_minimum_age"), PolicyCodes.ChildAgeTooLow,
                        $"The minimum age for {j.Key} is {effective.ToString(CultureInfo.InvariantCulture)}, below the {j.MinimumChildAge.ToString(CultureInfo.InvariantCulture)} that {j.Name.En} requires without a guardian's consent.");
            }
        }

        private void References(IList keys, IEnumerable<string> defined, string what)
        {
            var set = defined as ICollection<string> ?? defined.ToList();
            for (var i = 0; i < keys.Count; i++)
                if (keys[i] is string key && !set.Contains(key))
                    Undefined(map.Of(keys, Index(i)), key, set, what);
        }

        private void Reference(object owner, string member, string key, IEnumerable<string> defined, string what, string section)
        {
            var set = defined as ICollection<string> ?? defined.ToList();
            if (!set.Contains(key)) Undefined(map.Of(owner, member), key, set, what, section);
        }

        // "Did you mean" compares against every defined key; past this many it would cost more than it helps.
        private int _suggestionBudget = 200;

        private void Undefined(SourceLocation at, string key, IEnumerable<string> defined, string what, string? section = null)
        {
            var hint = _suggestionBudget-- > 0 ? PolicyLoader.Suggest(key, defined) : null;
            Error(at, PolicyCodes.UndefinedReference,
                $"Unknown {what} '{key}'{(hint is null ? "" : $"; did you mean '{hint}'?")}{(section is null ? "" : $" (define it under '{section}')")}");
        }

        private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
        private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
    }
}
