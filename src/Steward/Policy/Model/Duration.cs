using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Steward.Policy.Model;

/// <summary>A calendar period (ISO 8601 <c>PnYnMnWnD</c>) or <c>session</c> (until the browser closes).</summary>
[JsonConverter(typeof(DurationJsonConverter))]
internal readonly partial record struct Duration(int Years, int Months, int Weeks, int Days, bool IsSession = false)
{
    public static readonly Duration Session = new(0, 0, 0, 0, true);

    /// <summary>Approximate length in days, for comparisons only (a month counts 30.44 days).</summary>
    public double ApproximateDays => IsSession ? 0 : Years * 365.25 + Months * 30.44 + Weeks * 7 + Days;

    /// <summary>When a calendar period that starts at <paramref name="start"/> ends (years, then months, then days, as calendars count).</summary>
    public DateTimeOffset After(DateTimeOffset start) => start.AddYears(Years).AddMonths(Months).AddDays(Weeks * 7 + Days);

    /// <summary>When a calendar period that ends at <paramref name="end"/> started.</summary>
    public DateTimeOffset Before(DateTimeOffset end) => end.AddYears(-Years).AddMonths(-Months).AddDays(-(Weeks * 7 + Days));

    public static bool TryParse(string? text, out Duration duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text.Equals("session", StringComparison.OrdinalIgnoreCase))
        {
            duration = Session;
            return true;
        }
        var m = Iso().Match(text);
        if (!m.Success || text == "P") return false;
        static int Part(Group g) => g.Success ? int.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        duration = new Duration(Part(m.Groups["y"]), Part(m.Groups["m"]), Part(m.Groups["w"]), Part(m.Groups["d"]));
        return duration.ApproximateDays > 0;
    }

    public override string ToString()
    {
        if (IsSession) return "session";
        var s = "P";
        if (Years > 0) s += Years.ToString(CultureInfo.InvariantCulture) + "Y";
        if (Months > 0) s += Months.ToString(CultureInfo.InvariantCulture) + "M";
        if (Weeks > 0) s += Weeks.ToString(CultureInfo.InvariantCulture) + "W";
        if (Days > 0) s += Days.ToString(CultureInfo.InvariantCulture) + "D";
        return s;
    }

    [GeneratedRegex(@"^P(?:(?<y>\d{1,3})Y)?(?:(?<m>\d{1,4})M)?(?:(?<w>\d{1,4})W)?(?:(?<d>\d{1,5})D)?$")]
    private static partial Regex Iso();
}

/// <summary>Writes and reads a <see cref="Duration"/> as its ISO 8601 text.</summary>
internal sealed class DurationJsonConverter : JsonConverter<Duration>
{
    public override Duration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Duration.TryParse(reader.GetString(), out var d) ? d : throw new JsonException("Not an ISO 8601 period or 'session'.");

    public override void Write(Utf8JsonWriter writer, Duration value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
