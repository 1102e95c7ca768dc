using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Steward.Policy.Catalogue;
using PhoneNumbers;

namespace Steward.People;

/// <summary>An identity in normalised form, or why the input is not one (the reason never repeats the input).</summary>
internal readonly record struct ParsedIdentity(Identity? Identity, string? Problem)
{
    public static ParsedIdentity Valid(Identity identity) => new(identity, null);
    public static ParsedIdentity Invalid(string problem) => new(null, problem);
}

/// <summary>
/// One spelling per identifier, so that the blind index finds it however it was typed: emails trimmed and
/// lower-cased with the domain in ASCII (punycode), phones in E.164, opaque ids trimmed, hashed emails as
/// 64 lower-case hex digits.
/// </summary>
internal static class IdentityNormalisation
{
    public const int MaxOpaqueLength = 200;
    private const int MaxEmailLength = 254;
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>Normalises <paramref name="raw"/> as <paramref name="type"/>; <paramref name="phoneRegion"/> (ISO 3166 alpha-2) reads national phone numbers.</summary>
    public static ParsedIdentity Parse(IdentityType type, string? raw, string? phoneRegion = null)
    {
        var value = raw?.Trim() ?? "";
        if (value.Length == 0) return ParsedIdentity.Invalid($"The {IdentityTypes.Name(type)} is empty.");
        return type switch
        {
            IdentityType.Email => Email(value),
            IdentityType.Phone => Phone(value, phoneRegion),
            IdentityType.HashedEmail => HashedEmail(value),
            _ => Opaque(type, value),
        };
    }

    /// <summary>The hashed-email identity of an email: SHA-256 of the normalised address, the form advertising platforms match on.</summary>
    public static Identity HashOf(Identity email)
    {
        if (email.Type != IdentityType.Email) throw new ArgumentException("Only an email identity has a hashed email.", nameof(email));
        return new Identity(IdentityType.HashedEmail, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Value))));
    }

    /// <summary>Whether libphonenumber knows <paramref name="region"/> (ISO 3166 alpha-2).</summary>
    public static bool IsPhoneRegion(string region) => Phones.GetSupportedRegions().Contains(region.ToUpperInvariant());

    private static ParsedIdentity Email(string value)
    {
        if (value.Length > MaxEmailLength) return ParsedIdentity.Invalid($"The email address is longer than {MaxEmailLength} characters.");
        if (value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return ParsedIdentity.Invalid("The email address contains spaces or control characters.");
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1) return ParsedIdentity.Invalid("The email address needs a local part, '@' and a domain.");
        var local = value[..at];
        if (local.Contains('@', StringComparison.Ordinal) && !(local.StartsWith('"') && local.EndsWith('"')))
            return ParsedIdentity.Invalid("The email address has more than one '@'.");
        if (local.Length > 64) return ParsedIdentity.Invalid("The part of the email address before '@' is longer than 64 characters.");
        string domain;
        try
        {
            // One spelling per mailbox: an internationalised domain and its punycode are the same address.
            domain = Idn.GetAscii(value[(at + 1)..].TrimEnd('.'));
        }
        catch (ArgumentException)
        {
            return ParsedIdentity.Invalid("The domain of the email address is not a valid domain name.");
        }
        if (!domain.Contains('.', StringComparison.Ordinal) || domain.Split('.').Any(label => label.Length == 0))
            return ParsedIdentity.Invalid("The domain of the email address is not a valid domain name.");
        var normalised = local.Normalize(NormalizationForm.FormC).ToLowerInvariant() + "@" + domain.ToLowerInvariant();
        return ParsedIdentity.Valid(new Identity(IdentityType.Email, normalised));
    }

    private static ParsedIdentity Phone(string value, string? region)
    {
        // "+" is the one international form every region reads alike; 00, 011, ... are read by the region's own prefix.
        var international = value.StartsWith('+');
        if (!international && region is null)
            return ParsedIdentity.Invalid("The phone number has no country code (+…) and no default region is known (People:DefaultPhoneRegion or the subject's jurisdiction).");
        PhoneNumber number;
        try
        {
            number = Phones.Parse(value, international ? "ZZ" : region!.ToUpperInvariant());
        }
        catch (NumberParseException)
        {
            return ParsedIdentity.Invalid("The phone number cannot be read as a phone number.");
        }
        if (!Phones.IsValidNumber(number)) return ParsedIdentity.Invalid("The phone number is not a valid number for its country.");
        return ParsedIdentity.Valid(new Identity(IdentityType.Phone, Phones.Format(number, PhoneNumberFormat.E164)));
    }

    private static ParsedIdentity HashedEmail(string value)
    {
        if (value.Length != 64 || !value.All(char.IsAsciiHexDigit))
            return ParsedIdentity.Invalid("The hashed email is not a SHA-256 digest in hex (64 characters 0-9, a-f).");
        return ParsedIdentity.Valid(new Identity(IdentityType.HashedEmail, value.ToLowerInvariant()));
    }

    private static ParsedIdentity Opaque(IdentityType type, string value)
    {
        if (value.Length > MaxOpaqueLength) return ParsedIdentity.Invalid($"The {IdentityTypes.Name(type)} is longer than {MaxOpaqueLength} characters.");
        if (value.Any(char.IsControl)) return ParsedIdentity.Invalid($"The {IdentityTypes.Name(type)} contains control characters.");
        // Opaque: compared exactly, case included, as the system that issued it does.
        return ParsedIdentity.Valid(new Identity(type, value));
    }
}

/// <summary>Settings of the people feature.</summary>
internal sealed class PeopleOptions
{
    public const string Section = "People";

    /// <summary>The region (ISO 3166 alpha-2, e.g. <c>CN</c>) that phone numbers without a country code are read in, when the subject's jurisdiction does not settle it.</summary>
    public string? DefaultPhoneRegion { get; set; }
}

/// <summary>One line per bad people setting, naming its key.</summary>
internal sealed class PeopleOptionsValidator : IValidateOptions<PeopleOptions>
{
    public ValidateOptionsResult Validate(string? name, PeopleOptions options) =>
        options.DefaultPhoneRegion is { Length: > 0 } r && !IdentityNormalisation.IsPhoneRegion(r)
            ? ValidateOptionsResult.Fail($"People:DefaultPhoneRegion '{r}' is not a region code (ISO 3166 alpha-2, e.g. CN, DE).")
            : ValidateOptionsResult.Success;
}

/// <summary>Reads identities as the configuration and the subject's jurisdiction say national phone numbers are meant.</summary>
internal sealed class IdentityParser(IOptions<PeopleOptions> options)
{
    /// <summary>Normalises <paramref name="raw"/>; a national phone number is read in the jurisdiction's country when it has one, else in People:DefaultPhoneRegion.</summary>
    public ParsedIdentity Parse(IdentityType type, string? raw, string? jurisdiction = null) =>
        IdentityNormalisation.Parse(type, raw, type == IdentityType.Phone ? PhoneRegion(jurisdiction) : null);

    private string? PhoneRegion(string? jurisdiction) =>
        jurisdiction is not null && JurisdictionCatalogue.Bundled.Find(jurisdiction) is { Domestic: [var country] } && IdentityNormalisation.IsPhoneRegion(country)
            ? country
            : options.Value.DefaultPhoneRegion is { Length: > 0 } region ? region.ToUpperInvariant() : null;
}
