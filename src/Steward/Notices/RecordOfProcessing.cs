using System.Text.Json;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Notices;

/// <summary>One row of the record of processing activities (GDPR Art. 30(1)): one purpose.</summary>
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
    string Retention,
    string SecurityMeasures);

/// <summary>Builds the record of processing from a policy version, as rows, CSV, JSON or an HTML document.</summary>
internal static class RecordOfProcessing
{
    public static List<RopaRow> Rows(PolicyDocument p, string lang)
    {
        var taxonomy = p.Taxonomy;
        var laws = JurisdictionCatalogue.Bundled;
        var t = Language.Strings<RopaStrings>(lang);
        string T(LocalizedText? t) => t?.In(lang) ?? "";
        string Join(IEnumerable<string> items) => string.Join("; ", items.Where(i => i.Length > 0).Distinct());

        var controller = p.Entities.GetValueOrDefault(p.Controllers.GetValueOrDefault(PolicyDocument.DefaultKey) ?? "");
        var controllers = Join(p.Controllers.Select(c =>
            $"{(c.Key == PolicyDocument.DefaultKey ? t.Default : c.Key)}: {T(p.Entities.GetValueOrDefault(c.Value)?.Name)}"));
        var contact = Join([controller?.Email ?? "", T(controller?.Address)]);
        var representatives = Join(p.Representatives.Values.Select(r => $"{T(r.Area)}: {T(r.Name)}{(r.Email is null ? "" : $" <{r.Email}>")}"));
        var dpo = p.Dpo is null ? "" : Join([T(p.Dpo.Name), p.Dpo.Email ?? "", T(p.Dpo.Address)]);
        var security = Join(p.SecurityMeasures.Values.Select(m => $"{Vocabulary.Name(m.Kind, lang)}: {T(m.Description)}"));

        return p.Purposes.Select(x =>
        {
            var (key, purpose) = x;
            var recipients = purpose.Recipients.Select(r => p.Recipients.GetValueOrDefault(r)).OfType<Recipient>()
                .Select(r => $"{T(r.Name)} ({Vocabulary.Name(r.Kind, lang)})");
            var transfers = purpose.Transfers.Select(t => p.Transfers.GetValueOrDefault(t)).OfType<Transfer>()
                .Select(t => $"{Vocabulary.Country(t.Destination ?? "", lang)} ({(t.Safeguards.Count == 0 ? Vocabulary.Name(Safeguard.Adequacy, lang) : string.Join(", ", t.Safeguards.Select(s => Vocabulary.Name(s, lang))))})");
            var bases = purpose.LegalBasis.Select(b => $"{(b.Key == PolicyDocument.DefaultKey ? t.Default : T(laws.Find(b.Key)?.Name) is { Length: > 0 } n ? n : b.Key)}: {Vocabulary.List(b.Value.Select(x => Vocabulary.Name(x, lang)), lang)}");
            return new RopaRow(
                key,
                T(purpose.Name),
                T(purpose.Description),
                Vocabulary.Name(purpose.Role, lang),
                controllers,
                contact,
                representatives,
                dpo,
                Join(purpose.Subjects.Select(s => T(taxonomy.DataSubjects.GetValueOrDefault(s)?.Name) is { Length: > 0 } n ? n : s)),
                Join(purpose.DataCategories.Select(c => T(taxonomy.DataCategories.GetValueOrDefault(c)?.Name) is { Length: > 0 } n ? $"{n} ({c})" : c)),
                Join(purpose.Sources.Select(s => T(p.Sources.GetValueOrDefault(s)?.Name))),
                Join(bases),
                Join(recipients),
                Join(transfers),
                purpose.Retention is { } r ? string.Join("; ", [.. Vocabulary.Retention(r, p, lang), Vocabulary.Name(r.Action, lang)]) : "",
                security);
        }).ToList();
    }

    private static string[] Fields(RopaRow r) =>
        [r.PurposeKey, r.Purpose, r.Description, r.Role, r.Controller, r.ControllerContact, r.Representatives, r.DataProtectionOfficer,
         r.DataSubjects, r.DataCategories, r.Sources, r.LegalBasis, r.Recipients, r.Transfers, r.Retention, r.SecurityMeasures];

    /// <summary>The record as a CSV file for spreadsheet programs.</summary>
    public static string Csv(IEnumerable<RopaRow> rows, string lang) =>
        CsvWriter.Write(Language.Strings<RopaStrings>(lang).Headers, rows.Select(Fields));

    public static string Json(IEnumerable<RopaRow> rows) => JsonSerializer.Serialize(rows, PolicyLoader.Json);

    /// <summary>The record as a readable document: one part per purpose.</summary>
    public static NoticeDocument Document(IEnumerable<RopaRow> rows, PolicyVersionInfo version, string organisation, string lang)
    {
        var t = Language.Strings<RopaStrings>(lang);
        var title = Language.Format(t.Title, organisation);
        var lead = Language.Format(t.Lead, version.Version, Vocabulary.Date(version.EffectiveDate, lang));
        var sections = rows.Select(r => new NoticeSection($"purpose-{r.PurposeKey}", r.Purpose,
            Fields(r).Select((value, i) => (Block)new LabelledParagraph(t.Headers[i] + t.LabelEnd, value)).Skip(2).ToList())).ToList();
        return new NoticeDocument(lang, title, [lead], sections);
    }
}
