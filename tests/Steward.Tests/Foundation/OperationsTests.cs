using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Foundation;

public sealed class OperationsTests
{
    [Fact]
    public async Task Health_and_readiness_answer()
    {
        await using var app = await StewardTestApp.StartAsync();
        var client = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_matches_the_committed_snapshot()
    {
        await using var app = await StewardTestApp.StartAsync();
        var live = JsonNode.Parse(await app.Client().GetStringAsync("/openapi/v1.json"))!;
        var path = Repository.PathOf("docs", "openapi", "v1.json");
        var pretty = live.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Repository.UpdateSnapshots)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, pretty);
        }
        Assert.True(File.Exists(path), "docs/openapi/v1.json is missing; run the tests with STEWARD_UPDATE_SNAPSHOTS=1 once.");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.True(JsonNode.DeepEquals(committed, live),
            "The OpenAPI document changed; review it and refresh docs/openapi/v1.json with STEWARD_UPDATE_SNAPSHOTS=1.");
    }

    [Fact]
    public async Task Unknown_api_routes_answer_problem_details()
    {
        await using var app = await StewardTestApp.StartAsync();
        var client = await app.ClientForRoleAsync(Steward.Security.Roles.Admin);
        var response = await client.GetAsync("/api/v1/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_pages_are_not_found_rather_than_a_sign_in_prompt()
    {
        await using var app = await StewardTestApp.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/no-such-page")).StatusCode);

        var browser = new HttpRequestMessage(HttpMethod.Get, "/privacy/no-such-page?lang=zh-CN");
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var page = await app.Client().SendAsync(browser);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("未找到页面", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_carry_security_headers()
    {
        await using var app = await StewardTestApp.StartAsync();
        var response = await app.Client().GetAsync("/account/sign-in");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}
