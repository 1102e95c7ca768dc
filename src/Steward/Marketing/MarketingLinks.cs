using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Steward.People;
using Steward.Security.Keys;

namespace Steward.Marketing;

/// <summary>What a link is for; part of what the token is bound to, so a preference link is no unsubscribe link and back.</summary>
internal enum LinkKind { Unsubscribe, Preferences, Guardian }

/// <summary>
/// What a link stands for, in memory only: the person's identity, the law that applies to them, the channel (unsubscribe
/// links), the language to show by default and when the link stops working (null: never). Guardian links also hold the
/// keys asked for and the parent's or guardian's identity.
/// </summary>
internal sealed record LinkClaims(Identity Identity, string Jurisdiction, string? Channel, string? Language, DateTimeOffset? ExpiresAt,
    IReadOnlyList<string>? Keys = null, Identity? Guardian = null);

/// <summary>
/// The tokens of the links in marketing mail (<c>/u/TOKEN</c>, <c>/p/TOKEN</c>). A token is opaque: its claims are
/// encrypted with AES-256-GCM under a key of the key ring, so it names no one and cannot be altered or forged; only the
/// format and the key version are readable, so that rotating the key leaves links already sent working. Base64url,
/// about 120 characters for a short email address.
/// </summary>
internal sealed class MarketingLinks(KeyRing keys, IOptions<MarketingOptions> options, TimeProvider time)
{
    public const string KeyPurpose = "marketing.links";
    /// <summary>Longer than any token Steward issues; a longer one is refused before any work.</summary>
    public const int MaxTokenLength = 1024;
    private const byte Format = 1;
    private const int HeaderSize = 1 + sizeof(int);

    /// <summary>A link of <paramref name="kind"/> for an identity, expiring as the settings say for its kind.</summary>
    public Task<(string Token, DateTimeOffset? ExpiresAt)> IssueAsync(LinkKind kind, Identity identity, string jurisdiction, string? channel,
        string? language, CancellationToken ct) =>
        IssueAsync(kind, new LinkClaims(identity, jurisdiction, channel, language, ExpiresAt: null), ct);

    /// <summary>A link of <paramref name="kind"/> standing for <paramref name="claims"/>, whose expiry the settings for its kind set.</summary>
    public async Task<(string Token, DateTimeOffset? ExpiresAt)> IssueAsync(LinkKind kind, LinkClaims claims, CancellationToken ct)
    {
        var lifetime = kind switch
        {
            LinkKind.Unsubscribe => options.Value.UnsubscribeLinkLifetime,
            LinkKind.Guardian => options.Value.GuardianLinkLifetime,
            _ => options.Value.PreferenceLinkLifetime,
        };
        // Whole seconds: the token keeps no finer time, and the caller is told the time the token holds.
        DateTimeOffset? expires = lifetime is { } l ? DateTimeOffset.FromUnixTimeSeconds((time.GetUtcNow() + l).ToUnixTimeSeconds()) : null;
        var key = await keys.CurrentAsync(KeyPurpose, ct);
        var header = new byte[HeaderSize];
        header[0] = Format;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), key.Version);
        var sealedClaims = Sealed.Seal(key.Material, Write(claims with { ExpiresAt = expires }), Associated(kind, header));
        return (Base64Url.EncodeToString([.. header, .. sealedClaims]), expires);
    }

    /// <summary>The claims of a genuine, unexpired token of <paramref name="kind"/>; null for anything else (forged, altered, expired, unknown key), told apart to no one.</summary>
    public async Task<LinkClaims?> ReadAsync(LinkKind kind, string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength || !Base64Url.IsValid(token)) return null;
        var bytes = Base64Url.DecodeFromChars(token);
        if (bytes.Length < HeaderSize + Sealed.Overhead || bytes[0] != Format) return null;
        var version = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1));
        // A version above the newest was never issued: refused without asking the database.
        var current = await keys.CurrentAsync(KeyPurpose, ct);
        if (version < 1 || version > current.Version || await keys.FindAsync(KeyPurpose, version, ct) is not { } key) return null;
        LinkClaims claims;
        try
        {
            claims = Read(Sealed.Open(key.Material, bytes[HeaderSize..], Associated(kind, bytes.AsSpan(0, HeaderSize))));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        return claims.ExpiresAt is { } expires && expires <= time.GetUtcNow() ? null : claims;
    }

    // Binds the sealed claims to the kind of link and to the readable header: neither can be changed without breaking the token.
    private static byte[] Associated(LinkKind kind, ReadOnlySpan<byte> header) =>
        [.. Encoding.UTF8.GetBytes($"steward-marketing-link\n{kind switch { LinkKind.Unsubscribe => "u", LinkKind.Guardian => "g", _ => "p" }}\n"), .. header];

    private static byte[] Write(LinkClaims c)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(c.ExpiresAt?.ToUnixTimeSeconds() ?? 0L);
            w.Write(IdentityTypes.Name(c.Identity.Type));
            w.Write(c.Identity.Value);
            w.Write(c.Jurisdiction);
            w.Write(c.Channel ?? "");
            w.Write(c.Language ?? "");
            // Guardian links only, after what every link holds: tokens issued before keep reading as they did.
            if (c.Guardian is { } guardian)
            {
                w.Write(IdentityTypes.Name(guardian.Type));
                w.Write(guardian.Value);
                w.Write(string.Join('\n', c.Keys ?? []));
            }
        }
        return buffer.ToArray();
    }

    private static LinkClaims Read(byte[] plain)
    {
        using var r = new BinaryReader(new MemoryStream(plain), Encoding.UTF8);
        var expires = r.ReadInt64();
        // Sealed by Steward itself: a type it wrote is a type it knows.
        if (!IdentityTypes.TryParse(r.ReadString(), out var type)) throw new AuthenticationTagMismatchException();
        var identity = new Identity(type, r.ReadString());
        var jurisdiction = r.ReadString();
        var channel = r.ReadString();
        var language = r.ReadString();
        Identity? guardian = null;
        string[]? keys = null;
        if (r.BaseStream.Position < r.BaseStream.Length)
        {
            if (!IdentityTypes.TryParse(r.ReadString(), out var guardianType)) throw new AuthenticationTagMismatchException();
            guardian = new Identity(guardianType, r.ReadString());
            keys = r.ReadString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        return new LinkClaims(identity, jurisdiction, channel.Length == 0 ? null : channel, language.Length == 0 ? null : language,
            expires == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(expires), keys, guardian);
    }
}
