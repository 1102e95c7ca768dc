using System.Text;
using System.Text.Unicode;

namespace Steward.Policy;

/// <summary>
/// Turns the bytes of a policy file into text, refusing anything but UTF-8: decoding leniently would put U+FFFD in a
/// published title, and a UTF-16 file would read as one line of gibberish. A UTF-8 byte-order mark is fine.
/// </summary>
internal static class PolicyText
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The text, or null with the problem (located where it can be) added to <paramref name="diagnostics"/>.</summary>
    public static string? Decode(string file, ReadOnlySpan<byte> bytes, List<PolicyDiagnostic> diagnostics)
    {
        if (WideEncoding(bytes) is { } wide)
        {
            diagnostics.Add(new(new(file, 1, 1), Severity.Error, PolicyCodes.FileProblem, $"The file is {wide}; save it as UTF-8."));
            return null;
        }
        if (bytes.StartsWith(Utf8Bom)) bytes = bytes[Utf8Bom.Length..];
        if (bytes.IndexOf((byte)0) is var nul and >= 0)
        {
            diagnostics.Add(new(At(file, bytes[..nul]), Severity.Error, PolicyCodes.FileProblem,
                "The file holds a NUL byte, which text never has; is it a binary file? Policy files are UTF-8 text."));
            return null;
        }
        if (!Utf8.IsValid(bytes))
        {
            var chars = new char[bytes.Length]; // UTF-16 never needs more chars than UTF-8 needs bytes
            Utf8.ToUtf16(bytes, chars, out var read, out _, replaceInvalidSequences: false);
            diagnostics.Add(new(At(file, bytes[..read]), Severity.Error, PolicyCodes.FileProblem,
                $"Byte 0x{bytes[read]:X2} is not UTF-8; save the file as UTF-8 (it may have been saved as GBK or Latin-1)."));
            return null;
        }
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>UTF-16 or UTF-32, told by a byte-order mark or, without one, by the zero bytes that ASCII characters get in them.</summary>
    private static string? WideEncoding(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) || b.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF])) return "UTF-32";
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || b.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return "UTF-16";
        // YAML is mostly ASCII: in UTF-32 three bytes of four are zero, in UTF-16 one of two, always on the same side.
        var sample = b[..(Math.Min(b.Length, 4096) & ~3)];
        if (!sample.Contains((byte)0)) return null;
        Span<int> zeros = stackalloc int[4];
        for (var i = 0; i < sample.Length; i++)
            if (sample[i] == 0) zeros[i % 4]++;
        var quarter = sample.Length / 4;
        if ((zeros[1] + zeros[2] + zeros[3] > 2 * quarter) || (zeros[0] + zeros[1] + zeros[2] > 2 * quarter)) return "UTF-32";
        int odd = zeros[1] + zeros[3], even = zeros[0] + zeros[2];
        return Math.Max(odd, even) > quarter / 2 && Math.Min(odd, even) * 4 < Math.Max(odd, even) ? "UTF-16" : null;
    }

    /// <summary>The line and column just after <paramref name="before"/>, the bytes preceding the problem.</summary>
    private static SourceLocation At(string file, ReadOnlySpan<byte> before)
    {
        var text = Encoding.UTF8.GetString(before).AsSpan();
        return new(file, text.Count('\n') + 1, text.Length - text.LastIndexOf('\n'));
    }
}
