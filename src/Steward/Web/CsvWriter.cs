using System.Text;

namespace Steward.Web;

/// <summary>
/// Writes the CSV files people open in spreadsheet programs: RFC 4180 quoting, a UTF-8 byte-order mark so
/// Chinese reads correctly, and every cell that a spreadsheet would run as a formula made inert.
/// </summary>
internal static class CsvWriter
{
    /// <summary>A whole file: the header row, then the rows, each line ended by CRLF.</summary>
    public static string Write(IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rows)
    {
        var sb = new StringBuilder("\uFEFF");
        Line(sb, headers);
        foreach (var row in rows) Line(sb, row);
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, IEnumerable<string> cells) =>
        sb.AppendJoin(',', cells.Select(Cell)).Append("\r\n");

    /// <summary>
    /// One cell. Texts from the policy reach the file unchanged, and a spreadsheet runs a cell beginning with
    /// =, +, -, @, tab or carriage return as a formula (=HYPERLINK(...) can leak data or mislead the reader):
    /// such a cell gets a leading apostrophe, which spreadsheets read as "this is text" (the OWASP rule).
    /// </summary>
    public static string Cell(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
