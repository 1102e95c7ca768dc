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
            Taxonomies();
            foreach (var (key, purpose) in p.Purposes) Purpose(key, purpose);
            Sources();
            Recipients();
            Transfers();
            Cookies();
            Rights();
            Children();
            Urls();
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

        /// <summary>A key in a jurisdiction-keyed map must be in scope (or 'default' where allowed).</summary>
        private void JurisdictionKey(object owner, string key, bool allowDefault)
        {
            if (allowDefault && key == DefaultKey) return;
            if (catalogue.Find(key) is null) UnknownJurisdiction(map.Of(owner, key), key);
            else if (!p.Jurisdictions.Contains(key))
                Warn(map.Of(owner, key), PolicyCodes.UnknownJurisdiction, $"Jurisdiction '{key}' is not in scope (see 'jurisdictions'); this entry has no effect.");
        }

        private void Organisation()
        {
            if (!p.Controllers.ContainsKey(DefaultKey) && map.Of(p) is var at)
                Error(map.Of(p, "controllers", at), PolicyCodes.NoDefaultController,
                    "Name the controller for everyone else with a 'default' entry under 'controllers' (the principal entity, S16.1).");
            foreach (var (region, entity) in p.Controllers)
            {
                if (region != DefaultKey && !IsCountryCode(region.ToUpperInvariant()) && catalogue.Find(region) is null)
                    Error(map.Of(p.Controllers, region), PolicyCodes.WrongType, $"Controller region '{region}' is neither 'default', an ISO country code nor a jurisdiction key.");
                Reference(p.Controllers, region, entity, p.Entities.Keys, "entity", "entities");
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

            foreach (var j in purpose.LegalBasis.Keys) JurisdictionKey(purpose.LegalBasis, j, allowDefault: true);
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

            Retention(what, purpose);
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
            foreach (var (_, recipient) in p.Recipients)
            {
                References(recipient.Receives, taxonomy.DataCategories.Keys, "data category");
                for (var i = 0; i < recipient.Countries.Count; i++)
                    if (!IsCountryCode(recipient.Countries[i]))
                        Error(map.Of(recipient.Countries, Index(i)), PolicyCodes.WrongType, $"'{recipient.Countries[i]}' is not an ISO 3166-1 alpha-2 country code (e.g. DE, CN, US).");
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
                if (!worldwide && !IsCountryCode(destination))
                {
                    Error(destAt, PolicyCodes.WrongType, $"Destination '{destination}' of transfer '{key}' is neither an ISO 3166-1 alpha-2 code (e.g. US) nor 'worldwide'.");
                    continue;
                }
                var origins = t.From.Count > 0 ? _inScope.Where(j => t.From.Contains(j.Key)) : _inScope;
                foreach (var j in origins.Where(j => j.RestrictsTransfers))
                {
                    if (!worldwide && j.Domestic.Contains(destination)) continue;
                    var adequate = !worldwide && j.Adequate.Contains(destination);
                    var others = t.Safeguards.Where(s => s != Safeguard.Adequacy).ToList();
                    if (t.Safeguards.Contains(Safeguard.Adequacy) && !adequate && others.Count == 0)
                        Error(map.Of(t, "safeguards", destAt), PolicyCodes.AdequacyNotGranted,
                            $"Transfer '{key}' claims adequacy, but {(worldwide ? "'worldwide'" : destination)} is not adequate under {j.Key} ({j.Name.En}); name a safeguard such as {SuggestedSafeguard(j)}.");
                    else if (t.Safeguards.Count == 0 && !adequate)
                        Error(destAt, PolicyCodes.TransferWithoutSafeguard,
                            $"Transfer '{key}' to {(worldwide ? "destinations worldwide" : destination)} has no safeguard, and the destination is not adequate under {j.Key} ({j.Name.En}); add 'safeguards: [{SuggestedSafeguard(j)}]' or another mechanism.");
                    else if (!adequate && j.Safeguards is { } recognised && others.Count > 0 && !others.Any(recognised.Contains))
                        Error(map.Of(t, "safeguards", destAt), PolicyCodes.SafeguardNotRecognised,
                            $"Transfer '{key}' leaves {j.Key} ({j.Name.En}) relying on {string.Join(", ", others.Select(s => PolicyLoader.Binder.EnumName(s)))}, which that law does not recognise; add {SuggestedSafeguard(j)} (it recognises: {string.Join(", ", recognised.Select(s => PolicyLoader.Binder.EnumName(s)))}).");
                }
            }
        }

        // The catalogue guarantees one for every law that restricts transfers, the only ones asked.
        private static string SuggestedSafeguard(Jurisdiction j) => PolicyLoader.Binder.EnumName(j.SuggestedSafeguard!.Value);

        private void Cookies()
        {
            if (p.Cookies is not { } cookies) return;
            foreach (var (name, cookie) in cookies.Items)
            {
                if (cookie.Category is { } cat) Reference(cookie, "category", cat, cookies.Categories.Keys, "cookie category", "cookies.categories");
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

        private static bool IsCountryCode(string code) => code.Length == 2 && code.All(char.IsAsciiLetterUpper);
        private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
        private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
    }
}
