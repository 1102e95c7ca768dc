using System.Globalization;

namespace Steward.Web;

/// <summary>The two languages of every public text: English and Simplified Chinese.</summary>
public static class Language
{
    public const string English = "en";
    public const string Chinese = "zh-CN";
    public static readonly string[] All = [English, Chinese];

    /// <summary>Normalises a tag (<c>zh</c>, <c>zh-Hans</c>, <c>zh-cn</c> → zh-CN; <c>en-GB</c> → en), or null if neither.</summary>
    public static string? Normalize(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        tag = tag.Trim();
        if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase)) return Chinese;
        if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase)) return English;
        return null;
    }

    /// <summary><c>?lang=</c> first, then Accept-Language by quality, then English.</summary>
    public static string FromRequest(HttpRequest request)
    {
        if (Normalize(request.Query["lang"].ToString()) is { } chosen) return chosen;
        var header = request.GetTypedHeaders().AcceptLanguage;
        foreach (var value in header.OrderByDescending(v => v.Quality ?? 1.0))
            if (Normalize(value.Value.Value) is { } lang) return lang;
        return English;
    }

    public static CultureInfo Culture(string lang) => CultureInfo.GetCultureInfo(lang == Chinese ? "zh-CN" : "en-GB");
}
