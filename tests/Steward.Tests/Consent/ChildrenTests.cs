using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Consent;
using Steward.Consent.Decisions;
using Steward.Marketing;
using Steward.People;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Consent;

/// <summary>
/// Children below the policy's minimum age (issue point 8): a stated birth date or age, kept sealed; a child's own grant
/// refused, their refusal recorded; a parent's or guardian's consent through a signed link, naming the guardian.
/// </summary>
public sealed class ChildrenTests
{
    private const string Site = "https://privacy.example.test";
    private const string Child = "Kid.Lin@Example.com";
    private const string Parent = "Parent.Lin@Example.com";

    private static async Task<(StewardTestApp App, HttpClient Service)> StartAsync(string? policy = null)
    {
        var app = await StewardTestApp.StartAsync(s => s["Web:PublicUrl"] = Site);
        await app.PublishAsync(policy ?? PolicyFixture.ExamplePath);
        return (app, await app.ClientForRoleAsync(Roles.Service));
    }

    private static Task<HttpResponseMessage> RecordAsync(HttpClient service, string jurisdiction, (string Key, string Choice)[] choices,
        string? birthDate = null, int? age = null, string email = Child) =>
        service.PostAsJsonAsync("/api/v1/consents", new
        {
            identity = new { type = "email", value = email },
            jurisdiction,
            choices = choices.Select(c => new { key = c.Key, choice = c.Choice }),
            birthDate,
            age,
        });

    private static async Task<string> DecideAsync(HttpClient service, string key, string jurisdiction = "eu-gdpr", string email = Child)
    {
        var response = await service.PostAsJsonAsync("/api/v1/decisions", new { identity = new { type = "email", value = email }, keys = new[] { key }, jurisdiction });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var decision = (await StewardTestApp.ReadJsonAsync<DecisionEndpoints.DecisionsResponse>(response)).Decisions.Single();
        return decision.Reason;
    }

    private static async Task<int> EventCountAsync(StewardTestApp app)
    {
        await using var db = await app.DbAsync();
        return await db.Set<ConsentEvent>().CountAsync();
    }

    private static string Date(StewardTestApp app, int yearsAgo, int days = 0) =>
        DateOnly.FromDateTime(app.Time.GetUtcNow().UtcDateTime).AddYears(-yearsAgo).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_child_cannot_grant_consent_but_their_refusal_is_recorded_and_decisions_say_below_minimum_age()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;

        // Sixteen tomorrow: still fifteen, below the age of 16 in the EU. Nothing is recorded, not even the person.
        var refused = await RecordAsync(service, "eu-gdpr", [("purpose:email-marketing", "granted"), ("channel:email", "denied")], birthDate: Date(app, 16, days: 1));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("The person is below the minimum age of 16 in eu-gdpr: consent must be given by a parent or guardian", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Date(app, 16, days: 1), problem, StringComparison.Ordinal);
        await using (var db = await app.DbAsync())
        {
            Assert.Equal(0, await db.Set<ConsentEvent>().CountAsync());
            Assert.Equal(0, await db.Set<DataSubject>().CountAsync());
        }

        // Their refusal is theirs to make, and the age stated with it is kept.
        var denied = await RecordAsync(service, "eu-gdpr", [("channel:email", "denied")], age: 15);
        Assert.Equal(HttpStatusCode.Created, denied.StatusCode);
        Assert.Equal("denied", await DecideAsync(service, "channel:email"));
        Assert.Equal("below-minimum-age", await DecideAsync(service, "purpose:email-marketing"));
        // The stored age refuses a later grant that states none; in China the minimum age is 14, so there a 15-year-old consents.
        Assert.Equal(HttpStatusCode.BadRequest, (await RecordAsync(service, "eu-gdpr", [("purpose:email-marketing", "granted")])).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await RecordAsync(service, "cn-pipl", [("purpose:email-marketing", "granted")])).StatusCode);
        Assert.Equal(2, await EventCountAsync(app));

        // A stated age is read as the youngest it can be: fifteen today, sixteen a year from today.
        app.Time.Advance(TimeSpan.FromDays(366));
        Assert.Equal("no-record-opt-in", await DecideAsync(service, "purpose:targeted-advertising"));
    }

    [Fact]
    public async Task A_birth_date_stated_later_drops_the_cached_state_and_a_grant_made_as_an_adult_no_longer_counts()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        Assert.Equal(HttpStatusCode.Created, (await RecordAsync(service, "eu-gdpr", [("purpose:email-marketing", "granted")])).StatusCode);
        Assert.Equal("granted", await DecideAsync(service, "purpose:email-marketing"));

        Assert.Equal(HttpStatusCode.Created, (await RecordAsync(service, "eu-gdpr", [("channel:email", "withdrawn")], age: 12)).StatusCode);
        Assert.Equal("below-minimum-age", await DecideAsync(service, "purpose:email-marketing"));
    }

    [Fact]
    public async Task An_import_takes_birth_dates_and_ages_and_rejects_a_childs_own_grant_whole()
    {
        var (app, _) = await StartAsync();
        await using var __ = app;
        var folder = Directory.CreateTempSubdirectory("steward-children-").FullName;
        var path = Path.Combine(folder, "consents.csv");
        await File.WriteAllTextAsync(path, string.Join("\n",
            "identity_type,identity,key,choice,occurred_at,jurisdiction,birth_date,age",
            $"email,kid.lin@example.com,purpose:email-marketing,granted,2025-01-02T08:00:00Z,eu-gdpr,{Date(app, 10)},",
            "email,adult.lin@example.com,purpose:email-marketing,granted,2025-01-02T08:00:00Z,eu-gdpr,,40",
            "email,teen.lin@example.com,channel:email,denied,2025-01-02T08:00:00Z,eu-gdpr,,twelve") + "\n");
        var rejected = await StewardCli.RunAsync(app.Database, "", "consent", "import", path);
        Assert.Equal(1, rejected.ExitCode);
        Assert.Equal(
        [
            $"{path}:2: The person is below the minimum age of 16 in eu-gdpr: consent must be given by a parent or guardian (method guardian, through a guardian request); nothing was recorded.",
            $"{path}:4: age is a whole number of years from 0 to 130.",
            $"steward: {path}: 2 line(s) rejected; nothing was imported (fix them and run again)",
        ], rejected.StderrLines);
        Assert.Equal(0, await EventCountAsync(app));

        await File.WriteAllTextAsync(path, string.Join("\n",
            "identity_type,identity,key,choice,occurred_at,jurisdiction,age",
            "email,teen.lin@example.com,channel:email,denied,2025-01-02T08:00:00Z,eu-gdpr,12") + "\n");
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "consent", "import", path)).ExitCode);
        var service = await app.ClientForRoleAsync(Roles.Service);
        Assert.Equal("below-minimum-age", await DecideAsync(service, "purpose:email-marketing", email: "teen.lin@example.com"));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_visitors_stated_age_goes_with_them_when_they_sign_in()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        var visitor = await service.PostAsJsonAsync("/api/v1/consents", new
        {
            identity = new { type = "cookie_id", value = "ck-8" }, jurisdiction = "eu-gdpr", age = 12,
            choices = new[] { new { key = "cookie:advertising", choice = "denied" } },
        });
        Assert.Equal(HttpStatusCode.Created, visitor.StatusCode);
        var account = await service.PostAsJsonAsync("/api/v1/consents", new
        {
            identity = new { type = "account_id", value = "acct-8" }, jurisdiction = "eu-gdpr",
            choices = new[] { new { key = "purpose:email-marketing", choice = "granted" } },
        });
        Assert.Equal(HttpStatusCode.Created, account.StatusCode);

        var link = await app.Services<PeopleDirectory>().LinkAsync(new Identity(IdentityType.CookieId, "ck-8"), new Identity(IdentityType.AccountId, "acct-8"),
            "test", CancellationToken.None);
        Assert.Equal(LinkResult.Merged, link.Result);
        var response = await service.PostAsJsonAsync("/api/v1/decisions",
            new { identity = new { type = "account_id", value = "acct-8" }, keys = new[] { "purpose:email-marketing" }, jurisdiction = "eu-gdpr" });
        Assert.Equal("below-minimum-age", (await StewardTestApp.ReadJsonAsync<DecisionEndpoints.DecisionsResponse>(response)).Decisions.Single().Reason);
    }

    [Fact]
    public async Task In_the_preference_centre_a_child_can_say_no_but_a_yes_is_not_saved_and_the_page_says_why()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        Assert.Equal(HttpStatusCode.Created, (await RecordAsync(service, "eu-gdpr", [("channel:post", "denied")], age: 13)).StatusCode);
        var links = await service.PostAsJsonAsync("/api/v1/preference-links", new { identity = new { type = "email", value = Child }, jurisdiction = "eu-gdpr" });
        var path = new Uri((await StewardTestApp.ReadJsonAsync<MarketingEndpoints.PreferenceLinkResponse>(links)).Url).AbsolutePath;
        var browser = app.Client();
        var html = await browser.GetStringAsync(path);
        var form = new Dictionary<string, string> { ["__af"] = StewardTestApp.AntiforgeryField().Match(html).Groups[1].Value, ["policyVersion"] = "1" };

        var yes = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["channel:email"] = "yes" }));
        Assert.Equal(HttpStatusCode.BadRequest, yes.StatusCode);
        Assert.Contains("a parent or guardian must give it for you", await yes.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await EventCountAsync(app));
        var no = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["channel:email"] = "no" }));
        Assert.Equal(HttpStatusCode.OK, no.StatusCode);
        Assert.Equal(2, await EventCountAsync(app));
    }

    [Theory]
    [InlineData("2012-13-01", null, "The birth date is a date written yyyy-mm-dd")]
    [InlineData("30/04/2012", null, "The birth date is a date written yyyy-mm-dd")]
    [InlineData("2999-01-01", null, "The birth date is in the future")]
    [InlineData("2012-04-30", 13, "Give the birth date or the age, not both")]
    [InlineData(null, -1, "The age is a whole number of years from 0 to 130")]
    [InlineData(null, 200, "The age is a whole number of years from 0 to 130")]
    public async Task A_malformed_birth_date_or_age_is_a_400_that_does_not_repeat_it(string? birthDate, int? age, string expected)
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        var response = await RecordAsync(service, "eu-gdpr", [("channel:email", "denied")], birthDate, age);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, text, StringComparison.Ordinal);
        if (birthDate is not null) Assert.DoesNotContain(birthDate, text, StringComparison.Ordinal);
        Assert.Equal(0, await EventCountAsync(app));
    }

    [Fact]
    public async Task The_birth_date_is_sealed_with_the_persons_key_and_unreadable_once_they_are_erased()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        var birthDate = Date(app, 11, days: -40);
        var response = await RecordAsync(service, "eu-gdpr", [("channel:email", "denied")], birthDate: birthDate);
        var subjectId = (await StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(response)).SubjectId;
        var birthDates = app.Services<BirthDates>();

        await using (var db = await app.DbAsync())
        {
            var subject = await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == subjectId);
            Assert.NotNull(subject.BirthDate);
            Assert.Equal(DateOnly.ParseExact(birthDate, "yyyy-MM-dd", CultureInfo.InvariantCulture), await birthDates.OpenAsync(subject, CancellationToken.None));
            // Bound to the person: copied onto someone else, it does not open.
            var other = await app.Services<PeopleDirectory>().FindOrCreateAsync(new Identity(IdentityType.Email, "other@example.com"), "eu-gdpr", "test", CancellationToken.None);
            var otherRow = await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == other.SubjectId);
            otherRow.BirthDate = subject.BirthDate;
            await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => birthDates.OpenAsync(otherRow, CancellationToken.None));
        }

        Assert.True(await app.Services<PeopleDirectory>().EraseKeyAsync(subjectId, "test", CancellationToken.None));
        await using (var db = await app.DbAsync())
        {
            var erased = await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == subjectId);
            Assert.Null(await birthDates.OpenAsync(erased, CancellationToken.None));
        }
    }

    private static async Task<string> GuardianLinkAsync(HttpClient service, params string[] keys)
    {
        var response = await service.PostAsJsonAsync("/api/v1/guardian-requests", new
        {
            child = new { type = "email", value = Child },
            jurisdiction = "eu-gdpr",
            keys,
            guardianEmail = Parent,
        });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var link = await StewardTestApp.ReadJsonAsync<GuardianEndpoints.GuardianLinkResponse>(response);
        Assert.StartsWith(Site + "/g/", link.Url, StringComparison.Ordinal);
        return new Uri(link.Url).AbsolutePath;
    }

    private static Dictionary<string, string> Form(string html, string decision) => new()
    {
        ["__af"] = StewardTestApp.AntiforgeryField().Match(html).Groups[1].Value,
        ["policyVersion"] = "1",
        ["decision"] = decision,
    };

    [Fact]
    public async Task A_guardian_consents_through_the_signed_link_and_the_proof_names_them_without_the_page_naming_the_child()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        Assert.Equal(HttpStatusCode.Created, (await RecordAsync(service, "eu-gdpr", [("channel:email", "denied")], age: 12)).StatusCode);
        var path = await GuardianLinkAsync(service, "purpose:email-marketing", "channel:email");
        Assert.Equal(app.Time.GetUtcNow().AddDays(7).ToUnixTimeSeconds(),
            (await StewardTestApp.ReadJsonAsync<GuardianEndpoints.GuardianLinkResponse>(await service.PostAsJsonAsync("/api/v1/guardian-requests", new
            {
                child = new { type = "email", value = Child }, jurisdiction = "eu-gdpr", keys = new[] { "channel:email" }, guardianEmail = Parent,
            }))).ExpiresAt!.Value.ToUnixTimeSeconds());

        var browser = app.Client();
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(page.Headers.CacheControl?.NoStore);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Consent by a parent or guardian", html, StringComparison.Ordinal);
        Assert.Contains("Marketing emails", html, StringComparison.Ordinal);
        Assert.Contains("through a link we email to them", html, StringComparison.Ordinal); // the policy's children.guardian_consent
        Assert.DoesNotContain("kid.lin", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("parent.lin", html, StringComparison.OrdinalIgnoreCase);
        var chinese = await browser.GetStringAsync(path + "?lang=zh-CN");
        Assert.Contains("监护人同意", chinese, StringComparison.Ordinal);
        Assert.Contains("营销邮件", chinese, StringComparison.Ordinal);
        Assert.Contains("通过我们发至其邮箱的链接确认同意", chinese, StringComparison.Ordinal);

        var granted = await browser.PostAsync(path, new FormUrlEncodedContent(Form(html, "grant")));
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Contains("Your consent has been recorded", await granted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("granted", await DecideAsync(service, "purpose:email-marketing"));
        Assert.Equal("granted", await DecideAsync(service, "channel:email"));

        var childId = await app.Services<PeopleDirectory>().FindAsync(new Identity(IdentityType.Email, Child.ToLowerInvariant()), CancellationToken.None);
        var guardianId = await app.Services<PeopleDirectory>().FindAsync(new Identity(IdentityType.Email, Parent.ToLowerInvariant()), CancellationToken.None);
        Assert.NotNull(guardianId);
        await using (var db = await app.DbAsync())
        {
            var byGuardian = await db.Set<ConsentEvent>().AsNoTracking().Where(e => e.Method == ConsentMethod.Guardian).ToListAsync();
            Assert.Equal(["channel:email", "purpose:email-marketing"], byGuardian.Select(e => e.Key).Order(StringComparer.Ordinal));
            Assert.All(byGuardian, e => Assert.Equal((childId, guardianId), (e.SubjectId, e.GuardianId)));
            var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "consent.guardian-recorded");
            Assert.Equal($"subject:{childId}", audit.Target);
            Assert.Contains(guardianId.Value.ToString(), audit.Details, StringComparison.Ordinal);
            Assert.DoesNotContain("lin@", audit.Details, StringComparison.OrdinalIgnoreCase);
        }

        // The same decision again records nothing; a refusal through the same link withdraws.
        var events = await EventCountAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync(path, new FormUrlEncodedContent(Form(html, "grant")))).StatusCode);
        Assert.Equal(events, await EventCountAsync(app));
        var refused = await browser.PostAsync(path, new FormUrlEncodedContent(Form(html, "refuse")));
        Assert.Contains("Your refusal has been recorded", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("withdrawn", await DecideAsync(service, "purpose:email-marketing"));
        Assert.Equal(events + 2, await EventCountAsync(app));

        // Without the form's antiforgery token nothing is recorded.
        var noToken = Form(html, "grant");
        noToken.Remove("__af");
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client().PostAsync(path, new FormUrlEncodedContent(noToken))).StatusCode);
        Assert.Equal(events + 2, await EventCountAsync(app));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("lin@", StringComparison.OrdinalIgnoreCase) || l.Contains(path[3..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forged_tampered_misused_and_expired_guardian_links_are_a_400_page_and_record_nothing()
    {
        var (app, service) = await StartAsync();
        await using var _ = app;
        var path = await GuardianLinkAsync(service, "purpose:email-marketing");
        var token = path[3..];
        var tampered = Base64Url.DecodeFromChars(token);
        tampered[^5] ^= 0x01;
        var preferences = await service.PostAsJsonAsync("/api/v1/preference-links", new { identity = new { type = "email", value = Child }, jurisdiction = "eu-gdpr" });
        var preferenceToken = new Uri((await StewardTestApp.ReadJsonAsync<MarketingEndpoints.PreferenceLinkResponse>(preferences)).Url).AbsolutePath[3..];
        var browser = app.Client();
        var html = await browser.GetStringAsync(path);

        foreach (var forged in new[] { Base64Url.EncodeToString(tampered), token[..^4], "not-a-token", preferenceToken })
        {
            var get = await app.Client().GetAsync("/g/" + Uri.EscapeDataString(forged));
            Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
            Assert.Contains("This link does not work", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/g/" + Uri.EscapeDataString(forged), new FormUrlEncodedContent(Form(html, "grant")))).StatusCode);
        }
        // A guardian link opens no preference centre.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/p/" + token)).StatusCode);

        app.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client().GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync(path, new FormUrlEncodedContent(Form(html, "grant")))).StatusCode);
        Assert.Equal(0, await EventCountAsync(app));
    }

    [Fact]
    public async Task Guardian_requests_name_their_problem_and_a_policy_not_meant_for_children_refuses_them()
    {
        var (app, service) = await StartAsync();
        await using (app)
        {
            async Task<string> ProblemAsync(object body)
            {
                var response = await service.PostAsJsonAsync("/api/v1/guardian-requests", body);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                return await response.Content.ReadAsStringAsync();
            }
            var child = new { type = "email", value = Child };
            Assert.Contains("'purpose:nothing' is not", await ProblemAsync(new { child, jurisdiction = "eu-gdpr", keys = new[] { "purpose:nothing" }, guardianEmail = Parent }), StringComparison.Ordinal);
            Assert.Contains("There are no keys", await ProblemAsync(new { child, jurisdiction = "eu-gdpr", keys = Array.Empty<string>(), guardianEmail = Parent }), StringComparison.Ordinal);
            Assert.Contains("guardianEmail", await ProblemAsync(new { child, jurisdiction = "eu-gdpr", keys = new[] { "channel:email" }, guardianEmail = "not-an-address" }), StringComparison.Ordinal);
            Assert.Contains("the child's own", await ProblemAsync(new { child, jurisdiction = "eu-gdpr", keys = new[] { "channel:email" }, guardianEmail = Child }), StringComparison.Ordinal);
        }

        var copy = Directory.CreateTempSubdirectory("steward-no-children-").FullName;
        foreach (var file in Directory.GetFiles(PolicyFixture.ExamplePath)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        var rights = Path.Combine(copy, "70-rights.yaml");
        var yaml = await File.ReadAllTextAsync(rights);
        var start = yaml.IndexOf("  guardian_consent:", StringComparison.Ordinal);
        var end = yaml.IndexOf("  statement:", start, StringComparison.Ordinal);
        await File.WriteAllTextAsync(rights, yaml[..start] + yaml[end..]);
        var (noChildren, noChildrenService) = await StartAsync(copy);
        await using (noChildren)
        {
            var response = await noChildrenService.PostAsJsonAsync("/api/v1/guardian-requests",
                new { child = new { type = "email", value = Child }, jurisdiction = "eu-gdpr", keys = new[] { "channel:email" }, guardianEmail = Parent });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("has no children.guardian_consent: its services are not meant for children", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
