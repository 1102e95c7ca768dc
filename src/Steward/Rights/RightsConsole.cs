using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Steward.Hosting;
using Steward.Security;
using Steward.Web;

namespace Steward.Rights;

/// <summary>One fulfilment step as the console shows it: a collection or connection, the phase, its state and detail.</summary>
public sealed record TaskRow(string Target, string Phase, string State, string? Detail);

/// <summary>
/// The console's rights pages: <c>/console/rights</c> (the queue) and <c>/console/rights/ID</c> (one request with what the
/// person gave, audited as a read of personal data, its timeline and fulfilment, and forms for staff's actions).
/// A dsr-agent sees only what is assigned to them (S14.1).
/// </summary>
internal static class RightsConsole
{
    public static IEndpointRouteBuilder MapRightsConsole(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/console/rights").ExcludeFromDescription().RequireRoles(Roles.PrivacyOfficer, Roles.DsrAgent)
            .WithMetadata(new RequestSizeLimitAttribute(RightsEndpoints.MaxBodyBytes));
        group.MapGet("", QueueAsync);
        group.MapGet("/{id:guid}", RequestAsync);
        foreach (var action in (string[])["verify", "approve", "deny", "extend", "complete", "assign"])
            group.MapPost($"/{{id:guid}}/{action}", (Guid id, HttpContext http, IAntiforgery af, RightsRequests requests, RequestPackages packages, StaffDirectory staff,
                    IEnumerable<IRequestProgress> progress, CancellationToken ct) => ActAsync(id, action, http, af, requests, packages, staff, progress, ct))
                .WithMetadata(new RequireAntiforgeryTokenAttribute());
        return routes;
    }

    private static async Task<IResult> QueueAsync(HttpContext http, RightsRequests requests, StaffDirectory staff, string? show, CancellationToken ct)
    {
        show = show is "overdue" or "all" or "findings" ? show : "open";
        var filter = new RequestFilter(OpenOnly: show == "open", OverdueOnly: show == "overdue", ErasureProblemsOnly: show == "findings", Limit: 500,
            AssignedTo: SeesAll(http) ? null : StewardClaims.ActorOf(http.User));
        return Pages.Result<RightsQueuePage>(new
        {
            Lang = Language.FromRequest(http.Request),
            Requests = await requests.ListAsync(filter, ct),
            Show = show,
            Staff = await StaffNamesAsync(staff, ct),
        });
    }

    private static async Task<IResult> RequestAsync(Guid id, HttpContext http, IAntiforgery af, RightsRequests requests, RequestPackages packages,
        StaffDirectory staff, IEnumerable<IRequestProgress> progress, CancellationToken ct, string? notice = null, int status = 200)
    {
        var holds = http.RequestServices.GetRequiredService<Retention.LegalHolds>();
        var lang = Language.FromRequest(http.Request);
        var summary = await requests.FindAsync(id, ct);
        if (summary is null || !(SeesAll(http) || summary.AssignedTo == StewardClaims.ActorOf(http.User)))
            return Pages.Result<MessagePage>(new { Lang = lang, Title = Language.Strings<RightsConsoleStrings>(lang).Request, Text = $"There is no rights request {id} that you may see." }, 404);
        var actor = StewardClaims.ActorOf(http.User);
        var tokens = af.GetAndStoreTokens(http);
        var tasks = new List<TaskRow>();
        foreach (var source in progress) tasks.AddRange(await source.TasksAsync(id, ct));
        return Pages.Result<RightsRequestPage>(new
        {
            Lang = lang,
            Request = summary,
            Details = await requests.RevealAsync(id, actor, ct),
            Timeline = await requests.TimelineAsync(id, visibleOnly: false, actor, ct),
            Tasks = tasks,
            Held = await holds.OnPersonAsync(summary.SubjectId, ct),
            HasPackage = await packages.AvailableUntilAsync(id, ct) is not null,
            ErasureCheck = await http.RequestServices.GetRequiredService<ErasureCheck>().ResultAsync(id, ct),
            CanAssign = SeesAll(http),
            Staff = await StaffNamesAsync(staff, ct),
            AntiforgeryField = tokens.FormFieldName,
            AntiforgeryToken = tokens.RequestToken ?? "",
            Notice = notice,
        }, status);
    }

    private static async Task<IResult> ActAsync(Guid id, string action, HttpContext http, IAntiforgery af, RightsRequests requests, RequestPackages packages,
        StaffDirectory staff, IEnumerable<IRequestProgress> progress, CancellationToken ct)
    {
        var t = Language.Strings<RightsConsoleStrings>(Language.FromRequest(http.Request));
        var summary = await requests.FindAsync(id, ct);
        var actor = StewardClaims.ActorOf(http.User);
        if (summary is null || !(SeesAll(http) || summary.AssignedTo == actor) || (action == "assign" && !SeesAll(http)))
            return await RequestAsync(id, http, af, requests, packages, staff, progress, ct, status: 404);
        if (!await Pages.IsValidFormAsync(http, af))
            return await RequestAsync(id, http, af, requests, packages, staff, progress, ct, Language.Strings<RightsStrings>(Language.FromRequest(http.Request)).FormExpired, 400);
        var form = await http.Request.ReadFormAsync(ct);
        try
        {
            switch (action)
            {
                case "verify": await requests.VerifyAsync(id, RightsRequests.VerifiedByStaff, actor, ct); break;
                case "approve": await requests.ApproveAsync(id, actor, ct); break;
                case "deny": await requests.DenyAsync(id, form["reason"].ToString(), actor, ct); break;
                case "extend": await requests.ExtendAsync(id, form["reason"].ToString(), actor, ct); break;
                case "complete": await requests.CompleteAsync(id, form["answer"].ToString(), actor, ct); break;
                default:
                    var assignee = form["assignee"].ToString();
                    if (assignee.Length > 0 && !(await StaffNamesAsync(staff, ct)).ContainsKey(assignee))
                        throw new StewardException("The user is not an active privacy officer or dsr-agent.");
                    await requests.AssignAsync(id, assignee.Length == 0 ? null : assignee, actor, ct);
                    break;
            }
        }
        catch (StewardException problem)
        {
            return await RequestAsync(id, http, af, requests, packages, staff, progress, ct, $"{t.Problem} {problem.Message}", 400);
        }
        return await RequestAsync(id, http, af, requests, packages, staff, progress, ct, t.Done);
    }

    private static bool SeesAll(HttpContext http) => http.User.IsInRole(Roles.PrivacyOfficer);

    /// <summary>Active privacy officers and dsr-agents, by their audit actor.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> StaffNamesAsync(StaffDirectory staff, CancellationToken ct)
    {
        var (users, _) = await staff.ListAsync(ct);
        return users.Where(u => u.DisabledAt is null && u.Role is Roles.PrivacyOfficer or Roles.DsrAgent)
            .ToDictionary(u => $"user:{u.Id:D}", u => u.Email, StringComparer.Ordinal);
    }
}

/// <summary>A source of fulfilment progress for the console (the fulfilment engine's steps).</summary>
internal interface IRequestProgress
{
    Task<IReadOnlyList<TaskRow>> TasksAsync(Guid requestId, CancellationToken ct);
}
