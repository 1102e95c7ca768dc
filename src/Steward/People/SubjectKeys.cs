using System.Security.Cryptography;
using System.Text;
using Steward.Security.Keys;

namespace Steward.People;

/// <summary>
/// Per-subject data keys. Each subject gets 32 random bytes, stored wrapped (AES-256-GCM) by the key ring's
/// <see cref="WrappingPurpose"/> key, which the key-encryption key wraps in turn: one hierarchy, so
/// <c>steward keys rotate people.subject-keys</c> and <c>steward keys rewrap</c> cover every subject without
/// touching a subject row. Values are encrypted with associated data naming the subject and the identity type,
/// so a ciphertext copied onto another subject or type does not decrypt.
/// </summary>
internal sealed class SubjectKeys(KeyRing ring)
{
    public const string WrappingPurpose = "people.subject-keys";
    public const int DataKeySize = 32;
    public const int WrappedSize = Sealed.Overhead + DataKeySize;

    /// <summary>The key that wraps new data keys; call before opening a transaction (on first use it is created on another connection).</summary>
    public Task<ManagedKey> WrappingKeyAsync(CancellationToken ct) => ring.CurrentAsync(WrappingPurpose, ct);

    /// <summary>Gives <paramref name="subject"/> a new data key, stored wrapped; returns the key in clear for the caller to use and zero.</summary>
    public static byte[] Create(DataSubject subject, ManagedKey wrapping)
    {
        var dataKey = RandomNumberGenerator.GetBytes(DataKeySize);
        subject.WrappedDataKey = Sealed.Seal(wrapping.Material, dataKey, WrapAssociated(subject.Id, wrapping.Version));
        subject.WrappingKeyVersion = wrapping.Version;
        return dataKey;
    }

    /// <summary>The subject's data key in clear, or null when it was destroyed (erased or merged away).</summary>
    public async Task<byte[]?> OpenAsync(DataSubject subject, CancellationToken ct)
    {
        if (subject.WrappedDataKey is not { } wrapped) return null;
        var wrapping = await ring.FindAsync(WrappingPurpose, subject.WrappingKeyVersion, ct)
            ?? throw new CryptographicException($"The '{WrappingPurpose}' key v{subject.WrappingKeyVersion} that wrapped the data key of subject {subject.Id} does not exist.");
        return Sealed.Open(wrapping.Material, wrapped, WrapAssociated(subject.Id, wrapping.Version));
    }

    /// <summary>Wraps <paramref name="subject"/>'s data key again under <paramref name="current"/> (after a rotation); false when it has none.</summary>
    public async Task<bool> RewrapAsync(DataSubject subject, ManagedKey current, CancellationToken ct)
    {
        if (await OpenAsync(subject, ct) is not { } dataKey) return false;
        subject.WrappedDataKey = Sealed.Seal(current.Material, dataKey, WrapAssociated(subject.Id, current.Version));
        subject.WrappingKeyVersion = current.Version;
        CryptographicOperations.ZeroMemory(dataKey);
        return true;
    }

    /// <summary>Encrypts a normalised identity value for <paramref name="subjectId"/>.</summary>
    public static byte[] Encrypt(byte[] dataKey, Guid subjectId, IdentityType type, string value) =>
        Sealed.Seal(dataKey, Encoding.UTF8.GetBytes(value), ValueAssociated(subjectId, type));

    /// <summary>Decrypts a value; throws <see cref="AuthenticationTagMismatchException"/> when it was altered, or belongs to another subject or type.</summary>
    public static string Decrypt(byte[] dataKey, Guid subjectId, IdentityType type, byte[] ciphertext) =>
        Encoding.UTF8.GetString(Sealed.Open(dataKey, ciphertext, ValueAssociated(subjectId, type)));

    private static byte[] WrapAssociated(Guid subjectId, int version) => Encoding.UTF8.GetBytes($"steward-subject-key\n{subjectId:D}\n{version}");

    private static byte[] ValueAssociated(Guid subjectId, IdentityType type) => Encoding.UTF8.GetBytes($"steward-identity\n{subjectId:D}\n{IdentityTypes.Name(type)}");
}

/// <summary>AES-256-GCM in one byte array: nonce (12), tag (16), ciphertext. Random nonces: a key seals few values.</summary>
internal static class Sealed
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    public const int Overhead = NonceSize + TagSize;

    public static byte[] Seal(byte[] key, ReadOnlySpan<byte> plain, ReadOnlySpan<byte> associated)
    {
        var output = new byte[Overhead + plain.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), plain, output.AsSpan(Overhead), output.AsSpan(NonceSize, TagSize), associated);
        return output;
    }

    public static byte[] Open(byte[] key, byte[] sealedBytes, ReadOnlySpan<byte> associated)
    {
        if (sealedBytes.Length < Overhead) throw new AuthenticationTagMismatchException();
        var plain = new byte[sealedBytes.Length - Overhead];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(Overhead), sealedBytes.AsSpan(NonceSize, TagSize), plain, associated);
        return plain;
    }
}
