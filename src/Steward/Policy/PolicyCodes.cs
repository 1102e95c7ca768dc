namespace Steward.Policy;

/// <summary>Codes of policy problems; each is documented in docs/policy.md and has a failing example in the tests.</summary>
internal static class PolicyCodes
{
    public const string YamlSyntax = "POL001";
    public const string UnknownField = "POL002";
    public const string WrongType = "POL003";
    public const string DuplicateKey = "POL004";
    public const string MalformedDuration = "POL005";
    public const string MalformedDate = "POL006";
    public const string MissingField = "POL007";
    public const string UndefinedReference = "POL008";
    public const string FileProblem = "POL009";
    public const string MissingLegalBasis = "POL010";
    public const string ConsentWithoutMechanism = "POL011";
    /// <summary>Reported from the catalogue's data (a law's absent_bases), like every other jurisdiction rule.</summary>
    public const string LegitimateInterestsUnderPipl = "POL012";
    public const string BasisNotInLaw = "POL013";
    public const string LegitimateInterestsUnstated = "POL014";
    public const string SeparateConsentRequired = "POL015";
    public const string BasisWherePurposeDoesNotApply = "POL016";
    public const string ProcessorWithLegalBasis = "POL017";
    public const string ProvisionRequirementUnstated = "POL018";
    public const string TransferWithoutSafeguard = "POL020";
    public const string AdequacyNotGranted = "POL021";
    public const string SafeguardNotRecognised = "POL022";
    public const string TransferNotCovered = "POL023";
    public const string SafeguardForOtherOrigin = "POL024";
    public const string RecipientDetailsMissing = "POL025";
    public const string MissingRetention = "POL030";
    public const string CookieTooLong = "POL031";
    public const string SdkListedAsCookie = "POL032";
    public const string CookieWithoutPurpose = "POL033";
    public const string MissingTranslation = "POL040";
    public const string ChildAgeTooLow = "POL050";
    public const string GuardianConsentUnstated = "POL051";
    public const string SensitiveUnexplained = "POL052";
    public const string SpecialCategoriesConsentNotExplicit = "POL053";
    public const string UnknownJurisdiction = "POL060";
    public const string ThirdPartySourceUnattested = "POL070";
    public const string NoDefaultController = "POL071";
    public const string PhotoIdKept = "POL072";
    public const string UnsupportedFormatVersion = "POL073";
    public const string UnsafeUrl = "POL074";
    public const string TooManyProblems = "POL075";
    public const string UnknownConsentModeSignal = "POL076";
}
