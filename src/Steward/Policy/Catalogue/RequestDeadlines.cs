using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Steward.Policy.Catalogue;

/// <summary>
/// What a law gives a company to answer a rights request, as the rule pack states it (correctable data, not constants):
/// the answer period, an optional acknowledgement step, how far and how late the deadline can be extended, whether the
/// clock waits while identity is verified, and a shorter period without verification for opting out of sale or sharing.
/// </summary>
internal sealed record RequestDeadlines(
    LegalPeriod AnswerWithin,
    LegalPeriod? AcknowledgeWithin = null,
    LegalPeriod? Extension = null,
    LegalPeriod? ExtensionNoticeWithin = null,
    bool ClockPausesForVerification = false,
    LegalPeriod? OptOutWithin = null,
    string? Source = null);

internal enum PeriodUnit { Days, BusinessDays, Months }

/// <summary>
/// A legal period as laws state it: <c>30 days</c>, <c>10 business days</c> (Monday to Friday; public holidays are not
/// known, so they count as business days: a deadline falls early, never late), <c>1 month</c> (same day of the next
/// month, or its last day when there is none, as EU Regulation 1182/71 counts).
/// </summary>
[JsonConverter(typeof(LegalPeriodJsonConverter))]
internal readonly partial record struct LegalPeriod(int Count, PeriodUnit Unit)
{
    public DateTimeOffset After(DateTimeOffset start) => Unit switch
    {
        PeriodUnit.Days => start.AddDays(Count),
        PeriodUnit.Months => start.AddMonths(Count),
        _ => AddBusinessDays(start, Count),
    };

    private static DateTimeOffset AddBusinessDays(DateTimeOffset start, int days)
    {
        var at = start;
        while (days > 0)
        {
            at = at.AddDays(1);
            if (at.UtcDateTime.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) days--;
        }
        return at;
    }

    public static bool TryParse(string? text, out LegalPeriod period)
    {
        period = default;
        var m = Pattern().Match(text?.Trim() ?? "");
        if (!m.Success || !int.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 400) return false;
        period = new LegalPeriod(n, m.Groups["business"].Success ? PeriodUnit.BusinessDays : m.Groups["unit"].Value.StartsWith("month", StringComparison.Ordinal) ? PeriodUnit.Months : PeriodUnit.Days);
        return true;
    }

    public override string ToString()
    {
        var n = Count.ToString(CultureInfo.InvariantCulture);
        var plural = Count == 1 ? "" : "s";
        return Unit switch { PeriodUnit.Months => $"{n} month{plural}", PeriodUnit.BusinessDays => $"{n} business day{plural}", _ => $"{n} day{plural}" };
    }

    [GeneratedRegex(@"^(?<n>\d{1,3}) (?<business>business )?(?<unit>days?|months?)$")]
    private static partial Regex Pattern();
}

internal sealed class LegalPeriodJsonConverter : JsonConverter<LegalPeriod>
{
    public override LegalPeriod Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        LegalPeriod.TryParse(reader.GetString(), out var p) ? p : throw new JsonException("Not a legal period such as '30 days', '10 business days' or '1 month'.");

    public override void Write(Utf8JsonWriter writer, LegalPeriod value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
