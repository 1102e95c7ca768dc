using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Rights;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Jobs;

namespace Steward.Tests.Rights;

/// <summary>A copy of an identity document: images only, size-limited, kept sealed, read by staff under audit, and gone at the decision (S18.6).</summary>
public sealed class IdentityDocumentTests
{
    private sealed record Submitted(Guid Id, string StatusToken, string State);
    private sealed record Summary(Guid Id, string State, string? VerifiedBy);
    private sealed record RequestView(Summary Request);

    private static byte[] Png(int size)
    {
        var image = RandomNumberGenerator.GetBytes(size);
        byte[] magic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        magic.CopyTo(image, 0);
        return image;
    }

    private static Task<HttpResponseMessage> UploadAsync(StewardTestApp app, Submitted s, byte[] file, string contentType, string? token = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(token ?? s.StatusToken), "statusToken" },
            { new ByteArrayContent(file) { Headers = { ContentType = new(contentType) } }, "file", "passport.png" },
        };
        return app.Client().PostAsync($"/api/v1/rights-requests/{s.Id}/verification/document", form);
    }

    private static async Task<Submitted> SubmitAsync(StewardTestApp app)
    {
        var response = await app.Client().PostAsJsonAsync("/api/v1/rights-requests", new { kind = "erasure", email = "ada@example.org", jurisdiction = "eu-gdpr" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Submitted>())!;
    }

    [Fact]
    public async Task Only_images_within_the_size_limit_are_taken()
    {
        await using var app = await RightsVerificationTests.StartAsync(null, s => s["Rights:MaxDocumentBytes"] = "65536");
        var s = await SubmitAsync(app);

        var text = await UploadAsync(app, s, "this is not a passport, whatever the header says"u8.ToArray(), "image/png");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        var large = await UploadAsync(app, s, Png(65_537), "image/png");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await UploadAsync(app, s, Png(1000), "image/png", token: "not-the-token")).StatusCode);
        await using var db = await app.DbAsync();
        Assert.False(await db.Set<VerificationDocument>().AnyAsync());

        var webp = new byte[2000];
        "RIFF"u8.CopyTo(webp);
        "WEBP"u8.CopyTo(webp.AsSpan(8));
        Assert.Equal(HttpStatusCode.NoContent, (await UploadAsync(app, s, webp, "application/octet-stream")).StatusCode);
        Assert.Equal("image/webp", (await db.Set<VerificationDocument>().SingleAsync()).ContentType);
    }

    [Fact]
    public async Task An_accepted_document_is_deleted_at_the_decision_with_an_audit_entry_that_proves_what_went()
    {
        await using var app = await RightsVerificationTests.StartAsync(null);
        var s = await SubmitAsync(app);
        var image = Png(300_000);
        Assert.Equal(HttpStatusCode.NoContent, (await UploadAsync(app, s, image, "image/png")).StatusCode);

        byte[] stored;
        await using (var db = await app.DbAsync())
        {
            stored = (await db.Set<VerificationDocument>().AsNoTracking().SingleAsync()).Content;
            Assert.DoesNotContain(Convert.ToHexString(image.AsSpan(100, 64)), Convert.ToHexString(stored), StringComparison.Ordinal);
        }

        // Staff look at it: an agent not assigned cannot, an officer can, and the read is audited.
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientForRoleAsync(Roles.DsrAgent)).GetAsync($"/api/v1/rights-requests/{s.Id}/verification/document")).StatusCode);
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        var copy = await officer.GetAsync($"/api/v1/rights-requests/{s.Id}/verification/document");
        Assert.Equal(HttpStatusCode.OK, copy.StatusCode);
        Assert.Equal("image/png", copy.Content.Headers.ContentType!.MediaType);
        Assert.Equal(image, await copy.Content.ReadAsByteArrayAsync());
        await JobTests.EventuallyAsync(() => ActionsAsync(app, s.Id), a => a.Contains("rights.document-read"), "the audited read");

        var decided = await officer.PostAsJsonAsync($"/api/v1/rights-requests/{s.Id}/verification/decision", new { accept = true });
        Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
        var view = (await officer.GetFromJsonAsync<RequestView>($"/api/v1/rights-requests/{s.Id}"))!.Request;
        Assert.Equal("awaiting-approval", view.State);
        Assert.Equal("photo-id", view.VerifiedBy);

        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/api/v1/rights-requests/{s.Id}/verification/document")).StatusCode);
        await using (var db = await app.DbAsync())
        {
            Assert.False(await db.Set<VerificationDocument>().AnyAsync());
            var proof = await db.Set<AuditEntry>().AsNoTracking().SingleAsync(e => e.Action == "rights.document-deleted");
            var details = JsonDocument.Parse(proof.Details).RootElement;
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image)), details.GetProperty("sha256").GetString());
            Assert.Equal(image.Length, details.GetProperty("size").GetInt64());
            Assert.Equal(RightsRequests.Target(s.Id), proof.Target);
        }
        if (!TestDatabase.IsPostgres)
        {
            // Not in the database file, nor in its write-ahead log: the freed pages were overwritten.
            var dir = app.Database.DataDirectory;
            var needle = stored.AsSpan(1000, 64).ToArray();
            foreach (var file in Directory.GetFiles(dir, "steward.db*"))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var bytes = new MemoryStream();
                await stream.CopyToAsync(bytes);
                Assert.True(bytes.ToArray().AsSpan().IndexOf(needle) < 0, $"{Path.GetFileName(file)} still holds the document's bytes.");
            }
        }
    }

    [Fact]
    public async Task A_rejected_document_is_deleted_too_and_the_person_is_told_why()
    {
        await using var smtp = await TestSmtpServer.CreateAsync();
        await using var app = await RightsVerificationTests.StartAsync(smtp);
        var s = await SubmitAsync(app);
        Assert.Equal(HttpStatusCode.NoContent, (await UploadAsync(app, s, Png(5000), "image/png")).StatusCode);
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        var noReason = await officer.PostAsJsonAsync($"/api/v1/rights-requests/{s.Id}/verification/decision", new { accept = false });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        await using (var db = await app.DbAsync()) Assert.True(await db.Set<VerificationDocument>().AnyAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await officer.PostAsJsonAsync($"/api/v1/rights-requests/{s.Id}/verification/decision",
            new { accept = false, reason = "The photo is too blurred to read the name." })).StatusCode);
        Assert.Equal("verifying", (await officer.GetFromJsonAsync<RequestView>($"/api/v1/rights-requests/{s.Id}"))!.Request.State);
        await using (var db = await app.DbAsync()) Assert.False(await db.Set<VerificationDocument>().AnyAsync());
        var told = await JobTests.EventuallyAsync(() => Task.FromResult(smtp.To("ada@example.org")), m => m.Count >= 2, "the receipt and the rejection");
        var rejection = told.Single(m => m.Subject == "We could not confirm your identity");
        Assert.Contains("The photo is too blurred to read the name.", rejection.TextBody, StringComparison.Ordinal);
        Assert.Contains("We have deleted the copy of your document.", rejection.TextBody, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ActionsAsync(StewardTestApp app, Guid id)
    {
        await using var db = await app.DbAsync();
        var target = RightsRequests.Target(id);
        return await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Target == target).Select(e => e.Action).ToListAsync();
    }
}
