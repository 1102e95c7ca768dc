namespace Steward.People;

/// <summary>The kinds of identifier that point at a data subject.</summary>
internal enum IdentityType
{
    Email,
    Phone,
    AccountId,
    CookieId,
    DeviceId,
    HashedEmail,
}

/// <summary>An identifier in its normalised form. <see cref="ToString"/> never shows the value, so logging one by mistake leaks nothing.</summary>
internal sealed record Identity
{
    internal Identity(IdentityType type, string value)
    {
        Type = type;
        Value = value;
    }

    public IdentityType Type { get; }

    /// <summary>The normalised value: personal data, never logged, never in a message or URL.</summary>
    public string Value { get; }

    public override string ToString() => $"{IdentityTypes.Name(Type)} identity";
}

/// <summary>The stored names of identity types; they enter the blind index and the ciphertext's associated data, so they never change.</summary>
internal static class IdentityTypes
{
    private static readonly Dictionary<IdentityType, string> Names = new()
    {
        [IdentityType.Email] = "email",
        [IdentityType.Phone] = "phone",
        [IdentityType.AccountId] = "account_id",
        [IdentityType.CookieId] = "cookie_id",
        [IdentityType.DeviceId] = "device_id",
        [IdentityType.HashedEmail] = "hashed_email",
    };

    private static readonly Dictionary<string, IdentityType> ByName = Names.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> All => Names.Values;

    public static string Name(IdentityType type) => Names[type];

    public static bool TryParse(string name, out IdentityType type) => ByName.TryGetValue(name, out type);
}
