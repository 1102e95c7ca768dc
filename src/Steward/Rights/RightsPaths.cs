namespace Steward.Rights;

/// <summary>The public addresses of rights requests, shared by the pages that serve them and the mail that links to them.</summary>
internal static class RightsPaths
{
    /// <summary>A request's status page: this prefix, a slash and the status token.</summary>
    public const string StatusPrefix = "/privacy/rights/status";

    /// <summary>A package's download: this prefix, a slash and the download token sent by mail.</summary>
    public const string PackagePrefix = "/privacy/rights/package";

    public static string PackageLink(string publicBase, string token) => $"{publicBase}{PackagePrefix}/{Uri.EscapeDataString(token)}";

    /// <summary>The status link for the person, made from <c>Web:PublicUrl</c> (without a trailing slash).</summary>
    public static string StatusLink(string publicBase, string token) => $"{publicBase}{StatusPrefix}/{Uri.EscapeDataString(token)}";
}
