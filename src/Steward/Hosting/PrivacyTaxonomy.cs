using Microsoft.Extensions.Compliance.Classification;

namespace Steward.Hosting;

/// <summary>Data classes that must never reach a log line in clear.</summary>
internal static class PrivacyTaxonomy
{
    public const string Name = "Steward";

    /// <summary>Names, emails, phone numbers, identifiers of people.</summary>
    public static DataClassification PersonalData => new(Name, nameof(PersonalData));

    /// <summary>Keys, tokens, passwords, connection strings.</summary>
    public static DataClassification Secret => new(Name, nameof(Secret));
}

/// <summary>Marks a logged value as personal data; the redactor erases it.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class RedactedPersonalDataAttribute() : DataClassificationAttribute(PrivacyTaxonomy.PersonalData);

/// <summary>Marks a logged value as a secret; the redactor erases it.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class RedactedSecretAttribute() : DataClassificationAttribute(PrivacyTaxonomy.Secret);
