using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Consent;

/// <summary>Advertising audiences: the hashes of exactly the people a decision allows, audited with the count.</summary>
public sealed class AudienceExportTests
{
    private static string Hash(string email) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email)));

    private static async Task RecordAsync(HttpClient client, string type, string value, string jurisdiction, string choice, string method = "api",
        DateTimeOffset? occurredAt = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/consents", new
        {
            identity = new { type, value }, jurisdiction, method, occurredAt,
            choices = new[] { new { key = "purpose:targeted-advertising", choice } },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_people_whose_decision_is_allowed_are_exported_as_hashes_of_their_normalised_address()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.ExamplePath);
        var client = await app.ClientForRoleAsync(Roles.Service);
        var now = app.Time.GetUtcNow();
        var hashedOnly = Hash("hashed.only@example.com");

        await RecordAsync(client, "email", " Granted@Example.com ", "eu-gdpr", "granted");
        await RecordAsync(client, "hashed_email", hashedOnly, "eu-gdpr", "granted");
        await RecordAsync(client, "email", "denied@example.com", "eu-gdpr", "denied");
        await RecordAsync(client, "email", "withdrawn@example.com", "eu-gdpr", "granted", occurredAt: now.AddMinutes(-2));
        await RecordAsync(client, "email", "withdrawn@example.com", "eu-gdpr", "withdrawn", occurredAt: now.AddMinutes(-1));
        await RecordAsync(client, "email", "expired@example.com", "eu-gdpr", "granted", occurredAt: now.AddMonths(-13));
        // Silence: not allowed in the EU (opt-in), allowed in California (opt-out) unless the browser's GPC signal was recorded.
        await RecordAsync(client, "email", "californian@example.com", "us-ca", "denied", method: "gpc");
        var people = app.Services<Steward.People.PeopleDirectory>();
        foreach (var (email, jurisdiction) in new[] { ("silent.eu@example.com", "eu-gdpr"), ("silent.ca@example.com", "us-ca") })
            await people.FindOrCreateAsync(new Steward.People.Identity(Steward.People.IdentityType.Email, email), jurisdiction, "test", CancellationToken.None);

        var response = await client.PostAsJsonAsync("/api/v1/audiences/export", new { key = "purpose:targeted-advertising" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new[] { Hash("granted@example.com"), hashedOnly, Hash("silent.ca@example.com") }.Order(), lines.Order());

        var californiaOnly = await client.PostAsJsonAsync("/api/v1/audiences/export", new { key = "purpose:targeted-advertising", jurisdiction = "us-ca" });
        Assert.Equal([Hash("silent.ca@example.com")], (await californiaOnly.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));

        await using var check = await app.DbAsync();
        var entries = await check.AuditEntries.AsNoTracking().Where(e => e.Action == "audience.exported").OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, entries.Count);
        Assert.Contains("\"exported\":3", entries[0].Details, StringComparison.Ordinal);
        Assert.Contains("\"exported\":1", entries[1].Details, StringComparison.Ordinal);
        Assert.All(entries, e => Assert.DoesNotContain("example.com", e.Details, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"key":"purpose:nope"}""", "'purpose:nope' is not a key")]
    [InlineData("""{}""", "'key' is missing")]
    [InlineData("""{"key":"channel:email","jurisdiction":"mars"}""", "'mars' is not a jurisdiction")]
    public async Task Bad_requests_name_the_problem_and_export_nothing(string body, string expected)
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.ExamplePath);
        var client = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        var response = await client.PostAsync("/api/v1/audiences/export", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await app.DbAsync();
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == "audience.exported"));
    }
}
