using System.Text.Json;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Notices;

/// <summary>One row of the controller's record of processing activities (GDPR Art. 30(1)): one purpose.</summary>
internal sealed record RopaRow(
    string PurposeKey,
    string Purpose,
    string Description,
    string Role,
    string Controller,
    string ControllerContact,
    string Representatives,
    string DataProtectionOfficer,
    string DataSubjects,
    string DataCategories,
    string Sources,
    string LegalBasis,
    string Recipients,
    string Transfers,
    string Storage,
    string Retention,
    string SecurityMeasures);

/// <summary>One row of the processor's record (GDPR Art. 30(2)): one category of processing done for clients.</summary>
internal sealed record ProcessorRopaRow(
    string PurposeKey,
    string Processing,
    string Description,
    string Controller,
    string Processor,
    string ProcessorContact,
    string Representatives,
    string DataProtectionOfficer,
    string DataSubjects,
    string DataCategories,
    string Recipients,
    string Transfers,
    string SecurityMeasures);

/// <summary>
/// Builds the records of processing from a policy version, as rows, CSV, JSON or an HTML document: the controller's
/// record holds the purposes we decide; the processor's record those we carry out for clients (role: processor).
/// </summary>
internal static class RecordOfProcessing
{
    public static List<RopaRow> Rows(PolicyDocument p, string lang)
    {
        var w = new Words(p, lang);
        var storage = w.Storage();
        return p.Purposes.Where(x => x.Value.Role != ProcessingRole.Processor).Select(x =>
        {
            var (key, purpose) = x;
            var bases = purpose.LegalBasis.Select(b => $"{w.Jurisdiction(b.Key)}: {Vocabulary.List(b.Value.Select(x => Vocabulary.Name(x, lang)), lang)}");
            return new RopaRow(
                key,
                w.T(purpose.Name),
                w.T(purpose.Description),
                Vocabulary.Name(purpose.Role, lang),
                w.Entities,
                w.Contact,
                w.Representatives,
                w.Dpo,
                w.Subjects(purpose),
                w.Categories(purpose),
                Words.Join(purpose.Sources.Select(s => w.T(p.Sources.GetValueOrDefault(s)?.Name))),
                Words.Join(bases),
                w.Recipients(purpose),
                w.Transfers(purpose),
                storage,
                purpose.Retention is { } r ? string.Join("; ", [.. Vocabulary.Retention(r, p, lang), Vocabulary.Name(r.Action, lang)]) : "",
                w.Security);
        }).ToList();
    }

    public static List<ProcessorRopaRow> ProcessorRows(PolicyDocument p, string lang)
    {
        var w = new Words(p, lang);
        return p.Purposes.Where(x => x.Value.Role == ProcessingRole.Processor).Select(x =>
        {
            var (key, purpose) = x;
            return new ProcessorRopaRow(
                key,
                w.T(purpose.Name),
                w.T(purpose.Description),
                w.T(purpose.Client),
                w.Entities,
                w.Contact,
                w.Representatives,
                w.Dpo,
                w.Subjects(purpose),
                w.Categories(purpose),
                w.Recipients(purpose),
                w.Transfers(purpose),
                w.Security);
        }).ToList();
    }

    /// <summary>How the columns shared by both records are said, in one language.</summary>
    private sealed class Words(PolicyDocument p, string lang)
    {
        private readonly RopaStrings _s = Language.Strings<RopaStrings>(lang);
        private readonly VocabularyStrings _v = Language.Strings<VocabularyStrings>(lang);
        private readonly Entity? _principal = p.Entities.GetValueOrDefault(p.Controllers.GetValueOrDefault(PolicyDocument.DefaultKey) ?? "");

        public string T(LocalizedText? text) => text?.In(lang) ?? "";
        public static string Join(IEnumerable<string> items) => string.Join("; ", items.Where(i => i.Length > 0).Distinct());
        private string Parenthesised(string text) => $"{_v.OpenParenthesis}{text}{_v.CloseParenthesis}";
        private string Countries(IEnumerable<string> codes) => Vocabulary.List(codes.Select(c => Vocabulary.Country(c, lang)), lang);

        /// <summary>A key of a jurisdiction-keyed map: the law's name, or "default".</summary>
        public string Jurisdiction(string key) =>
            key == PolicyDocument.DefaultKey ? _s.Default : T(JurisdictionCatalogue.Bundled.Find(key)?.Name) is { Length: > 0 } n ? n : key;

        /// <summary>The policy's entities by region: the controllers in the controller's record, the processors in the processor's.</summary>
        public string Entities => Join(p.Controllers.Select(c =>
            $"{(c.Key == PolicyDocument.DefaultKey ? _s.Default : c.Key)}: {T(p.Entities.GetValueOrDefault(c.Value)?.Name)}"));

        public string Contact => Join([_principal?.Email ?? "", T(_principal?.Address)]);
        public string Representatives => Join(p.Representatives.Values.Select(r => $"{T(r.Area)}: {T(r.Name)}{(r.Email is null ? "" : $" <{r.Email}>")}"));
        public string Dpo => p.Dpo is null ? "" : Join([T(p.Dpo.Name), p.Dpo.Email ?? "", T(p.Dpo.Address)]);
        public string Security => Join(p.SecurityMeasures.Values.Select(m => $"{Vocabulary.Name(m.Kind, lang)}: {T(m.Description)}"));

        public string Subjects(Purpose purpose) =>
            Join(purpose.Subjects.Select(s => T(p.Taxonomy.DataSubjects.GetValueOrDefault(s)?.Name) is { Length: > 0 } n ? n : s));

        public string Categories(Purpose purpose) =>
            Join(purpose.DataCategories.Select(c => T(p.Taxonomy.DataCategories.GetValueOrDefault(c)?.Name) is { Length: > 0 } n ? $"{n} ({c})" : c));

        /// <summary>Each recipient with its kind and the countries where it processes the data.</summary>
        public string Recipients(Purpose purpose) => Join(purpose.Recipients.Select(r => p.Recipients.GetValueOrDefault(r)).OfType<Recipient>()
            .Select(r => T(r.Name) + Parenthesised(r.Countries.Count == 0
                ? Vocabulary.Name(r.Kind, lang)
                : Vocabulary.Name(r.Kind, lang) + _v.ItemSeparator + Countries(r.Countries))));

        /// <summary>Each transfer with its destination and safeguards, per origin where they differ.</summary>
        public string Transfers(Purpose purpose) => Join(purpose.Transfers.Select(t => p.Transfers.GetValueOrDefault(t)).OfType<Transfer>()
            .Select(t =>
            {
                string Safeguards(IReadOnlyList<Safeguard> list) =>
                    Vocabulary.List((list.Count == 0 ? [Safeguard.Adequacy] : list).Select(s => Vocabulary.Name(s, lang)), lang);
                var parts = new List<string>();
                if (t.SafeguardsByOrigin.Count == 0 || t.Safeguards.Count > 0) parts.Add(Safeguards(t.Safeguards));
                parts.AddRange(t.SafeguardsByOrigin.Select(o => Language.Format(_s.FromOrigin, Jurisdiction(o.Key), Safeguards(o.Value))));
                return Vocabulary.Country(t.Destination ?? "", lang) + Parenthesised(string.Join(_v.ItemSeparator, parts));
            }));

        /// <summary>Where data is stored, per jurisdiction of the people it concerns; the same for every purpose.</summary>
        public string Storage() => Join(p.Storage.Select(s =>
            $"{Jurisdiction(s.Key)}: {Countries(s.Value.Countries)}{(s.Value.Copies.Count == 0 ? "" : Parenthesised(Language.Format(_s.Copies, Countries(s.Value.Copies))))}"));
    }

    private static string[] Fields(RopaRow r) =>
        [r.PurposeKey, r.Purpose, r.Description, r.Role, r.Controller, r.ControllerContact, r.Representatives, r.DataProtectionOfficer,
         r.DataSubjects, r.DataCategories, r.Sources, r.LegalBasis, r.Recipients, r.Transfers, r.Storage, r.Retention, r.SecurityMeasures];

    private static string[] Fields(ProcessorRopaRow r) =>
        [r.PurposeKey, r.Processing, r.Description, r.Controller, r.Processor, r.ProcessorContact, r.Representatives, r.DataProtectionOfficer,
         r.DataSubjects, r.DataCategories, r.Recipients, r.Transfers, r.SecurityMeasures];

    /// <summary>The controller's record as a CSV file for spreadsheet programs.</summary>
    public static string Csv(IEnumerable<RopaRow> rows, string lang) =>
        CsvWriter.Write(Language.Strings<RopaStrings>(lang).Headers, rows.Select(Fields));

    /// <summary>The processor's record as a CSV file.</summary>
    public static string Csv(IEnumerable<ProcessorRopaRow> rows, string lang) =>
        CsvWriter.Write(Language.Strings<RopaStrings>(lang).ProcessorHeaders, rows.Select(Fields));

    public static string Json<TRow>(IEnumerable<TRow> rows) => JsonSerializer.Serialize(rows, PolicyLoader.Json);

    /// <summary>
    /// One of the records as a file: csv, json or html; the processor's record (Art. 30(2)) or the controller's (Art. 30(1)).
    /// </summary>
    public static async Task<string> RenderAsync(PolicyDocument policy, PolicyVersionInfo version, string format, string lang, bool processor)
    {
        var organisation = policy.Organisation.Name?.In(lang) ?? "";
        if (processor)
        {
            var rows = ProcessorRows(policy, lang);
            return format switch
            {
                "csv" => Csv(rows, lang),
                "json" => Json(rows),
                _ => await NoticeRenderers.HtmlFileAsync(Document(rows, version, organisation, lang)),
            };
        }
        var controller = Rows(policy, lang);
        return format switch
        {
            "csv" => Csv(controller, lang),
            "json" => Json(controller),
            _ => await NoticeRenderers.HtmlFileAsync(Document(controller, version, organisation, lang)),
        };
    }

    /// <summary>The controller's record as a readable document: one part per purpose.</summary>
    public static NoticeDocument Document(IEnumerable<RopaRow> rows, PolicyVersionInfo version, string organisation, string lang)
    {
        var t = Language.Strings<RopaStrings>(lang);
        return Document(rows.Select(r => (r.PurposeKey, r.Purpose, Fields(r))), t.Headers, t.Title, t.Lead, version, organisation, lang);
    }

    /// <summary>The processor's record as a readable document: one part per category of processing.</summary>
    public static NoticeDocument Document(IEnumerable<ProcessorRopaRow> rows, PolicyVersionInfo version, string organisation, string lang)
    {
        var t = Language.Strings<RopaStrings>(lang);
        return Document(rows.Select(r => (r.PurposeKey, r.Processing, Fields(r))), t.ProcessorHeaders, t.ProcessorTitle, t.ProcessorLead, version, organisation, lang);
    }

    private static NoticeDocument Document(IEnumerable<(string Key, string Heading, string[] Fields)> rows, string[] headers, string title, string lead,
        PolicyVersionInfo version, string organisation, string lang)
    {
        var t = Language.Strings<RopaStrings>(lang);
        var sections = rows.Select(r => new NoticeSection($"purpose-{r.Key}", r.Heading,
            r.Fields.Select((value, i) => (Block)new LabelledParagraph(headers[i] + t.LabelEnd, value)).Skip(2).ToList())).ToList();
        return new NoticeDocument(lang, Language.Format(title, organisation), [Language.Format(lead, version.Version, Vocabulary.Date(version.EffectiveDate, lang))], sections);
    }
}
