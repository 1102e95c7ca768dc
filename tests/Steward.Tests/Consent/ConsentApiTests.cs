using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Consent;
using Steward.People;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Consent;

/// <summary>Recording and reading consent over HTTP on the real database (SQLite, or PostgreSQL when STEWARD_TEST_POSTGRES is set).</summary>
public sealed class ConsentApiTests
{
    private const string Email = "Mei.Chen@Example.com";
    private const string UserAgent = "Mozilla/5.0 (X11; Linux x86_64) ConsentProbe/7.3";
    private static readonly string TextHash = new('a', 64);

    private static async Task<(StewardTestApp App, HttpClient Client)> StartAsync()
    {
        var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.ExamplePath);
        return (app, await app.ClientForRoleAsync(Roles.Service));
    }

    private static object Body(string identityType, string identity, string jurisdiction, object[] choices, DateTimeOffset? occurredAt = null,
        string? ip = null, string? userAgent = null, string method = "banner") => new
    {
        identity = new { type = identityType, value = identity },
        jurisdiction,
        choices,
        method,
        textHash = TextHash,
        language = "zh-CN",
        occurredAt,
        ip,
        userAgent,
    };

    private static object Choice(string key, string choice) => new { key, choice };

    private static Task<HttpResponseMessage> QueryAsync(HttpClient client, string type, string value) =>
        client.PostAsJsonAsync("/api/v1/consents/query", new { identity = new { type, value } });

    [Fact]
    public async Task Recorded_choices_come_back_as_state_and_history_with_their_proof_and_the_address_truncated()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var response = await client.PostAsJsonAsync("/api/v1/consents", Body("email", Email, "eu-gdpr",
            [Choice("purpose:email-marketing", "granted"), Choice("cookie:analytics", "denied"), Choice("channel:email", "granted")],
            ip: "203.0.113.77", userAgent: UserAgent));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var recorded = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(response);
        Assert.Equal(3, recorded.EventIds.Count);

        var query = await QueryAsync(client, "email", "  mei.chen@EXAMPLE.com ");
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        var state = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.ConsentStateResponse>(query);
        Assert.Equal(recorded.SubjectId, state.SubjectId);
        Assert.Equal(["channel:email granted", "cookie:analytics denied", "purpose:email-marketing granted"], state.State.Select(e => $"{e.Key} {e.Choice}"));
        var e = state.History.Single(h => h.Key == "purpose:email-marketing");
        Assert.Equal(("banner", 1, TextHash, "zh-CN", "eu-gdpr"), (e.Method, e.PolicyVersion, e.TextHash, e.Language, e.Jurisdiction));
        Assert.Equal("203.0.113.0", e.Ip);
        Assert.Equal(UserAgent, e.UserAgent);
        Assert.Equal(app.Time.GetUtcNow().Date, e.OccurredAt.UtcDateTime.Date);

        await using var db = await app.DbAsync();
        var entries = await db.AuditEntries.AsNoTracking().Where(a => a.Action.StartsWith("consent.")).ToListAsync();
        Assert.Equal(["consent.read", "consent.recorded"], entries.Select(a => a.Action).Order());
        Assert.All(entries, a => Assert.Equal($"subject:{recorded.SubjectId}", a.Target));
        Assert.All(entries, a => Assert.DoesNotContain("mei.chen", a.Details, StringComparison.OrdinalIgnoreCase));
        Assert.All(entries, a => Assert.DoesNotContain("203.0.113", a.Details, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("mei.chen", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Concurrent_recordings_are_each_acknowledged_once_written_with_their_own_audit_entry()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.PostAsJsonAsync("/api/v1/consents",
            Body("email", $"crowd{i}@example.com", "eu-gdpr", [Choice("channel:email", i % 2 == 0 ? "granted" : "denied")]))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var recorded = await Task.WhenAll(responses.Select(r => StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(r)));
        Assert.Equal(40, recorded.Select(r => r.SubjectId).Distinct().Count());

        await using var db = await app.DbAsync();
        // Acknowledged means committed: every event is there, and each call has its own audit entry naming its person.
        var events = await db.Set<ConsentEvent>().AsNoTracking().ToListAsync();
        Assert.Equal(recorded.SelectMany(r => r.EventIds).Order(), events.Select(e => e.Id).Order());
        var targets = await db.AuditEntries.AsNoTracking().Where(e => e.Action == "consent.recorded").Select(e => e.Target).ToListAsync();
        Assert.Equal(recorded.Select(r => $"subject:{r.SubjectId}").Order(), targets.Order());
    }

    [Fact]
    public async Task The_latest_choice_made_stands_a_withdrawal_after_a_grant_and_an_older_choice_recorded_later_does_not()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var now = app.Time.GetUtcNow();
        async Task RecordAsync(string choice, DateTimeOffset at) => Assert.Equal(HttpStatusCode.Created,
            (await client.PostAsJsonAsync("/api/v1/consents", Body("email", Email, "eu-gdpr", [Choice("purpose:email-marketing", choice)], at))).StatusCode);

        await RecordAsync("granted", now.AddDays(-2));
        await RecordAsync("withdrawn", now.AddDays(-1));
        await RecordAsync("granted", now.AddDays(-3)); // arrives last, was made first

        var state = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.ConsentStateResponse>(await QueryAsync(client, "email", Email));
        var standing = Assert.Single(state.State);
        Assert.Equal(("withdrawn", now.AddDays(-1)), (standing.Choice, standing.OccurredAt));
        Assert.Equal(["granted", "granted", "withdrawn"], state.History.Select(h => h.Choice));
        Assert.Equal([now.AddDays(-3), now.AddDays(-2), now.AddDays(-1)], state.History.Select(h => h.OccurredAt));
    }

    [Theory]
    [InlineData("purpose:no-such-purpose", "eu-gdpr", "'purpose:no-such-purpose' is not a purpose")]
    [InlineData("purpose:marketing-intelligence", "eu-gdpr", "does not rest on consent in eu-gdpr")]
    [InlineData("cookie:strictly-necessary", "eu-gdpr", "consent_required is false")]
    [InlineData("cookie:tracking", "eu-gdpr", "'cookie:tracking' is not a cookie category")]
    [InlineData("channel:fax", "eu-gdpr", "'channel:fax' is not a marketing channel")]
    [InlineData("email-marketing", "eu-gdpr", "keys are purpose:KEY, cookie:KEY or channel:KEY")]
    [InlineData("purpose:email-marketing", "mars", "'mars' is not a jurisdiction")]
    public async Task A_key_the_published_policy_does_not_offer_is_a_400_naming_it_and_nothing_is_recorded(string key, string jurisdiction, string expected)
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var response = await client.PostAsJsonAsync("/api/v1/consents",
            Body("email", Email, jurisdiction, [Choice("channel:email", "granted"), Choice(key, "granted")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingRecordedAsync(app);
    }

    [Theory]
    [InlineData("email", "mei.chen@@example", "more than one '@'")]
    [InlineData("phone", "+86 12", "phone number")]
    [InlineData("hashed_email", "mei.chen-not-a-hash", "SHA-256")]
    [InlineData("passport", "mei.chen-E1234567", "identity type is one of")]
    public async Task A_malformed_identity_is_a_400_that_says_why_without_repeating_it_and_nothing_is_recorded(string type, string value, string expected)
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var response = await client.PostAsJsonAsync("/api/v1/consents", Body(type, value, "eu-gdpr", [Choice("channel:email", "granted")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, body, StringComparison.Ordinal);
        Assert.DoesNotContain("mei.chen", body, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("mei.chen", StringComparison.Ordinal));
        await AssertNothingRecordedAsync(app);

        var query = await QueryAsync(client, type, value);
        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
        Assert.DoesNotContain("mei.chen", await query.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("method", "import", "'method' is one of")]
    [InlineData("method", "guardian", "only through a guardian request (POST /api/v1/guardian-requests)")]
    [InlineData("textHash", "sha1:abc", "The text hash is the SHA-256")]
    [InlineData("language", "not a language", "The language is a language tag")]
    [InlineData("ip", "203.0.113.999", "The IP address is not an IPv4 or IPv6 address")]
    public async Task A_malformed_proof_is_a_400_naming_the_field(string field, string value, string expected)
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var body = JsonSerializer.SerializeToNode(Body("email", Email, "eu-gdpr", [Choice("channel:email", "granted")]))!;
        body[field] = value;
        var response = await client.PostAsJsonAsync("/api/v1/consents", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingRecordedAsync(app);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_a_413_problem_and_nothing_is_recorded()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var response = await client.PostAsJsonAsync("/api/v1/consents",
            Body("email", Email, "eu-gdpr", [Choice("channel:email", "granted")], userAgent: new string('x', ConsentEndpoints.MaxBodyBytes)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertNothingRecordedAsync(app);
    }

    [Fact]
    public async Task An_unknown_person_is_a_404_that_does_not_repeat_the_identity()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var response = await QueryAsync(client, "email", "nobody.known@example.com");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("nobody.known", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("203.0.113.77", "203.0.113.0")]
    [InlineData("::ffff:198.51.100.200", "198.51.100.0")]
    [InlineData("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::")]
    [InlineData("2001:0db8:0001:ffff::1", "2001:db8:1::")]
    [InlineData(" 10.1.2.3 ", "10.1.2.0")]
    public void Addresses_are_truncated_to_their_24_or_48_network(string ip, string expected) =>
        Assert.Equal(expected, ConsentProofs.Truncate(ip));

    [Fact]
    public async Task The_address_and_user_agent_are_sealed_at_rest_and_unreadable_once_the_person_is_erased()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var response = await client.PostAsJsonAsync("/api/v1/consents",
            Body("email", Email, "eu-gdpr", [Choice("channel:email", "granted")], ip: "2001:db8:85a3:8d3::1", userAgent: UserAgent));
        var recorded = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(response);

        await using (var db = await app.DbAsync())
        {
            var stored = await db.Set<ConsentEvent>().AsNoTracking().SingleAsync();
            Assert.NotNull(stored.Proof);
            Assert.False(Contains(stored.Proof!, UserAgent));
            Assert.False(Contains(stored.Proof!, "2001:db8:85a3"));
        }
        if (!TestDatabase.IsPostgres)
        {
            var files = await ReadDatabaseFilesAsync(app);
            Assert.True(Contains(files, "channel:email"), "the test reads the wrong file");
            Assert.False(Contains(files, "ConsentProbe"));
            Assert.False(Contains(files, "2001:db8:85a3"));
        }

        Assert.True(await app.Services<PeopleDirectory>().EraseKeyAsync(recorded.SubjectId, "test", CancellationToken.None));
        var history = await app.Services<ConsentLedger>().HistoryAsync(recorded.SubjectId, "test", CancellationToken.None);
        var erased = Assert.Single(history.Events);
        Assert.Equal(("channel:email", ConsentChoice.Granted, (string?)null, (string?)null), (erased.Key, erased.Choice, erased.Ip, erased.UserAgent));
    }

    [Fact]
    public async Task When_a_visitor_signs_in_their_cookie_consents_move_to_the_account_with_every_event_and_proof_kept()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var now = app.Time.GetUtcNow();
        await client.PostAsJsonAsync("/api/v1/consents", Body("cookie_id", "ck-5150", "eu-gdpr",
            [Choice("cookie:analytics", "granted"), Choice("cookie:advertising", "denied")], now.AddHours(-2), ip: "198.51.100.7", userAgent: UserAgent));
        var account = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(await client.PostAsJsonAsync("/api/v1/consents",
            Body("account_id", "acct-5150", "eu-gdpr", [Choice("cookie:analytics", "withdrawn")], now.AddHours(-1), method: "preference-centre")));

        var people = app.Services<PeopleDirectory>();
        var link = await people.LinkAsync(Identity(IdentityType.CookieId, "ck-5150"), Identity(IdentityType.AccountId, "acct-5150"), "test", CancellationToken.None);
        Assert.Equal(LinkResult.Merged, link.Result);

        var state = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.ConsentStateResponse>(await QueryAsync(client, "account_id", "acct-5150"));
        Assert.Equal(account.SubjectId, state.SubjectId);
        Assert.Equal(3, state.History.Count);
        Assert.Equal(["cookie:advertising denied", "cookie:analytics withdrawn"], state.State.Select(e => $"{e.Key} {e.Choice}"));
        Assert.All(state.History.Where(h => h.Method == "banner"), h => Assert.Equal(("198.51.100.0", UserAgent), (h.Ip, h.UserAgent)));
        var viaCookie = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.ConsentStateResponse>(await QueryAsync(client, "cookie_id", "ck-5150"));
        Assert.Equal(account.SubjectId, viaCookie.SubjectId);
    }

    [Fact]
    public async Task A_merge_committed_after_the_person_was_found_makes_the_recording_a_409_and_leaves_nothing_on_the_merged_person()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var visitor = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(await client.PostAsJsonAsync("/api/v1/consents",
            Body("cookie_id", "ck-7070", "eu-gdpr", [Choice("cookie:analytics", "granted")])));
        var account = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(await client.PostAsJsonAsync("/api/v1/consents",
            Body("account_id", "acct-7070", "eu-gdpr", [Choice("cookie:analytics", "denied")])));
        // A merge by another node, committed while this node still remembers the visitor as live (its notification not yet heard).
        await using (var db = await app.DbAsync())
            await db.Set<DataSubject>().Where(s => s.Id == visitor.SubjectId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.MergedIntoId, account.SubjectId).SetProperty(x => x.WrappedDataKey, (byte[]?)null));

        var late = await client.PostAsJsonAsync("/api/v1/consents", Body("cookie_id", "ck-7070", "eu-gdpr", [Choice("cookie:advertising", "granted")]));

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("Send it again", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var check = await app.DbAsync();
        Assert.Equal(1, await check.Set<ConsentEvent>().CountAsync(e => e.SubjectId == visitor.SubjectId));
        Assert.Equal(1, await check.AuditEntries.CountAsync(a => a.Action == "consent.recorded" && a.Target == $"subject:{visitor.SubjectId}"));
    }

    [Fact]
    public async Task On_postgres_a_merge_waits_for_a_recording_in_flight_and_then_moves_its_events()
    {
        Assert.SkipUnless(TestDatabase.IsPostgres, "row locks between concurrent transactions are PostgreSQL's; SQLite has one writer");
        var (app, client) = await StartAsync();
        await using var _ = app;
        var visitor = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(await client.PostAsJsonAsync("/api/v1/consents",
            Body("cookie_id", "ck-8080", "eu-gdpr", [Choice("cookie:analytics", "granted")])));
        var account = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(await client.PostAsJsonAsync("/api/v1/consents",
            Body("account_id", "acct-8080", "eu-gdpr", [Choice("cookie:analytics", "denied")])));

        // A recording for the visitor, inserted and not yet committed.
        await using var recording = await app.DbAsync();
        await using var tx = await recording.Database.BeginTransactionAsync();
        var now = app.Time.GetUtcNow();
        var inFlight = new ConsentEvent
        {
            Id = Guid.CreateVersion7(), SubjectId = visitor.SubjectId, Key = "cookie:advertising", Choice = ConsentChoice.Granted, Method = ConsentMethod.Banner,
            PolicyVersion = 1, Jurisdiction = "eu-gdpr", OccurredAt = now, RecordedAt = now,
        };
        recording.Add(inFlight);
        await recording.SaveChangesAsync();

        var merge = app.Services<PeopleDirectory>().LinkAsync(Identity(IdentityType.CookieId, "ck-8080"), Identity(IdentityType.AccountId, "acct-8080"), "test", CancellationToken.None);
        await Task.Delay(300); // time for the merge to reach the visitor's row
        await tx.CommitAsync();
        Assert.Equal(LinkResult.Merged, (await merge).Result);

        await using var check = await app.DbAsync();
        Assert.Equal(account.SubjectId, (await check.Set<ConsentEvent>().AsNoTracking().SingleAsync(e => e.Id == inFlight.Id)).SubjectId);
        Assert.False(await check.Set<ConsentEvent>().AnyAsync(e => e.SubjectId == visitor.SubjectId));
    }

    [Fact]
    public async Task The_database_refuses_an_event_that_names_an_erased_person_as_guardian()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var child = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(await client.PostAsJsonAsync("/api/v1/consents",
            Body("email", "child@example.com", "eu-gdpr", [Choice("cookie:analytics", "denied")])));
        var parent = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(await client.PostAsJsonAsync("/api/v1/consents",
            Body("email", "parent@example.com", "eu-gdpr", [Choice("cookie:analytics", "denied")])));
        Assert.True(await app.Services<PeopleDirectory>().EraseKeyAsync(parent.SubjectId, "test", CancellationToken.None));

        await using var db = await app.DbAsync();
        var now = app.Time.GetUtcNow();
        db.Add(new ConsentEvent
        {
            Id = Guid.CreateVersion7(), SubjectId = child.SubjectId, Key = "cookie:analytics", Choice = ConsentChoice.Granted, Method = ConsentMethod.Guardian,
            PolicyVersion = 1, Jurisdiction = "eu-gdpr", OccurredAt = now, RecordedAt = now, GuardianId = parent.SubjectId,
        });
        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Contains("SW409", refused.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_worked_out_when_nothing_stood_is_recorded_as_a_withdrawal_once_a_grant_stands()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        await client.PostAsJsonAsync("/api/v1/consents", Body("email", Email, "eu-gdpr", [Choice("channel:email", "granted")]));
        var ledger = app.Services<ConsentLedger>();
        var record = new ConsentRecord(Identity(IdentityType.Email, Email), "eu-gdpr", 1, null, "en", ConsentMethod.UnsubscribeLink, app.Time.GetUtcNow(),
            new BrowserProof(null, null), [new KeyChoice("channel:email", ConsentChoice.Denied)], OnlyChanges: true);

        await ledger.RecordAsync([record], "test", null, CancellationToken.None);

        var state = await StewardTestApp.ReadJsonAsync<ConsentEndpoints.ConsentStateResponse>(await QueryAsync(client, "email", Email));
        Assert.Equal("channel:email withdrawn", Assert.Single(state.State.Select(e => $"{e.Key} {e.Choice}")));
    }

    private static Identity Identity(IdentityType type, string raw) => IdentityNormalisation.Parse(type, raw).Identity!;

    private static async Task AssertNothingRecordedAsync(StewardTestApp app)
    {
        await using var db = await app.DbAsync();
        Assert.Equal(0, await db.Set<ConsentEvent>().CountAsync());
        Assert.Equal(0, await db.Set<DataSubject>().CountAsync());
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action.StartsWith("consent.")));
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;

    private static async Task<byte[]> ReadDatabaseFilesAsync(StewardTestApp app)
    {
        using var buffer = new MemoryStream();
        foreach (var path in new[] { "steward.db", "steward.db-wal" }.Select(f => Path.Combine(app.Database.DataDirectory, f)).Where(File.Exists))
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await stream.CopyToAsync(buffer);
        }
        return buffer.ToArray();
    }
}
