using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Steward.People;

namespace Steward.Consent;

/// <summary>The browser's part of a proof, in clear: only ever in memory, sealed before it is stored.</summary>
internal sealed record BrowserProof(string? Ip, string? UserAgent);

/// <summary>
/// The details of a proof: checks of their form, truncation of IP addresses, and sealing of the personal part (truncated
/// address and user agent) with the subject's data key, bound to the subject and the event so a sealed proof copied
/// onto another event or person does not open.
/// </summary>
internal static partial class ConsentProofs
{
    public const int MaxLanguageLength = 35;
    public const int MaxUserAgentLength = 1024;

    /// <summary>The network of <paramref name="ip"/>: IPv4 to its /24, IPv6 to its /48 (IPv4-mapped IPv6 read as IPv4). Null when it is not an address.</summary>
    public static string? Truncate(string ip)
    {
        if (!IPAddress.TryParse(ip.Trim(), out var address)) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        var keep = address.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        Array.Clear(bytes, keep, bytes.Length - keep);
        return new IPAddress(bytes).ToString();
    }

    /// <summary>Why <paramref name="hash"/> is not a SHA-256 in hex, or null when it is (or absent).</summary>
    public static string? TextHashProblem(string? hash) =>
        hash is null || (hash.Length == 64 && hash.All(char.IsAsciiHexDigitLower)) ? null
            : "The text hash is the SHA-256 of the text shown, as 64 lower-case hex digits.";

    public static string? LanguageProblem(string? language) =>
        language is null || (language.Length <= MaxLanguageLength && LanguageTag().IsMatch(language)) ? null
            : "The language is a language tag such as en or zh-CN.";

    public static byte[]? Seal(byte[] dataKey, Guid subjectId, Guid eventId, BrowserProof proof) =>
        proof.Ip is null && proof.UserAgent is null ? null
            : Sealed.Seal(dataKey, JsonSerializer.SerializeToUtf8Bytes(proof), Associated(subjectId, eventId));

    /// <summary>The proof in clear; empty when there is none or the key is gone (the subject was erased).</summary>
    public static BrowserProof Open(byte[]? dataKey, Guid subjectId, Guid eventId, byte[]? sealedProof) =>
        dataKey is null || sealedProof is null ? new BrowserProof(null, null)
            : JsonSerializer.Deserialize<BrowserProof>(Sealed.Open(dataKey, sealedProof, Associated(subjectId, eventId)))!;

    private static byte[] Associated(Guid subjectId, Guid eventId) => Encoding.UTF8.GetBytes($"steward-consent-proof\n{subjectId:D}\n{eventId:D}");

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguageTag();
}
