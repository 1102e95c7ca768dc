using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Connectors;
using Steward.Consent;
using Steward.People;
using Steward.Rights;
using Steward.Tests.Connectors;
using Steward.Tests.Infrastructure;
using Steward.Tests.Jobs;

namespace Steward.Tests.Rights;

/// <summary>
/// Crypto-shredding (issue 11, point 4): once an erasure request is answered, the person's data key is destroyed, so
/// nothing Steward stored for them can be read, and their identifiers are nowhere in the database's bytes; the
/// skeleton without values (the request's kind and dates, consent events' keys and times) stays as proof.
/// </summary>
public sealed class ErasureShreddingTests
{
    private const string UserAgent = "Mozilla/5.0 (ShredProbe 1.0)";
    private const string Ip = "203.0.113.77";
    private static readonly string ShopYaml = File.ReadAllText(Repository.PathOf("examples", "datasets", "shop.yml"));

    /// <summary>Forms in which the person's identifiers could have been written down anywhere.</summary>
    private static readonly string[] Identifiers =
    [
        CompanyDatabase.AliceEmail, CompanyDatabase.AliceEmail.ToUpperInvariant(), "alice.private", CompanyDatabase.AlicePhone, "138 0000 0001", "13800000001",
        "203.0.113", "ShredProbe", "Ada Shredding", "happy birthday", "Please erase everything",
    ];

    [Fact]
    public async Task Once_the_erasure_is_answered_nothing_of_the_person_can_be_read_and_their_identifiers_are_in_no_byte_of_the_database()
    {
        await using var smtp = await TestSmtpServer.CreateAsync();
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        await using var app = await RightsVerificationTests.StartAsync(smtp);
        await FulfilmentTests.ConnectAsync(app, company, ShopYaml);
        var client = app.Client();

        // The person leaves traces everywhere Steward keeps something: consent with its proof, a phone number, an access package.
        var service = await app.ClientForRoleAsync(Steward.Security.Roles.Service);
        var consent = await service.PostAsJsonAsync("/api/v1/consents", new
        {
            identity = new { type = "email", value = CompanyDatabase.AliceEmail },
            jurisdiction = "eu-gdpr",
            choices = new[] { new { key = "channel:email", choice = "granted" } },
            method = "banner",
            ip = Ip,
            userAgent = UserAgent,
        });
        Assert.True(consent.IsSuccessStatusCode, await consent.Content.ReadAsStringAsync());
        var subjectId = (await StewardTestApp.ReadJsonAsync<ConsentEndpoints.RecordedConsentResponse>(consent)).SubjectId;
        var phone = IdentityNormalisation.Parse(IdentityType.Phone, CompanyDatabase.AlicePhone).Identity!;
        await app.Services<PeopleDirectory>().AddIdentityAsync(subjectId, phone, "test", CancellationToken.None);
        var access = await SubmitAsync(app, "access");
        await EndedAsync(app, access);
        await using (var db = await app.DbAsync())
            Assert.Equal(1, await db.Set<RightsPackage>().CountAsync(p => p.SubjectId == subjectId));

        var erasure = await SubmitAsync(app, "erasure");
        await EndedAsync(app, erasure);
        // The answer goes out by mail first (the address is sealed with the key); then the key goes.
        await JobTests.EventuallyAsync(async () =>
        {
            await using var db = await app.DbAsync();
            return await db.Set<AuditEntry>().AsNoTracking().CountAsync(e => e.Action == "rights.person-shredded");
        }, n => n == 1, "the person shredded", () => app.Time.Advance(TimeSpan.FromSeconds(5)));
        DataSubject subject;
        await using (var db = await app.DbAsync()) subject = await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == subjectId);
        Assert.NotNull(subject.ErasedAt);
        Assert.Contains(smtp.To(CompanyDatabase.AliceEmail), m => (m.Subject ?? "").Contains("completed", StringComparison.OrdinalIgnoreCase)
            || (m.TextBody ?? "").Contains("We have deleted your personal information", StringComparison.Ordinal));
        Assert.Null(subject.WrappedDataKey);
        Assert.Null(subject.BirthDate);

        await using (var db = await app.DbAsync())
        {
            Assert.Equal(0, await db.Set<SubjectIdentity>().CountAsync(i => i.SubjectId == subjectId));
            Assert.Equal(0, await db.Set<RightsPackage>().CountAsync(p => p.SubjectId == subjectId));
            // The skeleton stays: the requests with their kind and state, the consent event with its key and choice, but no proof.
            Assert.Equal(["access", "erasure"], (await db.Set<RightsRequest>().AsNoTracking().Where(r => r.SubjectId == subjectId).Select(r => r.Kind).ToListAsync()).Order());
            var events = await db.Set<ConsentEvent>().AsNoTracking().Where(e => e.SubjectId == subjectId).ToListAsync();
            Assert.NotEmpty(events);
            Assert.All(events, e => Assert.Null(e.Proof));
        }
        // Nothing decrypts any more: the details of either request, the identities.
        Assert.Null(await app.Services<RightsRequests>().RevealAsync(erasure.Id, "test", CancellationToken.None));
        Assert.Null(await app.Services<RightsRequests>().RevealAsync(access.Id, "test", CancellationToken.None));
        Assert.Empty((await app.Services<PeopleDirectory>().RevealAsync(subjectId, "test", CancellationToken.None))!.Identities);
        Assert.Null(await app.Services<PeopleDirectory>().FindAsync(new Identity(IdentityType.Email, CompanyDatabase.AliceEmail), CancellationToken.None));
        // The person can still follow their request: the status page shows it completed.
        var status = await client.GetStringAsync(RightsPages.StatusLink(erasure.StatusToken) + "?lang=en");
        Assert.Contains("Completed", status, StringComparison.OrdinalIgnoreCase);
        // Steward's own account of the erasure names no one, so it outlives the key: the person still reads what was kept and why.
        Assert.Contains("except what the law requires us to keep", status, StringComparison.Ordinal);
        Assert.Contains("Invoices are kept for 10 years under tax law.", status, StringComparison.Ordinal);

        var bytes = await DatabaseBytesAsync(app);
        Assert.True(Contains(bytes, "channel:email"), "the test reads the wrong bytes");
        foreach (var identifier in Identifiers)
            Assert.False(Contains(bytes, identifier), $"'{identifier}' is still in the database");
    }

    private static async Task<RightsEndpoints.SubmittedBody> SubmitAsync(StewardTestApp app, string kind)
    {
        var response = await app.Client().PostAsJsonAsync("/api/v1/rights-requests",
            new { kind, email = CompanyDatabase.AliceEmail, jurisdiction = "eu-gdpr", name = "Ada Shredding", message = "Please erase everything" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var submitted = await StewardTestApp.ReadJsonAsync<RightsEndpoints.SubmittedBody>(response);
        var requests = app.Services<RightsRequests>();
        await requests.VerifyAsync(submitted.Id, RightsRequests.VerifiedByStaff, "test", CancellationToken.None);
        if ((await requests.FindAsync(submitted.Id, CancellationToken.None))!.State == "awaiting-approval")
            await requests.ApproveAsync(submitted.Id, "test", CancellationToken.None);
        return submitted;
    }

    private static async Task EndedAsync(StewardTestApp app, RightsEndpoints.SubmittedBody submitted)
    {
        var deadline = Environment.TickCount64 + 60_000;
        while ((await app.Services<RightsRequests>().FindAsync(submitted.Id, CancellationToken.None))!.State != "completed")
        {
            if (Environment.TickCount64 > deadline)
                Assert.Fail(string.Join("; ", (await app.Services<DataFulfilment>().TasksAsync(submitted.Id, CancellationToken.None)).Select(t => $"{t.Phase} {t.Target} {t.State} {t.Detail}"))
                    + " | jobs: " + string.Join("; ", (await app.Services<Steward.Jobs.BackgroundJobs>().ListAsync(null, 20, CancellationToken.None)).Select(j => $"{j.Kind} {j.State} {j.Attempts} {j.LastError}")));
            app.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(50);
        }
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0
        // PostgreSQL's text form of bytea is hex: a value stored as bytes would show there.
        || haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(needle)))) >= 0;

    /// <summary>SQLite: the database file and its write-ahead log, byte for byte. PostgreSQL: every row of every table in its text form.</summary>
    internal static async Task<byte[]> DatabaseBytesAsync(StewardTestApp app)
    {
        using var buffer = new MemoryStream();
        if (!TestDatabase.IsPostgres)
        {
            foreach (var path in new[] { "steward.db", "steward.db-wal" }.Select(f => Path.Combine(app.Database.DataDirectory, f)).Where(File.Exists))
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                await stream.CopyToAsync(buffer);
            }
            return buffer.ToArray();
        }
        await using var db = await app.DbAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            await using var dump = connection.CreateCommand();
            dump.CommandText = $"SELECT t::text FROM {table} t";
            await using var reader = await dump.ExecuteReaderAsync();
            while (await reader.ReadAsync()) buffer.Write(Encoding.UTF8.GetBytes(reader.GetString(0) + "\n"));
        }
        return buffer.ToArray();
    }
}
