using System.Security.Cryptography;
using System.Text;
using Steward.Security.Keys;

namespace Steward.People;

/// <summary>A blind index under one version of the key.</summary>
internal sealed record BlindIndexValue(int Version, byte[] Value);

/// <summary>
/// Finds identities without storing them in clear: HMAC-SHA256 under the key ring's <see cref="Purpose"/> key over
/// the type and the normalised value, so equal values of different types never collide and a copy of the database
/// alone cannot test guesses. After a rotation new identities use the new version and lookups try every version,
/// newest first, until a re-index has moved the older rows.
/// </summary>
internal sealed class BlindIndex(KeyRing ring)
{
    public const string Purpose = "people.blind-index";

    /// <summary>The identity's index under every key version, current first. Creates the key on first use: call outside a transaction.</summary>
    public async Task<IReadOnlyList<BlindIndexValue>> ComputeAsync(Identity identity, CancellationToken ct)
    {
        var current = await ring.CurrentAsync(Purpose, ct);
        var all = new List<BlindIndexValue>(current.Version) { Of(current, identity) };
        for (var v = current.Version - 1; v >= 1; v--)
            if (await ring.FindAsync(Purpose, v, ct) is { } older) all.Add(Of(older, identity));
        return all;
    }

    /// <summary>The identity's index under one key version (a re-index after rotation).</summary>
    public static BlindIndexValue Of(ManagedKey key, Identity identity) =>
        // Type names and normalised values hold no line break, so "type\nvalue" reads one way only.
        new(key.Version, HMACSHA256.HashData(key.Material, Encoding.UTF8.GetBytes($"{IdentityTypes.Name(identity.Type)}\n{identity.Value}")));
}
