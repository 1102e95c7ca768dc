using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Steward.Notices;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Rights;

/// <summary>The rows of one collection that a package holds, each field with its data categories.</summary>
internal sealed record PackageCollection(string Name, IReadOnlyDictionary<string, IReadOnlyList<string>> Categories, IReadOnlyList<Dictionary<string, object?>> Rows);

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
    public static byte[] Build(Guid requestId, string kind, string lang, DateTimeOffset generatedAt, IReadOnlyList<PackageCollection> collections, PolicyDocument? policy,
        string? noticeUrl = null)
    {
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
            Add(zip, "index.html", Html(requestId, lang, generatedAt, collections, policy, noticeUrl), generatedAt);
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

    private static string Text(object? value) => value switch
    {
        null => "",
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        byte[] b => Convert.ToBase64String(b),
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText(),
        _ => value.ToString() ?? "",
    };

    private static string Html(Guid requestId, string lang, DateTimeOffset generatedAt, IReadOnlyList<PackageCollection> collections, PolicyDocument? policy,
        string? noticeUrl)
    {
        var t = Language.Strings<PackageStrings>(lang);
        var taxonomy = policy is null ? Taxonomy.Bundled : Taxonomy.Bundled.ExtendedBy(policy);
        string E(string s) => WebUtility.HtmlEncode(s);
        string Category(string key) => taxonomy.DataCategories.TryGetValue(key, out var entry) ? entry.Name.In(lang) : key;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"{E(lang)}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{E(t.Title)}</title>\n<style>{Stylesheet.Css}</style>\n</head>\n<body>\n<main class=\"wrap\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<h1>{E(t.Title)}</h1>\n<p>{E(Language.Format(t.Intro, requestId, Vocabulary.Date(DateOnly.FromDateTime(generatedAt.UtcDateTime), lang)))}</p>\n<p>{E(t.Files)}</p>\n");
        if (noticeUrl is not null)
            sb.Append(CultureInfo.InvariantCulture, $"<p>{E(t.AboutProcessing)} <a href=\"{E(noticeUrl)}\">{E(noticeUrl)}</a></p>\n");
        if (collections.Count == 0) sb.Append(CultureInfo.InvariantCulture, $"<p>{E(t.Nothing)}</p>\n");
        foreach (var c in collections)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<section>\n<h2>{E(c.Name)}</h2>\n<p class=\"muted\">{E(Language.Format(t.RowCount, c.Rows.Count))}</p>\n<table>\n<thead><tr>");
            foreach (var (field, categories) in c.Categories)
                sb.Append(CultureInfo.InvariantCulture, $"<th scope=\"col\">{E(field)}<br><span class=\"muted\">{E(Vocabulary.List(categories.Select(Category), lang))}</span></th>");
            sb.Append("</tr></thead>\n<tbody>\n");
            foreach (var row in c.Rows)
            {
                sb.Append("<tr>");
                foreach (var field in c.Categories.Keys) sb.Append(CultureInfo.InvariantCulture, $"<td>{E(Text(row.GetValueOrDefault(field)))}</td>");
                sb.Append("</tr>\n");
            }
            sb.Append("</tbody>\n</table>\n</section>\n");
        }
        sb.Append("</main>\n</body>\n</html>\n");
        return sb.ToString();
    }
}

/// <summary>The texts of a package's <c>index.html</c>.</summary>
internal sealed record PackageStrings : ILocalised<PackageStrings>
{
    public required string Title { get; init; }
    /// <summary>{0}: the request number; {1}: the date.</summary>
    public required string Intro { get; init; }
    public required string Files { get; init; }
    public required string Nothing { get; init; }
    public required string AboutProcessing { get; init; }
    /// <summary>{0}: the number of rows.</summary>
    public required string RowCount { get; init; }

    public static PackageStrings English { get; } = new()
    {
        Title = "Your personal information",
        Intro = "This is a copy of the personal information about you held in the systems this request covers, prepared for request {0} on {1}. Each table below is one place where we keep it; under each column you see what kind of information it is.",
        Files = "The same information is in data.json (for other programs and services) and in the csv folder (for spreadsheets).",
        Nothing = "We found no personal information about you in the systems this request covers.",
        AboutProcessing = "What we use this information for, where it comes from, whom we share it with, how long we keep it, and your rights, including the right to complain to a supervisory authority, are set out in our privacy notice:",
        RowCount = "Records: {0}",
    };

    public static PackageStrings Chinese { get; } = new()
    {
        Title = "您的个人信息",
        Intro = "这是我们为请求 {0} 于 {1} 整理的、本请求涉及的系统中您的个人信息副本。以下每个表格对应我们保存信息的一处位置；各列下方注明该信息的类别。",
        Files = "相同的信息也保存在 data.json（供其他程序和服务使用）和 csv 文件夹（供电子表格使用）中。",
        Nothing = "在本请求涉及的系统中，我们未找到您的个人信息。",
        AboutProcessing = "我们处理这些信息的目的、信息来源、与谁共享、保存期限，以及您的权利（包括向监管部门投诉的权利），请见我们的隐私声明：",
        RowCount = "记录数：{0}",
    };
}
