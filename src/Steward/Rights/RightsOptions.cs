using Microsoft.Extensions.Options;
using Steward.Policy.Model;

namespace Steward.Rights;

/// <summary>Settings of rights requests (section <c>Rights</c>).</summary>
internal sealed class RightsOptions
{
    public const string Section = "Rights";

    /// <summary>Kinds that wait for a staff member's approval after verification before anything is done (default: erasure, rectification, deceased-next-of-kin).</summary>
    public List<string> ApprovalRequired { get; set; } =
        [RequestKinds.Name(RightKind.Erasure), RequestKinds.Name(RightKind.Rectification), RequestKinds.Name(RightKind.DeceasedNextOfKin)];

    /// <summary>How long a request waits for the person to prove who they are before it is refused (they are told, and can ask again).</summary>
    public TimeSpan UnverifiedClosedAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long the person can download an access or portability package; it is deleted after.</summary>
    public TimeSpan PackageAvailableFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Requests one client address may submit per hour through the public form and API.</summary>
    public int SubmissionsPerHour { get; set; } = 10;

    /// <summary>The largest identity document (an image) a person may upload, in bytes.</summary>
    public long MaxDocumentBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>What is searched for the person's identifiers after an erasure.</summary>
    public ErasureCheckOptions ErasureCheck { get; set; } = new();
}

/// <summary>One line per bad setting, naming its key.</summary>
internal sealed class RightsOptionsValidator : IValidateOptions<RightsOptions>
{
    public ValidateOptionsResult Validate(string? name, RightsOptions options)
    {
        var failures = new List<string>();
        foreach (var kind in options.ApprovalRequired.Where(k => !RequestKinds.All.Contains(k)))
            failures.Add($"Rights:ApprovalRequired '{kind}' is not a kind of request ({string.Join(", ", RequestKinds.All)}).");
        if (options.PackageAvailableFor < TimeSpan.FromHours(1) || options.PackageAvailableFor > TimeSpan.FromDays(365))
            failures.Add("Rights:PackageAvailableFor must be between 01:00:00 and 365.00:00:00.");
        if (options.UnverifiedClosedAfter < TimeSpan.FromDays(1) || options.UnverifiedClosedAfter > TimeSpan.FromDays(365))
            failures.Add("Rights:UnverifiedClosedAfter must be between 1.00:00:00 and 365.00:00:00.");
        if (options.SubmissionsPerHour is < 1 or > 100_000) failures.Add("Rights:SubmissionsPerHour must be between 1 and 100000.");
        if (options.MaxDocumentBytes is < 64 * 1024 or > RightsVerificationEndpoints.MaxUploadBytes)
            failures.Add($"Rights:MaxDocumentBytes must be between 65536 and {RightsVerificationEndpoints.MaxUploadBytes}.");
        if (options.ErasureCheck.SampleRows is < 0 or > 10_000_000) failures.Add("Rights:ErasureCheck:SampleRows must be between 0 and 10000000.");
        foreach (var path in options.ErasureCheck.LogFiles.Where(p => string.IsNullOrWhiteSpace(p) || !Path.IsPathFullyQualified(p)))
            failures.Add($"Rights:ErasureCheck:LogFiles '{path}' is not an absolute path.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
