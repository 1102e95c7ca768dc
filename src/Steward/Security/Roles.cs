namespace Steward.Security;

/// <summary>The roles of Steward's staff and machine callers.</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string PrivacyOfficer = "privacy-officer";
    public const string DsrAgent = "dsr-agent";
    public const string Auditor = "auditor";
    public const string Service = "service";

    public static readonly string[] All = [Admin, PrivacyOfficer, DsrAgent, Auditor, Service];

    /// <summary>Roles of people who sign in to the console (service is for API keys only).</summary>
    public static readonly string[] Console = [Admin, PrivacyOfficer, DsrAgent, Auditor];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
