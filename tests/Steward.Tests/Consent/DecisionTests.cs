using System.Net;
using System.Net.Http.Json;
using Steward.Consent;
using Steward.Consent.Decisions;
using Steward.People;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Consent;

/// <summary>"May I process this for that purpose?" over HTTP and in process, on the real database and the example policy.</summary>
public sealed class DecisionTests
{
    private static async Task<(StewardTestApp App, HttpClient Client)> StartAsync(TestDatabase? database = null)
    {
        var app = await StewardTestApp.StartAsync(database);
        if (database is null) await app.PublishAsync(PolicyFixture.ExamplePath);
        return (app, await app.ClientForRoleAsync(Roles.Service));
    }

    private static async Task<DecisionEndpoints.DecisionsResponse> DecideAsync(HttpClient client, string email, string? jurisdiction, bool gpc, params string[] keys)
    {
        var response = await client.PostAsJsonAsync("/api/v1/decisions", new { identity = new { type = "email", value = email }, keys, jurisdiction, gpc });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await StewardTestApp.ReadJsonAsync<DecisionEndpoints.DecisionsResponse>(response);
    }

    private static string Summary(DecisionEndpoints.DecisionsResponse r) =>
        string.Join(" | ", r.Decisions.Select(d => $"{d.Key} {(d.Allowed ? "yes" : "no")} {d.Reason}"));

    private static async Task RecordAsync(HttpClient client, string email, string jurisdiction, params (string Key, string Choice)[] choices)
    {
        var response = await client.PostAsJsonAsync("/api/v1/consents", new
        {
            identity = new { type = "email", value = email },
            jurisdiction,
            choices = choices.Select(c => new { key = c.Key, choice = c.Choice }),
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Someone_without_a_record_is_decided_by_the_basis_and_by_what_silence_means_in_their_law()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var eu = await DecideAsync(client, "new@example.com", "eu-gdpr", false,
            "purpose:targeted-advertising", "purpose:marketing-intelligence", "cookie:strictly-necessary", "channel:email");
        Assert.Null(eu.SubjectId);
        Assert.Equal("purpose:targeted-advertising no no-record-opt-in | purpose:marketing-intelligence yes other-basis | cookie:strictly-necessary yes not-required | channel:email no no-record-opt-in",
            Summary(eu));
        Assert.Equal(["legitimate-interests"], eu.Decisions[1].Basis!);
        Assert.Contains("rests on legitimate-interests", eu.Decisions[1].Explanation, StringComparison.Ordinal);

        // California is opt-out: allowed after notice, until the person objects; a GPC signal is that objection for advertising.
        var ca = await DecideAsync(client, "new@example.com", "us-ca", false, "purpose:targeted-advertising", "cookie:advertising", "channel:email");
        Assert.Equal("purpose:targeted-advertising yes no-record-opt-out | cookie:advertising yes no-record-opt-out | channel:email yes no-record-opt-out", Summary(ca));
        var gpc = await DecideAsync(client, "new@example.com", "us-ca", true, "purpose:targeted-advertising", "cookie:advertising", "channel:email");
        Assert.Equal("purpose:targeted-advertising no gpc | cookie:advertising no gpc | channel:email yes no-record-opt-out", Summary(gpc));
        // In the EU the signal is not a binding opt-out; consent is still needed there anyway.
        var euGpc = await DecideAsync(client, "new@example.com", "eu-gdpr", true, "purpose:targeted-advertising");
        Assert.Equal("purpose:targeted-advertising no no-record-opt-in", Summary(euGpc));
    }

    [Fact]
    public async Task A_grant_allows_until_it_is_withdrawn_or_expires_and_the_answer_names_its_date_and_version()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        await RecordAsync(client, "li.wei@example.com", "eu-gdpr", ("purpose:targeted-advertising", "granted"), ("channel:email", "denied"));
        var granted = await DecideAsync(client, "LI.WEI@example.com", null, false, "purpose:targeted-advertising", "channel:email");
        Assert.NotNull(granted.SubjectId);
        Assert.Equal("eu-gdpr", granted.Jurisdiction);
        Assert.Equal("purpose:targeted-advertising yes granted | channel:email no denied", Summary(granted));
        Assert.Equal((1, app.Time.GetUtcNow().Date), (granted.Decisions[0].Version!.Value, granted.Decisions[0].At!.Value.UtcDateTime.Date));

        // consent.validity is P12M.
        app.Time.Advance(TimeSpan.FromDays(366));
        var expired = await DecideAsync(client, "li.wei@example.com", null, false, "purpose:targeted-advertising");
        Assert.Equal("purpose:targeted-advertising no expired", Summary(expired));
        Assert.Contains("expired on", expired.Decisions[0].Explanation, StringComparison.Ordinal);

        await RecordAsync(client, "li.wei@example.com", "eu-gdpr", ("purpose:targeted-advertising", "granted"));
        Assert.Equal("purpose:targeted-advertising yes granted", Summary(await DecideAsync(client, "li.wei@example.com", null, false, "purpose:targeted-advertising")));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await RecordAsync(client, "li.wei@example.com", "eu-gdpr", ("purpose:targeted-advertising", "withdrawn"));
        Assert.Equal("purpose:targeted-advertising no withdrawn", Summary(await DecideAsync(client, "li.wei@example.com", null, false, "purpose:targeted-advertising")));
    }

    [Fact]
    public async Task A_version_that_adds_data_categories_to_a_purpose_ends_earlier_consents_to_it_and_says_which_version()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        await RecordAsync(client, "ana@example.com", "eu-gdpr", ("purpose:targeted-advertising", "granted"), ("purpose:email-marketing", "granted"));

        var widened = CopyExample();
        var marketing = Path.Combine(widened, "20-purposes-marketing.yaml");
        var text = File.ReadAllText(marketing);
        const string anchor = "      - user.device.ip_address\n    subjects: [website_visitor, prospect, customer]";
        Assert.Contains(anchor, text, StringComparison.Ordinal);
        File.WriteAllText(marketing, text.Replace(anchor, "      - user.device.ip_address\n      - user.device.device_id\n    subjects: [website_visitor, prospect, customer]", StringComparison.Ordinal));
        await app.PublishAsync(widened);

        var after = await DecideAsync(client, "ana@example.com", null, false, "purpose:targeted-advertising", "purpose:email-marketing", "cookie:advertising");
        Assert.Equal("purpose:targeted-advertising no purpose-changed | purpose:email-marketing yes granted | cookie:advertising no no-record-opt-in", Summary(after));
        Assert.Equal((2, 2), (after.PolicyVersion, after.Decisions[0].ChangedInVersion!.Value));
        Assert.Contains("version 2 added data categories or uses", after.Decisions[0].Explanation, StringComparison.Ordinal);

        // Consent given again under the new version counts.
        await RecordAsync(client, "ana@example.com", "eu-gdpr", ("purpose:targeted-advertising", "granted"));
        Assert.Equal("purpose:targeted-advertising yes granted", Summary(await DecideAsync(client, "ana@example.com", null, false, "purpose:targeted-advertising")));
    }

    [Theory]
    [InlineData("""{"identity":{"type":"email","value":"a@example.com"},"jurisdiction":"eu-gdpr","keys":["purpose:no-such"]}""", "'purpose:no-such' is not a key of policy version 1")]
    [InlineData("""{"identity":{"type":"email","value":"a@example.com"},"jurisdiction":"eu-gdpr","keys":["marketing"]}""", "'marketing' is not a key")]
    [InlineData("""{"identity":{"type":"email","value":"a@example.com"},"keys":["channel:email"]}""", "'jurisdiction' is missing")]
    [InlineData("""{"identity":{"type":"email","value":"a@example.com"},"jurisdiction":"mars","keys":["channel:email"]}""", "'mars' is not a jurisdiction of policy version 1")]
    [InlineData("""{"identity":{"type":"email","value":"not-an-address"},"jurisdiction":"eu-gdpr","keys":["channel:email"]}""", "email")]
    [InlineData("""{"identity":{"type":"passport","value":"x"},"jurisdiction":"eu-gdpr","keys":["channel:email"]}""", "'identity.type' is one of")]
    [InlineData("""{"identity":{"type":"email","value":"a@example.com"},"jurisdiction":"eu-gdpr","keys":[]}""", "'keys' is empty")]
    [InlineData("""{"identity":{"type":"email","value":"a@example.com"},"jurisdiction":"eu-gdpr","keys":["channel:email","channel:email"]}""", "asked twice")]
    public async Task Bad_requests_are_400_problems_that_name_what_is_wrong(string body, string expected)
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var response = await client.PostAsync("/api/v1/decisions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("a@example.com", StringComparison.Ordinal) || l.Contains("not-an-address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task More_than_a_hundred_keys_are_refused()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var response = await client.PostAsJsonAsync("/api/v1/decisions", new
        {
            identity = new { type = "email", value = "a@example.com" }, jurisdiction = "eu-gdpr",
            keys = Enumerable.Range(0, DecisionEndpoints.MaxKeys + 1).Select(i => $"channel:c{i}"),
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("At most 100 keys", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consent_recorded_on_one_node_is_reflected_in_decisions_on_another()
    {
        var (first, client) = await StartAsync();
        await using var _ = first;
        // Same database, its own caches; on PostgreSQL it hears LISTEN/NOTIFY, on SQLite it polls the change generation.
        await using var second = await StewardTestApp.StartAsync(first.Database);
        var secondClient = await second.ClientForRoleAsync(Roles.PrivacyOfficer);
        await RecordAsync(client, "node@example.com", "eu-gdpr", ("channel:email", "granted"));
        // The second node caches the person's state now (on SQLite the poller may drop it once, when it first sees the channel)...
        Assert.Equal("channel:email yes granted", Summary(await DecideAsync(secondClient, "node@example.com", null, false, "channel:email")));
        // ...and a withdrawal recorded on the first reaches it.
        first.Time.Advance(TimeSpan.FromMinutes(1));
        await RecordAsync(client, "node@example.com", "eu-gdpr", ("channel:email", "withdrawn"));
        await Jobs.JobTests.EventuallyAsync(async () => Summary(await DecideAsync(secondClient, "node@example.com", null, false, "channel:email")),
            s => s == "channel:email no withdrawn", "the withdrawal on the second node");
    }

    [Fact]
    public async Task In_process_a_cached_person_is_decided_from_memory_and_the_rules_hold_for_children_and_guardians()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        await RecordAsync(client, "kid@example.com", "eu-gdpr", ("purpose:targeted-advertising", "granted"));
        var subject = (await app.Services<PeopleDirectory>().FindAsync(new Identity(IdentityType.Email, "kid@example.com"), CancellationToken.None))!.Value;
        var decisions = app.Services<ConsentDecisions>();
        var decided = await decisions.DecideAsync(subject, "eu-gdpr", "purpose:targeted-advertising", gpc: false, CancellationToken.None);
        Assert.Equal((true, DecisionReason.Granted), (decided!.Value.Allowed, decided.Value.Reason));
        // The state as the cache holds it (read again if the SQLite poller dropped it in between).
        var state = await decisions.StateAsync(subject, CancellationToken.None);
        Assert.Equal(1, state.Choices.Length);

        // The same person stated a birth date that makes them 15 (the EU minimum age is 16 in the example policy).
        var rules = (await decisions.RulesAsync(CancellationToken.None))!;
        var rule = rules.Find("eu-gdpr", "purpose:targeted-advertising")!;
        var now = app.Time.GetUtcNow();
        var child = new SubjectState(state.Choices.ToArray(), "eu-gdpr", DateOnly.FromDateTime(now.UtcDateTime).AddYears(-15));
        Assert.Equal(DecisionReason.BelowMinimumAge, ConsentDecisions.Decide(child, rule, false, now).Reason);
        Assert.Equal(DecisionReason.BelowMinimumAge, ConsentDecisions.Decide(new SubjectState([], "eu-gdpr", child.BirthDate), rule, false, now).Reason);
        var byGuardian = new SubjectState([new StandingChoice(rule.KeyId, ConsentChoice.Granted, ConsentMethod.Guardian, 1, now)], "eu-gdpr", child.BirthDate);
        Assert.Equal((true, DecisionReason.Granted), (ConsentDecisions.Decide(byGuardian, rule, false, now).Allowed, ConsentDecisions.Decide(byGuardian, rule, false, now).Reason));
        var adult = new SubjectState(state.Choices.ToArray(), "eu-gdpr", DateOnly.FromDateTime(now.UtcDateTime).AddYears(-16));
        Assert.Equal(DecisionReason.Granted, ConsentDecisions.Decide(adult, rule, false, now).Reason);
        Assert.Equal((false, DecisionReason.NotApplicable), (ConsentDecisions.Decide(adult, NotApplicable(rule), false, now).Allowed, ConsentDecisions.Decide(adult, NotApplicable(rule), false, now).Reason));
    }

    [Fact]
    public async Task Once_a_person_is_erased_their_recorded_consent_no_longer_allows_anything_even_from_the_cache()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        await RecordAsync(client, "gone@example.com", "eu-gdpr", ("purpose:targeted-advertising", "granted"));
        var subject = (await app.Services<PeopleDirectory>().FindAsync(new Identity(IdentityType.Email, "gone@example.com"), CancellationToken.None))!.Value;
        var decisions = app.Services<ConsentDecisions>();
        Assert.Equal(DecisionReason.Granted, (await decisions.DecideAsync(subject, "eu-gdpr", "purpose:targeted-advertising", false, CancellationToken.None))!.Value.Reason);

        Assert.True(await app.Services<PeopleDirectory>().EraseKeyAsync(subject, "test", CancellationToken.None));

        // The events stay as proof; the person they were about is gone, so eu-gdpr's opt-in default decides.
        await Jobs.JobTests.EventuallyAsync(async () => (await decisions.DecideAsync(subject, "eu-gdpr", "purpose:targeted-advertising", false, CancellationToken.None))!.Value,
            d => !d.Allowed && d.Reason != DecisionReason.Granted, "the erased person's cached state to go");
    }

    private static KeyRule NotApplicable(KeyRule like) => new()
    {
        Key = like.Key, Jurisdiction = like.Jurisdiction, KeyId = like.KeyId, Standing = KeyStanding.NotApplicable,
    };

    private static string CopyExample()
    {
        var target = Directory.CreateTempSubdirectory("steward-policy-").FullName;
        foreach (var file in Directory.GetFiles(PolicyFixture.ExamplePath))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }
}
