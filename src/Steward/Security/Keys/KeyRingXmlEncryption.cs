using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Steward.Security.Keys;

/// <summary>
/// Encrypts the data-protection keys (cookie and antiforgery protection) before they are stored in
/// <c>data_protection_keys</c>: AES-256-GCM under the key ring's <see cref="Purpose"/> key, which is itself
/// wrapped by the key-encryption key that never enters the database. A copy of the database therefore
/// cannot be used to forge or read a cookie, and <see cref="KeyRingEncryptedKeysOnly"/> ignores any key
/// someone writes into the table without that encryption.
/// </summary>
internal sealed class KeyRingXmlEncryptor(KeyRing keys) : IXmlEncryptor
{
    public const string Purpose = "data-protection";
    internal const string ElementName = "encryptedByKeyRing";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        // Data protection calls this synchronously when it creates a key (rarely: every 90 days); the key is cached after first use.
        var key = keys.CurrentAsync(Purpose, CancellationToken.None).GetAwaiter().GetResult();
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var output = new byte[NonceSize + TagSize + plain.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using (var aes = new AesGcm(key.Material, TagSize))
            aes.Encrypt(output.AsSpan(0, NonceSize), plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Associated);
        var element = new XElement(ElementName,
            new XAttribute("keyVersion", key.Version.ToString(CultureInfo.InvariantCulture)),
            new XComment(" AES-256-GCM under Steward's key ring; the key-encryption key is not in the database "),
            Convert.ToBase64String(output));
        return new EncryptedXmlInfo(element, typeof(KeyRingXmlDecryptor));
    }

    internal static readonly byte[] Associated = Encoding.UTF8.GetBytes("steward-data-protection-key");

    internal static XElement Decrypt(KeyRing keys, XElement encryptedElement)
    {
        var version = int.Parse(encryptedElement.Attribute("keyVersion")?.Value ?? "0", CultureInfo.InvariantCulture);
        var key = keys.FindAsync(Purpose, version, CancellationToken.None).GetAwaiter().GetResult()
            ?? throw new CryptographicException($"The '{Purpose}' key v{version} that encrypted a data-protection key does not exist.");
        var data = Convert.FromBase64String(encryptedElement.Value.Trim());
        var plain = new byte[data.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(key.Material, TagSize))
            aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plain, Associated);
        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }
}

/// <summary>
/// Reads keys written by <see cref="KeyRingXmlEncryptor"/>. Public with a service-provider constructor because
/// data protection creates decryptors by type name from the stored XML.
/// </summary>
public sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        KeyRingXmlEncryptor.Decrypt(services.GetRequiredService<KeyRing>(), encryptedElement);
}

/// <summary>
/// The data-protection key store as data protection sees it: only keys encrypted by <see cref="KeyRingXmlEncryptor"/>
/// (and revocations, which can only take keys away). Data protection would otherwise use a key stored in clear,
/// so anyone able to write to <c>data_protection_keys</c> could add a key of their own and forge cookies.
/// </summary>
internal sealed partial class KeyRingEncryptedKeysOnly(IXmlRepository inner, ILogger<KeyRingEncryptedKeysOnly> logger) : IXmlRepository
{
    private static readonly string DecryptorName = typeof(KeyRingXmlDecryptor).FullName!;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var kept = new List<XElement>();
        foreach (var element in inner.GetAllElements())
        {
            if (element.Name.LocalName != "key" || IsEncryptedByKeyRing(element)) kept.Add(element);
            else LogIgnored(logger, element.Attribute("id")?.Value ?? "?");
        }
        return kept;
    }

    public void StoreElement(XElement element, string friendlyName) => inner.StoreElement(element, friendlyName);

    private static bool IsEncryptedByKeyRing(XElement key) =>
        key.Descendants().Any(e => e.Name.LocalName == "encryptedSecret"
            && (e.Attribute("decryptorType")?.Value ?? "").StartsWith(DecryptorName + ",", StringComparison.Ordinal)
            && e.Elements().Any(c => c.Name.LocalName == KeyRingXmlEncryptor.ElementName));

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Ignored data-protection key {KeyId}: it is not encrypted by Steward's key ring (written into the database by someone else?)")]
    private static partial void LogIgnored(ILogger logger, string keyId);
}
