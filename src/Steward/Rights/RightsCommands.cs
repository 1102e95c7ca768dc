using System.CommandLine;
using System.Globalization;
using Steward.Hosting;
using Steward.Security;

namespace Steward.Rights;

/// <summary><c>steward rights submit|list|show|verify|approve|deny|extend|assign|complete|package|run|verify-erasure</c>: the rights-request queue for staff and scripts.</summary>
internal static class RightsCommands
{
    public static Command Build()
    {
        var rights = new Command("rights", "Rights requests: take one in for a person, list the queue, show one, and move it along (verify, approve, deny, extend, assign, complete).");
        rights.Subcommands.Add(Submit());
        rights.Subcommands.Add(List());
        rights.Subcommands.Add(Show());
        rights.Subcommands.Add(Act("verify", "Record that the person's identity was verified by other means; the deadline starts where the law paused it.",
            reason: null, (r, id, _, ct) => r.VerifyAsync(id, RightsRequests.VerifiedByStaff, AdminCommands.CliActor, ct)));
        rights.Subcommands.Add(Act("approve", "Approve a verified request that waits for approval (by default erasure, rectification, deceased-next-of-kin).",
            reason: null, (r, id, _, ct) => r.ApproveAsync(id, AdminCommands.CliActor, ct)));
        rights.Subcommands.Add(Act("deny", "Refuse an open request; the reason is told to the person, with their right to complain to the supervisory authority.",
            reason: "Why the request is refused, told to the person.", (r, id, text, ct) => r.DenyAsync(id, text!, AdminCommands.CliActor, ct)));
        rights.Subcommands.Add(Act("extend", "Extend the deadline once, as far as the person's law allows; the reason is told to the person.",
            reason: "Why more time is needed, told to the person.", (r, id, text, ct) => r.ExtendAsync(id, text!, AdminCommands.CliActor, ct)));
        rights.Subcommands.Add(Act("complete", "Complete a request in progress that staff answered themselves.",
            reason: null, (r, id, _, ct) => r.CompleteAsync(id, null, AdminCommands.CliActor, ct), answer: true));
        rights.Subcommands.Add(Assign());
        rights.Subcommands.Add(Package());
        rights.Subcommands.Add(Run());
        rights.Subcommands.Add(VerifyErasure());
        return rights;
    }

    private static Command Submit()
    {
        var type = new Option<string>("--type") { Description = $"The kind of request: {string.Join(", ", RequestKinds.All)}.", Required = true };
        var email = new Option<string>("--email") { Description = "The person's email address; answers and the status link go there.", Required = true };
        var jurisdiction = new Option<string?>("--jurisdiction") { Description = "Key of the jurisdiction whose law applies (default: the one Steward knows for the person, or the policy's only one)." };
        var verified = new Option<bool>("--verified") { Description = "Staff verified the person's identity already (for example in a signed-in session or in person)." };
        var language = new Option<string?>("--language") { Description = "Language the person is answered in: en or zh-CN (default en)." };
        var message = new Option<string?>("--message") { Description = "What the person wrote." };
        var command = new Command("submit", "Take in a request for a person. Prints the request id alone on the last line; the status token on the line before it.")
        { type, email, jurisdiction, verified, language, message };
        command.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var submitted = await services.GetRequiredService<RightsRequests>().SubmitAsync(
                new RequestIntake(parse.GetValue(type), parse.GetValue(email), parse.GetValue(jurisdiction), parse.GetValue(language), Message: parse.GetValue(message)),
                channel: "staff", AdminCommands.CliActor, parse.GetValue(verified), ct);
            Console.WriteLine($"state: {RequestStates.Name(submitted.State)}");
            Console.WriteLine(submitted.DueAt is { } due ? $"due: {Date(due)}" : "due: when the person's identity is verified");
            if (submitted.DuplicateOf is { } original) Console.WriteLine($"repeats open request {original}");
            Console.WriteLine($"status token: {submitted.StatusToken}");
            Console.WriteLine(submitted.Id);
            return Cli.ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var state = new Option<string?>("--state") { Description = "Only requests in this state: verifying, awaiting-approval, in-progress, completed, denied, duplicate." };
        var overdue = new Option<bool>("--overdue") { Description = "Only open requests past their due date." };
        var open = new Option<bool>("--open") { Description = "Only open requests." };
        var limit = new Option<int>("--limit") { Description = "At most this many (1-1000).", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "The queue: open requests first by due date, one per line (id, kind, state, jurisdiction, received, due, overdue).") { state, overdue, open, limit };
        command.SetGuardedAction(async (parse, ct) =>
        {
            RequestState? s = null;
            if (parse.GetValue(state) is { } name)
                s = RequestStates.TryParse(name, out var parsed) ? parsed
                    : throw new StewardException($"--state is one of: {string.Join(", ", Enum.GetValues<RequestState>().Select(RequestStates.Name))}", Cli.ExitCodes.Usage);
            if (parse.GetValue(limit) is < 1 or > 1000) throw new StewardException("--limit is between 1 and 1000", Cli.ExitCodes.Usage);
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var rows = await services.GetRequiredService<RightsRequests>().ListAsync(
                new RequestFilter(s, OverdueOnly: parse.GetValue(overdue), OpenOnly: parse.GetValue(open), Limit: parse.GetValue(limit)), ct);
            foreach (var r in rows)
                Console.WriteLine($"{r.Id}  {r.Kind,-20} {r.State,-17} {r.Jurisdiction,-9} received {Date(r.ReceivedAt)}  due {(r.DueAt is { } d ? Date(d) : "-"),-10}{(r.Overdue ? "  OVERDUE" : "")}{(r.ErasureProblems > 0 ? "  FOUND AFTER ERASURE" : "")}");
            if (rows.Count == 0) Console.WriteLine("No requests.");
            return Cli.ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<Guid>("ID") { Description = "The request id." };
        var command = new Command("show", "Show one request and its timeline (texts to the person are opened; audited).") { id };
        command.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var requests = services.GetRequiredService<RightsRequests>();
            var r = await requests.FindAsync(parse.GetValue(id), ct) ?? throw new StewardException($"There is no rights request {parse.GetValue(id)}.");
            Console.WriteLine($"{r.Id}  {r.Kind}  {r.State}  {r.Jurisdiction}  language {r.Language}  via {r.Channel}");
            Console.WriteLine($"received {Time(r.ReceivedAt)}" + (r.AcknowledgeBy is { } a ? $"; acknowledge by {Date(a)}" : "")
                + (r.DueAt is { } d ? $"; due {Date(d)}" : "; due once identity is verified") + (r.Overdue ? "  OVERDUE" : "")
                + (r.ExtendedAt is not null ? " (extended)" : ""));
            if (r.AssignedTo is { } who) Console.WriteLine($"assigned to {who}");
            if (r.DuplicateOf is { } original) Console.WriteLine($"repeats open request {original}");
            foreach (var step in await requests.TimelineAsync(r.Id, visibleOnly: false, AdminCommands.CliActor, ct))
                Console.WriteLine($"  {Time(step.At)}  {step.Type,-20} {step.Actor}{(step.Visible ? "" : " (staff only)")}{(step.Text is { } t ? ": " + t : "")}");
            return Cli.ExitCodes.Ok;
        });
        return command;
    }

    private static Command Run()
    {
        var id = new Argument<Guid>("ID") { Description = "The request id." };
        var command = new Command("run", "Carry out an access, portability, erasure or rectification request in progress now, in the foreground, with a progress bar. "
            + "Resumes where an earlier run stopped, without repeating finished steps; the same work serve's background worker does.") { id };
        command.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var requests = services.GetRequiredService<RightsRequests>();
            var r = await requests.FindAsync(parse.GetValue(id), ct) ?? throw new StewardException($"There is no rights request {parse.GetValue(id)}.");
            if (!DataFulfilment.Handles(r.Kind)) throw new StewardException($"A {r.Kind} request is not carried out across the company's systems; staff answer it (rights complete).");
            if (r.State != "in-progress") throw new StewardException($"The request is {r.State}, not in progress: verify and approve it first.");
            var bar = Console.IsErrorRedirected ? null : new ProgressBar("carrying out", 1);
            try
            {
                await services.GetRequiredService<DataFulfilment>().RunAsync(r.Id, bar is null ? null : (done, total) =>
                {
                    bar.Total = total;
                    bar.Report(done);
                }, ct);
            }
            finally
            {
                bar?.Done();
            }
            var after = (await requests.FindAsync(r.Id, ct))!;
            Console.WriteLine(after.State == "completed" ? $"{r.Id}: completed" : $"{r.Id}: {after.State}; what is left is for staff (see 'rights show' and the console)");
            return Cli.ExitCodes.Ok;
        });
        return command;
    }

    private static Command VerifyErasure()
    {
        var id = new Argument<Guid>("ID") { Description = "The request id." };
        var rescan = new Option<bool>("--rescan") { Description = "Search again now (while Steward still holds the person's identifiers) and keep the new result." };
        var command = new Command("verify-erasure", "Show what the check after an erasure found of the person's identifiers: places and counts, kept under a legal duty or findings. "
            + "Exits 1 with a one-line summary when there are findings or places that could not be checked.") { id, rescan };
        command.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var requests = services.GetRequiredService<RightsRequests>();
            var check = services.GetRequiredService<ErasureCheck>();
            var r = await requests.FindAsync(parse.GetValue(id), ct) ?? throw new StewardException($"There is no rights request {parse.GetValue(id)}.");
            if (r.Kind != RequestKinds.Name(Policy.Model.RightKind.Erasure)) throw new StewardException($"Request {r.Id} is not an erasure request (it is {r.Kind}); only an erasure is checked.");
            var result = parse.GetValue(rescan) ? await RescanAsync(services, r, ct) : await check.ResultAsync(r.Id, ct)
                ?? throw new StewardException(r.State == "completed"
                    ? $"Request {r.Id} was completed without a check (by staff, or before checks existed); run it with --rescan while the person's identifiers are still held."
                    : $"Request {r.Id} is {r.State}: it is checked once its erasure has been carried out.");
            Console.WriteLine($"{r.Id}: checked {Time(result.CheckedAt)} for {result.Forms} spellings of the person's identifiers");
            var s = result.Scope;
            Console.WriteLine($"searched: {s.Tables} tables ({s.FullColumns} personal-data columns in full, {s.SampledColumns} other text columns in the first {s.SampleRows} rows of each table and the person's rows), "
                + $"{s.StewardColumns} columns of Steward's database, {s.LogFiles} log files ({s.LogBytes} bytes)");
            foreach (var hit in result.Hits)
                Console.WriteLine(hit.Kept is null ? $"  finding      {hit.Location}  {hit.Count}" : $"  kept         {hit.Location}  {hit.Count}  ({hit.Kept})");
            foreach (var place in result.Unchecked) Console.WriteLine($"  not checked  {place}");
            if (result.Problems > 0) throw new StewardException($"{r.Id}: {result.Describe()}");
            Console.WriteLine($"{r.Id}: {result.Describe()}");
            return Cli.ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<ErasureCheckResult> RescanAsync(IServiceProvider services, RequestSummary r, CancellationToken ct)
    {
        var details = await services.GetRequiredService<RightsRequests>().RevealAsync(r.Id, AdminCommands.CliActor, ct);
        var subject = await services.GetRequiredService<People.PeopleDirectory>().RevealAsync(r.SubjectId, AdminCommands.CliActor, ct);
        if (details is null || subject is null) throw new StewardException($"Request {r.Id}: the person's data was erased, so their identifiers can no longer be searched for.");
        var identities = subject.Identities.Select(i => new People.Identity(i.Type, i.Value)).Append(new People.Identity(People.IdentityType.Email, details.Email)).Distinct().ToList();
        // The erasure's steps kept the rows they found only for its run: a rescan samples the first rows of each table.
        return await services.GetRequiredService<ErasureCheck>().RunAsync(r.Id, identities, [], AdminCommands.CliActor, ct);
    }

    private static Command Package()
    {
        var id = new Argument<Guid>("ID") { Description = "The request id." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the zip (written whole or not at all).", Required = true };
        var command = new Command("package", "Write an access or portability request's package (zip: data.json, CSV per collection, index.html) to a file; audited as a read of personal data.") { id, output };
        command.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var package = await services.GetRequiredService<RequestPackages>().OpenAsync(parse.GetValue(id), AdminCommands.CliActor, ct)
                ?? throw new StewardException($"Request {parse.GetValue(id)} has no package: it is not an access or portability request, not done yet, or its package expired.");
            var file = parse.GetValue(output)!;
            await Policy.PolicyCommands.WriteOutputAsync(file, package.Zip, ct);
            Console.WriteLine($"{file}: {package.Zip.Length} bytes, available until {Date(package.ExpiresAt)}");
            return Cli.ExitCodes.Ok;
        });
        return command;
    }

    private static Command Assign()
    {
        var id = new Argument<Guid>("ID") { Description = "The request id." };
        var to = new Option<string?>("--to") { Description = "Email address of the privacy officer or dsr-agent who handles it; leave out to unassign." };
        var command = new Command("assign", "Assign an open request to a staff member (a dsr-agent then sees it), or unassign it.") { id, to };
        command.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            string? assignee = null;
            if (parse.GetValue(to) is { } email)
            {
                var (users, _) = await services.GetRequiredService<StaffDirectory>().ListAsync(ct);
                var user = users.FirstOrDefault(u => string.Equals(u.Email, email.Trim(), StringComparison.OrdinalIgnoreCase) && u.DisabledAt is null
                    && u.Role is Roles.PrivacyOfficer or Roles.DsrAgent) ?? throw new StewardException("--to is not an active privacy officer or dsr-agent.");
                assignee = $"user:{user.Id:D}";
            }
            var r = await services.GetRequiredService<RightsRequests>().AssignAsync(parse.GetValue(id), assignee, AdminCommands.CliActor, ct);
            Console.WriteLine(r.AssignedTo is null ? $"{r.Id} is not assigned." : $"{r.Id} is assigned to {r.AssignedTo}.");
            return Cli.ExitCodes.Ok;
        });
        return command;
    }

    private static Command Act(string name, string description, string? reason, Func<RightsRequests, Guid, string?, CancellationToken, Task<RequestSummary>> act, bool answer = false)
    {
        var id = new Argument<Guid>("ID") { Description = "The request id." };
        var command = new Command(name, description) { id };
        var text = reason is not null ? new Option<string>("--reason") { Description = reason, Required = true }
            : answer ? new Option<string>("--answer") { Description = "The answer for the person." } : null;
        if (text is not null) command.Options.Add(text);
        command.SetGuardedAction(async (parse, ct) =>
        {
            await using var services = await Cli.CreateServicesOnReadyDatabaseAsync(parse, ct);
            var requests = services.GetRequiredService<RightsRequests>();
            var given = text is null ? null : parse.GetValue(text);
            var r = answer ? await requests.CompleteAsync(parse.GetValue(id), given, AdminCommands.CliActor, ct) : await act(requests, parse.GetValue(id), given, ct);
            Console.WriteLine($"{r.Id}: {r.State}" + (r.DueAt is { } d ? $", due {Date(d)}" : ""));
            return Cli.ExitCodes.Ok;
        });
        return command;
    }

    private static string Date(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
