using System.Globalization;

namespace Steward.Web;

/// <summary>The two languages of every public text: English and Simplified Chinese.</summary>
internal static class Language
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

    /// <summary>
    /// <c>?lang=</c> first, then Accept-Language by quality, then English. A quality of 0 means
    /// "not this one" (RFC 9110 §12.4.2), so <c>zh;q=0, fr</c> gets English, not Chinese.
    /// </summary>
    public static string FromRequest(HttpRequest request)
    {
        if (Normalize(request.Query["lang"].ToString()) is { } chosen) return chosen;
        var header = request.GetTypedHeaders().AcceptLanguage;
        foreach (var value in header.Where(v => v.Quality is not <= 0).OrderByDescending(v => v.Quality ?? 1.0))
            if (Normalize(value.Value.Value) is { } lang) return lang;
        return English;
    }

    /// <summary>Picks the value for a language: the one place that tells the two languages apart.</summary>
    public static T Pick<T>(string lang, T english, T chinese) => Normalize(lang) == Chinese ? chinese : english;

    public static CultureInfo Culture(string lang) => CultureInfo.GetCultureInfo(Pick(lang, "en-GB", "zh-CN"));

    /// <summary>The other language of the two, for the language switch.</summary>
    public static string Other(string lang) => Pick(lang, Chinese, English);

    /// <summary>A language's name in itself, as a language switch shows it (not a translation).</summary>
    public static string Endonym(string lang) => Pick(lang, "English", "简体中文");

    /// <summary>Fills the placeholders of a localised text; numbers keep digits a reader of either language reads.</summary>
    public static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

    /// <summary>Typed strings of a feature for a language.</summary>
    internal static T Strings<T>(string lang) where T : ILocalised<T> => Pick(lang, T.English, T.Chinese);
}

/// <summary>
/// A feature's typed strings: one record type, one instance per language. A test reads every implementation
/// and fails when a text is missing in either language.
/// </summary>
internal interface ILocalised<TSelf> where TSelf : ILocalised<TSelf>
{
    static abstract TSelf English { get; }
    static abstract TSelf Chinese { get; }
}

/// <summary>Marks a text that is deliberately the same in both languages (a dash, a number format).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SameInBothLanguagesAttribute : Attribute;

/// <summary>Marks punctuation or a separator: its form differs by script and may be empty (Chinese joins sentences without a space).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class PunctuationAttribute : Attribute;
