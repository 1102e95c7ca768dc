using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Steward.Connectors;
using Steward.People;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Connectors;

/// <summary>Webhook and manual connections, and connections and datasets over the API.</summary>
public sealed class OutsideConnectorTests
{
    private const string Secret = "webhook-shared-secret-0123456789";

    [Fact]
    public async Task A_webhook_receives_the_signed_request_and_its_rows_join_the_access_result_next_to_manual_tasks()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        string? body = null;
        string? signature = null;
        var served = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync();
            signature = context.Request.Headers[ExternalConnectors.SignatureHeader];
            var answer = Encoding.UTF8.GetBytes("""{"rows":{"crm_contacts":[{"email":"alice.private@example.com","segment":"gold"}]}}""");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        });

        await using var app = await StewardTestApp.StartAsync();
        var directory = app.Services<ConnectionDirectory>();
        await directory.AddAsync("crm", ConnectionTypes.Webhook, $"url=http://127.0.0.1:{port}/dsr;secret={Secret}", "test", CancellationToken.None);
        await directory.AddAsync("paper-archive", ConnectionTypes.Manual, "", "test", CancellationToken.None);
        var connectors = app.Services<DataConnectors>();
        var requestId = Guid.NewGuid();
        var plan = await connectors.PlanAsync([new(IdentityType.Email, CompanyDatabase.AliceEmail)], CancellationToken.None);
        var access = await connectors.AccessAsync(plan, requestId, CancellationToken.None);
        await served;

        Assert.Equal(ExternalConnectors.Signature(Secret, Encoding.UTF8.GetBytes(body!)), signature);
        using var sent = JsonDocument.Parse(body!);
        Assert.Equal(requestId, sent.RootElement.GetProperty("requestId").GetGuid());
        Assert.Equal("access", sent.RootElement.GetProperty("kind").GetString());
        Assert.Equal("email", sent.RootElement.GetProperty("identities")[0].GetProperty("type").GetString());
        Assert.Equal("gold", access.Webhooks.Single().Rows["crm_contacts"][0]["segment"].GetString());
        Assert.Contains("paper-archive", access.Tasks.Single().Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_privacy_office_adds_connections_and_imports_datasets_over_the_api_and_never_reads_a_secret_back()
    {
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        await using var app = await StewardTestApp.StartAsync();
        using var client = await app.ClientForRoleAsync(Roles.PrivacyOfficer);

        var added = await client.PostAsJsonAsync("/api/v1/connections", new { name = "shop-db", type = "sqlite", connectionString = company.ConnectionString });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/api/v1/connections", new { name = "shop-db", type = "sqlite", connectionString = company.ConnectionString })).StatusCode);
        var listed = await client.GetStringAsync("/api/v1/connections");
        Assert.Contains("shop-db", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("shop.db", listed, StringComparison.Ordinal);
        var test = await (await client.PostAsync("/api/v1/connections/shop-db/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(test.GetProperty("ok").GetBoolean());

        var bad = await client.PostAsJsonAsync("/api/v1/datasets", new { yaml = "dataset:\n  - fides_key: shop\n    collections:\n      - name: nowhere\n        fields: []\n", connection = "shop-db" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(4, problem.GetProperty("problems")[0].GetProperty("line").GetInt32());

        var yaml = await File.ReadAllTextAsync(Repository.PathOf("examples", "datasets", "shop.yml"));
        var imported = await client.PostAsJsonAsync("/api/v1/datasets", new { yaml, connection = "shop-db" });
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Contains("\"shop\"", await client.GetStringAsync("/api/v1/datasets"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await client.DeleteAsync("/api/v1/connections/shop-db")).StatusCode);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

/// <summary>The data map against the published notice.</summary>
public sealed class DataMapNoticeTests
{
    [Fact]
    public async Task A_field_whose_category_no_purpose_declares_is_reported_as_collected_but_not_in_the_notice()
    {
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(Repository.PathOf("examples", "example-global", "policy"));
        await app.Services<ConnectionDirectory>().AddAsync("shop-db", ConnectionTypes.Sqlite, company.ConnectionString, "test", CancellationToken.None);
        var yaml = (await File.ReadAllTextAsync(Repository.PathOf("examples", "datasets", "shop.yml")))
            .Replace("- name: note\n            data_categories: [user.content.private]", "- name: note\n            data_categories: [user.health_and_medical]", StringComparison.Ordinal);

        var import = await app.Services<DataConnectors>().ImportAsync(yaml, "shop-db", "test", CancellationToken.None);

        Assert.True(import.Stored);
        var warning = Assert.Single(import.Problems);
        Assert.True(warning.Warning);
        Assert.Equal("'orders.note' holds user.health_and_medical, which no purpose of the published policy declares: collected but not in the notice", warning.Message);
    }
}
