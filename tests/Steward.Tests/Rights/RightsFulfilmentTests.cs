using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Consent;
using Steward.Jobs;
using Steward.Rights;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Rights;

/// <summary>
/// Requests Steward carries out itself through the consent records (withdrawal, opt-out of sale or sharing), the overdue
/// count, and the purge of request records after rights_requests.records_kept_for (S18.8).
/// </summary>
public sealed class RightsFulfilmentTests
{
    private const string Email = "li.wei@example.com";

    private static async Task<StewardTestApp> StartAsync()
    {
        var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.ExamplePath);
        return app;
    }

    private static async Task<RightsEndpoints.SubmittedBody> SubmitAsync(StewardTestApp app, string kind, string jurisdiction)
    {
        var response = await app.Client().PostAsJsonAsync("/api/v1/rights-requests", new { kind, email = Email, jurisdiction });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await StewardTestApp.ReadJsonAsync<RightsEndpoints.SubmittedBody>(response);
    }

    private static async Task<RequestSummary> CompletedAsync(StewardTestApp app, Guid id)
    {
        var requests = app.Services<RightsRequests>();
        var deadline = Environment.TickCount64 + 30_000;
        while (true)
        {
            var r = (await requests.FindAsync(id, CancellationToken.None))!;
            if (r.State == "completed") return r;
            if (Environment.TickCount64 > deadline) Assert.Fail($"the request is still {r.State}");
            await Task.Delay(50);
        }
    }

    private static async Task<IReadOnlyDictionary<string, ConsentChoice>> ChoicesAsync(StewardTestApp app)
    {
        await using var db = await app.DbAsync();
        var subject = await db.Set<RightsRequest>().AsNoTracking().Select(r => r.SubjectId).FirstAsync();
        return await app.Services<ConsentLedger>().CurrentChoicesAsync(subject, CancellationToken.None);
    }

    [Fact]
    public async Task A_withdrawal_of_consent_withdraws_every_consent_that_stands_once_the_person_is_verified()
    {
        await using var app = await StartAsync();
        var service = await app.ClientForRoleAsync(Roles.Service);
        var granted = await service.PostAsJsonAsync("/api/v1/consents", new
        {
            identity = new { type = "email", value = Email },
            jurisdiction = "eu-gdpr",
            choices = new[] { new { key = "purpose:email-marketing", choice = "granted" }, new { key = "channel:email", choice = "granted" }, new { key = "cookie:advertising", choice = "denied" } },
        });
        Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());

        var submitted = await SubmitAsync(app, "withdraw-consent", "eu-gdpr");
        Assert.Equal("verifying", submitted.State);
        // Nothing happens before the person is verified.
        Assert.Equal(ConsentChoice.Granted, (await ChoicesAsync(app))["channel:email"]);

        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        Assert.True((await officer.PostAsJsonAsync($"/api/v1/rights-requests/{submitted.Id}/verify", new { })).IsSuccessStatusCode);
        await CompletedAsync(app, submitted.Id);

        var choices = await ChoicesAsync(app);
        Assert.Equal(ConsentChoice.Withdrawn, choices["purpose:email-marketing"]);
        Assert.Equal(ConsentChoice.Withdrawn, choices["channel:email"]);
        Assert.Equal(ConsentChoice.Denied, choices["cookie:advertising"]);
        await using var db = await app.DbAsync();
        Assert.Equal(2, await db.Set<ConsentEvent>().CountAsync(e => e.Method == ConsentMethod.RightsRequest && e.Choice == ConsentChoice.Withdrawn));

        var page = await app.Client().GetStringAsync(RightsPages.StatusLink(submitted.StatusToken) + "?lang=en");
        Assert.Contains("We have recorded the withdrawal of your consent to:", page, StringComparison.Ordinal);
        Assert.Contains("Request completed", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_californian_opt_out_needs_no_verification_and_denies_what_sale_or_sharing_reaches()
    {
        await using var app = await StartAsync();
        var submitted = await SubmitAsync(app, "opt-out-of-sale", "us-ca");
        Assert.Equal("in-progress", submitted.State);
        var done = await CompletedAsync(app, submitted.Id);
        Assert.Equal(RightsRequests.NotRequired, done.VerifiedBy);

        var choices = await ChoicesAsync(app);
        Assert.NotEmpty(choices);
        Assert.All(choices.Values, c => Assert.Equal(ConsentChoice.Denied, c));
        Assert.Contains(choices.Keys, k => k.StartsWith("cookie:", StringComparison.Ordinal));

        // Decisions honour it at once.
        var service = await app.ClientForRoleAsync(Roles.Service);
        var key = choices.Keys.First(k => k.StartsWith("purpose:", StringComparison.Ordinal));
        var decision = await service.PostAsJsonAsync("/api/v1/decisions", new { identity = new { type = "email", value = Email }, keys = new[] { key }, jurisdiction = "us-ca" });
        Assert.Contains("\"allowed\":false", await decision.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A second opt-out records nothing more.
        var again = await SubmitAsync(app, "opt-out-of-sale", "us-ca");
        await CompletedAsync(app, again.Id);
        await using var db = await app.DbAsync();
        Assert.Equal(choices.Count, await db.Set<ConsentEvent>().CountAsync());
    }

    [Fact]
    public async Task Overdue_requests_are_counted_and_ended_requests_are_purged_after_the_record_keeping_period()
    {
        // The test runs the purge itself; the scheduled one, due after the clock's jumps, would race it for the same requests.
        await using var app = await StewardTestApp.StartAsync(s => s["Jobs:Enabled"] = "false");
        await app.PublishAsync(PolicyFixture.ExamplePath);
        var requests = app.Services<RightsRequests>();
        var open = await SubmitAsync(app, "access", "eu-gdpr");
        var ended = await SubmitAsync(app, "erasure", "eu-gdpr");
        await requests.DenyAsync(ended.Id, "We hold nothing about you.", "test", CancellationToken.None);
        Assert.Equal(0, requests.CountOverdue());

        app.Time.Advance(TimeSpan.FromDays(32));
        Assert.Equal(1, requests.CountOverdue());
        var overdue = await requests.ListAsync(new RequestFilter(OverdueOnly: true), CancellationToken.None);
        Assert.Equal(open.Id, Assert.Single(overdue).Id);

        var purge = app.Services<IEnumerable<IJobHandler>>().OfType<RightsRecordsPurge>().Single();
        var context = new JobContext(Guid.NewGuid(), RightsRecordsPurge.JobKind, "{}", 1, 1);
        var working = await SubmitAsync(app, "objection", "eu-gdpr");
        await requests.VerifyAsync(working.Id, RightsRequests.VerifiedByStaff, "test", CancellationToken.None);
        await purge.RunAsync(context, CancellationToken.None);
        Assert.NotNull(await requests.FindAsync(ended.Id, CancellationToken.None));
        // Thirty days without proof of identity: the waiting request is refused, with the reason told to the person.
        Assert.Equal("denied", (await requests.FindAsync(open.Id, CancellationToken.None))!.State);
        var page = await app.Client().GetStringAsync(RightsPages.StatusLink(open.StatusToken) + "?lang=en");
        Assert.Contains("We could not confirm within 30 days that the request comes from you", page, StringComparison.Ordinal);
        Assert.Equal("in-progress", (await requests.FindAsync(working.Id, CancellationToken.None))!.State);

        // Three years (P3Y in the example) after the last communication the ended requests go; the open one stays.
        app.Time.Advance(TimeSpan.FromDays(3 * 366));
        await purge.RunAsync(context, CancellationToken.None);
        Assert.Null(await requests.FindAsync(ended.Id, CancellationToken.None));
        Assert.Null(await requests.FindAsync(open.Id, CancellationToken.None));
        Assert.NotNull(await requests.FindAsync(working.Id, CancellationToken.None));
        await using var db = await app.DbAsync();
        Assert.Equal(0, await db.Set<RightsRequestEvent>().CountAsync(e => e.RequestId == ended.Id));
        Assert.Single(await db.Set<AuditEntry>().Where(e => e.Action == "rights.records-purged").ToListAsync());
    }
}
