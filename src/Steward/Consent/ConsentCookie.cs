using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;
using Steward.Security.Keys;

namespace Steward.Consent;

/// <summary>
/// What the banner's cookie says: the consent id, the policy version, when Steward recorded the choice (Unix seconds),
/// per cookie category 1 (granted) or 0 (denied), and whether Global Privacy Control was honoured. Short names keep the cookie small.
/// </summary>
internal sealed record ConsentCookieState(
    [property: JsonPropertyName("id")] Guid ConsentId,
    [property: JsonPropertyName("v")] int PolicyVersion,
    [property: JsonPropertyName("t")] long RecordedAt,
    [property: JsonPropertyName("c")] Dictionary<string, int> Choices,
    [property: JsonPropertyName("g")] bool Gpc);

/// <summary>
/// Signs what Steward recorded, so the cookie in the visitor's browser cannot be changed unnoticed: the value is
/// <c>PAYLOAD.KEYVERSION.MAC</c>, the payload base64url JSON, the MAC an HMAC-SHA256 under a key of the key ring.
/// A cookie that does not verify counts as no choice.
/// </summary>
internal sealed class ConsentCookies(KeyRing keys)
{
    public const string KeyPurpose = "consent.cookie";
    /// <summary>Longest cookie value read; a real one is a few hundred characters.</summary>
    public const int MaxLength = 4096;
    private static readonly byte[] Context = "steward-consent-cookie\n"u8.ToArray();

    public async Task<string> SignAsync(ConsentCookieState state, CancellationToken ct)
    {
        var key = await keys.CurrentAsync(KeyPurpose, ct);
        var payload = WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(state));
        return $"{payload}.{key.Version.ToString(CultureInfo.InvariantCulture)}.{WebEncoders.Base64UrlEncode(Mac(key.Material, payload))}";
    }

    /// <summary>The state the cookie holds, or null when it is malformed, tampered with or signed by a key Steward does not have.</summary>
    public async Task<ConsentCookieState?> OpenAsync(string? value, CancellationToken ct)
    {
        if (value is null || value.Length > MaxLength || value.Split('.') is not [var payload, var versionText, var macText]) return null;
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version)) return null;
        byte[] mac, json;
        try
        {
            mac = WebEncoders.Base64UrlDecode(macText);
            json = WebEncoders.Base64UrlDecode(payload);
        }
        catch (FormatException)
        {
            return null;
        }
        if (await keys.FindAsync(KeyPurpose, version, ct) is not { } key || !CryptographicOperations.FixedTimeEquals(mac, Mac(key.Material, payload))) return null;
        try
        {
            return JsonSerializer.Deserialize<ConsentCookieState>(json) is { Choices: not null } state ? state : null;
        }
        catch (JsonException)
        {
            return null; // signed by us but unreadable: only a future format would be; treat it as no choice
        }
    }

    private static byte[] Mac(byte[] key, string payload) => HMACSHA256.HashData(key, (byte[])[.. Context, .. Encoding.ASCII.GetBytes(payload)]);
}
