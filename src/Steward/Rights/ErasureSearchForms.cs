using System.Buffers;
using System.Text;
using PhoneNumbers;
using Steward.People;

namespace Steward.Rights;

/// <summary>
/// One spelling of a person's identifier to look for. <see cref="IgnoreCase"/>: emails and hex digests, written in any case;
/// opaque ids are compared exactly. A form shorter than <see cref="ErasureSearchForms.MinSubstringLength"/> would match
/// inside unrelated text, so it only counts as a whole column value. <see cref="ToString"/> never shows the value.
/// </summary>
internal sealed record SearchForm(string Value, bool IgnoreCase, bool Email)
{
    public bool WholeOnly => Value.Length < ErasureSearchForms.MinSubstringLength;
    public StringComparison Comparison => IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The value as the database compares it: lower-cased where case does not matter.</summary>
    public string Key => IgnoreCase ? Value.ToLowerInvariant() : Value;

    public override string ToString() => "search form";
}

/// <summary>
/// The spellings an identifier is likely stored or logged in: the normalised value, and the common raw forms (an email
/// in any case or URL-encoded; a phone number in E.164, international and national formats with spaces, dashes or
/// parentheses, with or without the country code; a hashed email in either case; other ids as they are).
/// </summary>
internal static class ErasureSearchForms
{
    public const int MinSubstringLength = 6;
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public static List<SearchForm> For(IEnumerable<Identity> identities)
    {
        var forms = new Dictionary<string, SearchForm>(StringComparer.Ordinal);
        void Add(string value, bool ignoreCase, bool email = false)
        {
            value = value.Trim();
            if (value.Length > 0) forms.TryAdd((ignoreCase ? value.ToLowerInvariant() : value), new SearchForm(value, ignoreCase, email));
        }
        foreach (var identity in identities)
            switch (identity.Type)
            {
                case IdentityType.Email:
                    Add(identity.Value, ignoreCase: true, email: true);
                    Add(identity.Value.Replace("@", "%40", StringComparison.Ordinal), ignoreCase: true, email: true);
                    break;
                case IdentityType.HashedEmail:
                    Add(identity.Value, ignoreCase: true);
                    break;
                case IdentityType.Phone:
                    foreach (var phone in PhoneForms(identity.Value)) Add(phone, ignoreCase: false);
                    break;
                default:
                    Add(identity.Value, ignoreCase: false);
                    break;
            }
        // Longest first: where one form holds another (E.164 and the number without '+'), the longer one is the hit.
        return forms.Values.OrderByDescending(f => f.Value.Length).ThenBy(f => f.Value, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// SQL <c>LIKE</c> patterns that every long form of the identifiers matches (a wider net, checked again by <see cref="IdentifierMatcher"/>):
    /// one per email (<c>%local%domain%</c>, so <c>@</c> and <c>%40</c> alike), one per phone number (its digit groups
    /// joined by <c>%</c>, so any separator or none), the value itself for other ids. A database evaluates a few
    /// patterns far faster than one condition per spelling.
    /// </summary>
    public static List<string> LikePatterns(IEnumerable<Identity> identities)
    {
        var patterns = new List<string>();
        foreach (var identity in identities)
        {
            if (identity.Type == IdentityType.Email && identity.Value.LastIndexOf('@') is var at and > 0)
                patterns.Add($"%{identity.Value[..at].ToLowerInvariant()}%{identity.Value[(at + 1)..].ToLowerInvariant()}%");
            else if (identity.Type == IdentityType.Phone && PhoneGroups(identity.Value) is { } groups)
                patterns.Add("%" + string.Join('%', groups) + "%");
            else if (identity.Value.Length >= MinSubstringLength)
                patterns.Add($"%{identity.Value.ToLowerInvariant()}%");
        }
        return patterns.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The national number's digit groups as the international format writes them (<c>138 0000 0001</c>).</summary>
    private static string[]? PhoneGroups(string e164)
    {
        try
        {
            var international = Phones.Format(Phones.Parse(e164, "ZZ"), PhoneNumberFormat.INTERNATIONAL);
            return international.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    private static IEnumerable<string> PhoneForms(string e164)
    {
        yield return e164;
        PhoneNumber number;
        try
        {
            number = Phones.Parse(e164, "ZZ");
        }
        catch (NumberParseException)
        {
            yield break;
        }
        var code = number.CountryCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var national = Phones.GetNationalSignificantNumber(number);
        yield return code + national;
        yield return "00" + code + national;
        yield return national;
        foreach (var formatted in (string[])[Phones.Format(number, PhoneNumberFormat.INTERNATIONAL), Phones.Format(number, PhoneNumberFormat.NATIONAL)])
        {
            yield return formatted;
            yield return formatted.Replace(' ', '-');
            yield return formatted.Replace(" ", "", StringComparison.Ordinal);
            // (0xx) xxx: a national format with a trunk prefix also appears without it.
            if (formatted.StartsWith('0')) yield return formatted[1..];
        }
        // The national number grouped as the international format groups it, with spaces or dashes.
        var international = Phones.Format(number, PhoneNumberFormat.INTERNATIONAL);
        var groups = international[(international.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        yield return groups;
        yield return groups.Replace(' ', '-');
    }
}

/// <summary>
/// Finds search forms in text: one vectorised multi-string search (<see cref="SearchValues{T}"/>) for candidates, then
/// each candidate checked for its form's case rule and for word boundaries, so <c>bob@x.com</c> is not found inside
/// <c>jimbob@x.com</c> and a phone number not inside a longer one.
/// </summary>
internal sealed class IdentifierMatcher
{
    private readonly SearchForm[] _forms;
    private readonly SearchValues<string>? _values;

    public IdentifierMatcher(IReadOnlyList<SearchForm> forms)
    {
        _forms = forms.Where(f => !f.WholeOnly).OrderByDescending(f => f.Value.Length).ToArray();
        Whole = forms.Where(f => f.WholeOnly).ToArray();
        _values = _forms.Length == 0 ? null : SearchValues.Create(_forms.Select(f => f.Value).ToArray(), StringComparison.OrdinalIgnoreCase);
        LongestForm = _forms.Length == 0 ? 0 : _forms.Max(f => f.Value.Length);
    }

    /// <summary>Forms matched only as a whole value (short ids).</summary>
    public IReadOnlyList<SearchForm> Whole { get; }

    public int LongestForm { get; }

    /// <summary>Whether a column value holds a form (whole, or inside it at word boundaries).</summary>
    public bool Matches(string value)
    {
        var trimmed = value.AsSpan().Trim();
        foreach (var f in Whole)
            if (trimmed.Equals(f.Value, f.Comparison)) return true;
        return Count(value, 0, value.Length, out _) > 0;
    }

    /// <summary>Hits starting in <c>[from, limit)</c> of <paramref name="text"/> (characters after limit serve as context only); <paramref name="end"/> is where the last hit ended.</summary>
    public int Count(ReadOnlySpan<char> text, int from, int limit, out int end)
    {
        end = from;
        if (_values is null) return 0;
        var count = 0;
        var pos = from;
        while (pos < limit)
        {
            var i = text[pos..].IndexOfAny(_values);
            if (i < 0 || pos + i >= limit) break;
            var start = pos + i;
            var length = HitAt(text, start);
            if (length > 0)
            {
                count++;
                pos = end = start + length;
            }
            else pos = start + 1;
        }
        return count;
    }

    private int HitAt(ReadOnlySpan<char> text, int start)
    {
        foreach (var f in _forms)
        {
            if (!text[start..].StartsWith(f.Value, f.Comparison)) continue;
            var after = start + f.Value.Length;
            if (start > 0 && !Boundary(text[start - 1], f, before: true)) continue;
            if (after < text.Length && !Boundary(text[after], f, before: false)) continue;
            return f.Value.Length;
        }
        return 0;
    }

    private static bool Boundary(char c, SearchForm form, bool before) =>
        !char.IsLetterOrDigit(c) && c != '_' && !(form.Email && (before ? c is '.' or '%' or '+' or '-' : c == '-'));
}

/// <summary>Counts a matcher's hits in a file, streamed in blocks of characters that overlap by the longest form.</summary>
internal static class LogFileScan
{
    private const int BlockChars = 1 << 20;

    public static async Task<(long Hits, long Bytes)> ScanAsync(string path, IdentifierMatcher matcher, CancellationToken ct)
    {
        if (matcher.LongestForm == 0) return (0, 0);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var decoder = new UTF8Encoding(false, false).GetDecoder();
        var bytes = ArrayPool<byte>.Shared.Rent(BlockChars);
        var chars = ArrayPool<char>.Shared.Rent(BlockChars + matcher.LongestForm + 2);
        try
        {
            long hits = 0, total = 0;
            var kept = 0;   // characters carried over from the block before
            var from = 0;   // where hits may start in the current block (what comes before was counted already)
            var overlap = matcher.LongestForm + 1;
            while (true)
            {
                var read = await file.ReadAsync(bytes.AsMemory(0, BlockChars - overlap - 1), ct);
                total += read;
                var last = read == 0;
                var length = kept + decoder.GetChars(bytes, 0, read, chars, kept, flush: last);
                // A hit must end before the block does unless the file ends here: its next character decides its boundary.
                var limit = last ? length : Math.Max(from, length - overlap);
                hits += matcher.Count(chars.AsSpan(0, length), from, limit, out var end);
                if (last) return (hits, total);
                // Carry the unsearched tail and one character before it (the boundary of a hit starting there).
                var carryFrom = Math.Max(0, limit - 1);
                kept = length - carryFrom;
                from = Math.Max(limit, end) - carryFrom;
                chars.AsSpan(carryFrom, kept).CopyTo(chars);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
