using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

/// <summary>
/// Every mapped endpoint must appear here with the roles that may call it, and the running app must
/// enforce exactly that for each role and for anonymous callers. An endpoint added without a
/// decision fails this test.
/// </summary>
public sealed partial class EndpointRoleTests
{
    private const string Anonymous = "anonymous";
    private static readonly string Console = string.Join(',', Roles.Console.Order(StringComparer.Ordinal));
    private static readonly string AuditReaders = Of(Roles.Admin, Roles.Auditor);
    private static readonly string PolicyEditors = Of(Roles.Admin, Roles.PrivacyOfficer);
    private static readonly string RightsStaff = Of(Roles.DsrAgent, Roles.PrivacyOfficer);
    private static readonly string RecordReaders = Of(Roles.Admin, Roles.Auditor, Roles.PrivacyOfficer);

    private static string Of(params string[] roles) => string.Join(',', roles.Order(StringComparer.Ordinal));

    /// <summary>"METHOD pattern" → who may call it.</summary>
    public static readonly Dictionary<string, string> Expected = new()
    {
        ["GET /openapi/{documentName}.json"] = Anonymous,
        ["GET /healthz"] = Anonymous,
        ["GET /readyz"] = Anonymous,
        ["* /metrics"] = Of(Roles.Admin, Roles.Auditor, Roles.Service),
        ["GET /account/sign-in"] = Anonymous,
        ["POST /account/sign-in"] = Anonymous,
        ["POST /account/sign-out"] = Console,
        ["GET /console"] = Console,
        ["GET /console/jobs"] = Of(Roles.Admin, Roles.Auditor),
        ["GET /api/v1/audit/checkpoints/newest"] = AuditReaders,
        ["GET /api/v1/audit/entries"] = AuditReaders,
        ["GET /api/v1/audit/verification"] = AuditReaders,
        ["GET /api/v1/policy"] = Anonymous,
        ["GET /api/v1/policy/versions"] = Anonymous,
        ["GET /api/v1/policy/versions/{version:int}"] = Anonymous,
        ["GET /api/v1/retention/plan"] = RecordReaders,
        ["POST /api/v1/policy/versions"] = PolicyEditors,
        ["GET /api/v1/ropa"] = RecordReaders,
        ["GET /api/v1/jobs"] = AuditReaders,
        ["POST /api/v1/users/{id:guid}/sessions/revoke"] = Of(Roles.Admin),
        ["POST /api/v1/consents"] = Of(Roles.PrivacyOfficer, Roles.Service),
        ["POST /api/v1/consents/query"] = Of(Roles.PrivacyOfficer, Roles.Service),
        ["POST /api/v1/guardian-requests"] = Of(Roles.PrivacyOfficer, Roles.Service),
        ["POST /api/v1/decisions"] = Of(Roles.PrivacyOfficer, Roles.Service),
        ["POST /api/v1/audiences/export"] = Of(Roles.PrivacyOfficer, Roles.Service),
        ["POST /api/v1/unsubscribe-links"] = Of(Roles.PrivacyOfficer, Roles.Service),
        ["POST /api/v1/preference-links"] = Of(Roles.DsrAgent, Roles.PrivacyOfficer, Roles.Service),
        ["GET /api/v1/suppression"] = Of(Roles.PrivacyOfficer, Roles.Service),
        ["GET /api/v1/connections"] = PolicyEditors,
        ["POST /api/v1/connections"] = PolicyEditors,
        ["DELETE /api/v1/connections/{name}"] = PolicyEditors,
        ["POST /api/v1/connections/{name}/test"] = PolicyEditors,
        ["GET /api/v1/datasets"] = PolicyEditors,
        ["GET /api/v1/holds"] = Of(Roles.Auditor, Roles.DsrAgent, Roles.PrivacyOfficer),
        ["GET /api/v1/holds/{id:guid}"] = Of(Roles.Auditor, Roles.DsrAgent, Roles.PrivacyOfficer),
        ["POST /api/v1/holds"] = Of(Roles.PrivacyOfficer),
        ["POST /api/v1/holds/{id:guid}/release"] = Of(Roles.PrivacyOfficer),
        ["POST /api/v1/datasets"] = PolicyEditors,
        ["GET /u/{token}"] = Anonymous,
        ["POST /u/{token}"] = Anonymous,
        ["GET /p/{token}"] = Anonymous,
        ["POST /p/{token}"] = Anonymous,
        ["GET /g/{token}"] = Anonymous,
        ["POST /g/{token}"] = Anonymous,
        ["GET /privacy"] = Anonymous,
        ["GET /privacy/versions"] = Anonymous,
        ["GET /privacy/versions/{version:int}"] = Anonymous,
        ["GET /privacy/cookies"] = Anonymous,
        ["GET /privacy/preferences"] = Anonymous,
        ["GET /privacy/rights"] = Anonymous,
        ["POST /privacy/rights"] = Anonymous,
        ["GET /privacy/rights/status"] = Anonymous,
        ["POST /privacy/rights/status"] = Anonymous,
        ["GET /privacy/rights/status/{token}"] = Anonymous,
        ["GET /privacy/rights/package/{token}"] = Anonymous,
        ["POST /privacy/rights/status/{token}/code"] = Anonymous,
        ["POST /privacy/rights/status/{token}/new-code"] = Anonymous,
        ["POST /privacy/rights/status/{token}/document"] = Anonymous,
        ["GET /console/holds"] = Of(Roles.Auditor, Roles.DsrAgent, Roles.PrivacyOfficer),
        ["POST /console/holds"] = Of(Roles.PrivacyOfficer),
        ["POST /console/holds/{id:guid}/release"] = Of(Roles.PrivacyOfficer),
        ["GET /console/rights"] = RightsStaff,
        ["GET /console/rights/{id:guid}"] = RightsStaff,
        ["POST /console/rights/{id:guid}/verify"] = RightsStaff,
        ["POST /console/rights/{id:guid}/approve"] = RightsStaff,
        ["POST /console/rights/{id:guid}/deny"] = RightsStaff,
        ["POST /console/rights/{id:guid}/extend"] = RightsStaff,
        ["POST /console/rights/{id:guid}/complete"] = RightsStaff,
        ["POST /console/rights/{id:guid}/assign"] = RightsStaff,
        ["GET /api/v1/rights-requests/{id:guid}/package"] = RightsStaff,
        ["POST /api/v1/rights-requests"] = Anonymous,
        ["GET /api/v1/rights-requests"] = RightsStaff,
        ["GET /api/v1/rights-requests/{id:guid}"] = RightsStaff,
        ["GET /api/v1/rights-requests/{id:guid}/details"] = RightsStaff,
        ["POST /api/v1/rights-requests/{id:guid}/verify"] = RightsStaff,
        ["POST /api/v1/rights-requests/{id:guid}/approve"] = RightsStaff,
        ["POST /api/v1/rights-requests/{id:guid}/deny"] = RightsStaff,
        ["POST /api/v1/rights-requests/{id:guid}/extend"] = RightsStaff,
        ["POST /api/v1/rights-requests/{id:guid}/complete"] = RightsStaff,
        ["POST /api/v1/rights-requests/{id:guid}/assign"] = Of(Roles.PrivacyOfficer),
        ["POST /api/v1/rights-requests/{id:guid}/verification/code"] = Anonymous,
        ["POST /api/v1/rights-requests/{id:guid}/verification"] = Anonymous,
        ["POST /api/v1/rights-requests/{id:guid}/verification/document"] = Anonymous,
        ["GET /api/v1/rights-requests/{id:guid}/verification/document"] = RightsStaff,
        ["POST /api/v1/rights-requests/{id:guid}/verification/decision"] = RightsStaff,
        ["GET /api/v1/mail"] = Of(Roles.Admin, Roles.DsrAgent, Roles.PrivacyOfficer),
        ["GET /consent.js"] = Anonymous,
        ["GET /consent.css"] = Anonymous,
        ["GET /consent/config"] = Anonymous,
        ["POST /consent/choices"] = Anonymous,
        ["POST /consent/state"] = Anonymous,
        ["GET /.well-known/gpc.json"] = Anonymous,
    };

    private static List<(string Key, string Method, string Pattern, string Declared)> MappedEndpoints(StewardTestApp app)
    {
        var sources = app.Services<IEnumerable<EndpointDataSource>>();
        var list = new List<(string, string, string, string)>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
            string declared;
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) declared = Anonymous;
            else
            {
                var roles = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()
                    .Select(a => a.Roles).Where(r => !string.IsNullOrEmpty(r)).ToList();
                declared = roles.Count == 1
                    ? string.Join(',', roles[0]!.Split(',').Order(StringComparer.Ordinal))
                    : "undeclared";
            }
            foreach (var m in methods) list.Add(($"{m} {pattern}", m, pattern, declared));
        }
        return list;
    }

    [Fact]
    public async Task Every_endpoint_declares_the_roles_in_the_table()
    {
        await using var app = await StewardTestApp.StartAsync();
        var mapped = MappedEndpoints(app);
        var actual = mapped.ToDictionary(e => e.Key, e => e.Declared);
        Assert.Equal(Expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_running_app_enforces_the_table_for_every_role_and_anonymous()
    {
        await using var app = await StewardTestApp.StartAsync();
        var clients = new Dictionary<string, HttpClient> { [Anonymous] = app.Client() };
        foreach (var role in Roles.All) clients[role] = await app.ClientForRoleAsync(role);

        var failures = new List<string>();
        foreach (var (key, method, pattern, _) in MappedEndpoints(app))
        {
            var allowed = Expected[key].Split(',');
            var path = RouteParameter().Replace(pattern, m => m.Groups[1].Value switch { "documentName" => "v1", "id" => Guid.Empty.ToString(), _ => "1" });
            foreach (var (caller, client) in clients)
            {
                var request = new HttpRequestMessage(new HttpMethod(method == "*" ? "GET" : method), path);
                if (request.Method != HttpMethod.Get) request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                var response = await client.SendAsync(request);
                var status = response.StatusCode;
                var toSignIn = status == HttpStatusCode.Redirect
                    && (response.Headers.Location?.OriginalString ?? "").Contains(AccountEndpoints.SignInPath + "?ReturnUrl=", StringComparison.Ordinal);
                var refused = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || toSignIn;
                var mayCall = allowed.Contains(Anonymous) || allowed.Contains(caller);
                if (mayCall == refused)
                    failures.Add($"{key} as {caller}: {(int)status} ({(mayCall ? "should be allowed" : "should be refused")})");
                if (!mayCall && caller != Anonymous && status != HttpStatusCode.Forbidden && !toSignIn)
                    failures.Add($"{key} as {caller}: {(int)status}, expected 403");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [GeneratedRegex(@"\{([^}:?]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
