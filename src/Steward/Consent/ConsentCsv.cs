using System.Text;

namespace Steward.Consent;

/// <summary>One record of a CSV file: its fields and the line it starts on (a quoted field may span lines).</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields, string? Problem);

/// <summary>Reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF, a UTF-8 byte-order mark) record by record.</summary>
internal static class ConsentCsv
{
    public static IEnumerable<CsvRecord> Read(TextReader reader)
    {
        var line = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        var start = 1;
        var quoted = false;
        var fieldStarted = false;
        var closed = false; // the current field was quoted and its quote has closed
        string? problem = null;
        int c;
        if (reader.Peek() == '\uFEFF') reader.Read();
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else (quoted, closed) = (false, true);
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when !fieldStarted:
                    quoted = fieldStarted = true;
                    break;
                case '"':
                    problem ??= closed ? "text after the closing quote of a field." : "a quote inside an unquoted field (quote the whole field and double the quote).";
                    field.Append(ch);
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = closed = false;
                    break;
                case '\r' when reader.Peek() == '\n':
                    break;
                case '\n' or '\r':
                    fields.Add(field.ToString());
                    if (fields.Count > 1 || fields[0].Length > 0 || problem is not null) yield return new CsvRecord(start, fields.ToList(), problem);
                    fields.Clear();
                    field.Clear();
                    fieldStarted = closed = false;
                    problem = null;
                    start = ++line;
                    break;
                default:
                    if (closed) problem ??= "text after the closing quote of a field.";
                    field.Append(ch);
                    fieldStarted = true;
                    break;
            }
        }
        if (quoted) problem ??= "a quoted field is not closed.";
        fields.Add(field.ToString());
        if (fields.Count > 1 || fields[0].Length > 0 || problem is not null) yield return new CsvRecord(start, fields, problem);
    }
}
