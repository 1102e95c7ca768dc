using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Steward.Notices;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Rights;

/// <summary>The rows of one collection that a package holds, each field with its data categories.</summary>
public sealed record PackageSection(string Name, IReadOnlyDictionary<string, IReadOnlyList<string>> Categories, IReadOnlyList<Dictionary<string, object?>> Rows);

/// <summary>
/// The zip a person receives for access and portability: <c>data.json</c> (machine-readable: per <c>dataset:collection</c>
/// its fields with their data categories and its rows), one CSV per collection (spreadsheet-safe) and <c>index.html</c>,
/// readable by the person in their language without any program but a browser. Built in memory: a person's data is small.
/// </summary>
internal static class AccessPackage
{
    public const string Format = "steward-access-package/v1";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The zip of one request. <c>noticeUrl</c>, the privacy notice in force, says what the information is used for, whom it
    /// goes to, how long it is kept and the person's rights (GDPR Art. 15(1)); the page links to it.
    /// </summary>
    public static async Task<byte[]> BuildAsync(Guid requestId, string kind, string lang, DateTimeOffset generatedAt, IReadOnlyList<PackageSection> collections, PolicyDocument? policy,
        string? noticeUrl = null)
    {
        var taxonomy = policy is null ? Taxonomy.Bundled : Taxonomy.Bundled.ExtendedBy(policy);
        var html = await Pages.RenderFileAsync<PackagePage>(new Dictionary<string, object?>
        {
            [nameof(PackagePage.Lang)] = lang,
            [nameof(PackagePage.RequestId)] = requestId,
            [nameof(PackagePage.Date)] = Vocabulary.Date(DateOnly.FromDateTime(generatedAt.UtcDateTime), lang),
            [nameof(PackagePage.NoticeUrl)] = noticeUrl,
            [nameof(PackagePage.Collections)] = collections,
            [nameof(PackagePage.CategoryNames)] = collections.SelectMany(c => c.Categories.Values.SelectMany(v => v)).Distinct(StringComparer.Ordinal)
                .ToDictionary(k => k, k => taxonomy.DataCategories.TryGetValue(k, out var entry) ? entry.Name.In(lang) : k, StringComparer.Ordinal),
        });
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "data.json", JsonSerializer.Serialize(new
            {
                format = Format,
                request = requestId,
                kind,
                generatedAt,
                collections = collections.ToDictionary(c => c.Name, c => new { fields = c.Categories, rows = c.Rows }),
            }, Json), generatedAt);
            foreach (var c in collections)
            {
                var fields = c.Categories.Keys.ToList();
                Add(zip, $"csv/{FileName(c.Name)}.csv", CsvWriter.Write(fields, c.Rows.Select(r => fields.Select(f => Text(r.GetValueOrDefault(f))))), generatedAt);
            }
            Add(zip, "index.html", html, generatedAt);
        }
        return buffer.ToArray();
    }

    private static void Add(ZipArchive zip, string name, string text, DateTimeOffset at)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = at;
        using var stream = entry.Open();
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A collection's name as a file name: <c>shop_db:orders</c> → <c>shop_db.orders</c>; nothing that leaves the folder.</summary>
    public static string FileName(string collection) =>
        string.Concat(collection.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' ? ch : '.')).Trim('.');

    /// <summary>A value as a cell shows it: numbers and times in invariant form, bytes in base64.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        byte[] b => Convert.ToBase64String(b),
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText(),
        _ => value.ToString() ?? "",
    };
}
