using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Security;

/// <summary>Behind a proxy, with hostile headers, and what a scanner checks.</summary>
public sealed class WebDoorTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task Forwarded_headers_are_ignored_unless_they_come_from_a_configured_proxy()
    {
        await using var app = await StewardTestApp.StartAsync(s => s["Security:SignInAttemptsPerMinute"] = "3");
        var client = app.Client();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInFromAsync(client, $"203.0.113.{i}", "http")).StatusCode);
        // Claiming to be someone else does not escape the limit of the real address.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInFromAsync(client, "203.0.113.99", "http")).StatusCode);
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_client_has_its_own_limit_and_https_cookies_are_secure()
    {
        await using var app = await StewardTestApp.StartAsync(s =>
        {
            s["Security:SignInAttemptsPerMinute"] = "3";
            s["Web:KnownProxies:0"] = "127.0.0.1";
        });
        await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, Password);
        var client = app.Client();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInFromAsync(client, "203.0.113.7", "https")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInFromAsync(client, "203.0.113.7", "https")).StatusCode);

        var signedIn = await SignInFromAsync(app.Client(), "198.51.100.1", "https", "dpo@example.com", Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("steward.session=", StringComparison.Ordinal));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_proxy_setting_that_is_not_an_address_stops_the_start_with_its_key()
    {
        await using var database = await TestDatabase.CreateAsync();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StewardTestApp.StartAsync(database, s => s["Web:KnownNetworks:0"] = "10.0.0.0/33"));
        Assert.Contains("Web:KnownNetworks:0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_host_header_is_refused_and_redirects_never_name_a_host()
    {
        await using var app = await StewardTestApp.StartAsync();
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/console");
        forged.Headers.Host = "evil.example";
        var refused = await app.Client().SendAsync(forged);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        foreach (var host in new[] { "localhost", "[::1]", "127.0.0.1" })
        {
            using var local = new HttpRequestMessage(HttpMethod.Get, "/console");
            local.Headers.Host = host;
            var redirect = await app.Client().SendAsync(local);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.False(redirect.Headers.Location!.IsAbsoluteUri);
        }
    }

    [Fact]
    public async Task Signed_in_answers_are_not_cached_and_no_server_header_is_sent()
    {
        await using var app = await StewardTestApp.StartAsync();
        var auditor = await app.ClientForRoleAsync(Roles.Auditor);
        var api = await auditor.GetAsync("/api/v1/audit/entries");
        Assert.True(api.Headers.CacheControl?.NoStore, "API answers must not be stored");
        Assert.Empty(api.Headers.Server);

        await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, Password);
        var client = app.Client();
        await StewardTestApp.SignInAsync(client, "dpo@example.com", Password);
        var console = await client.GetAsync("/console");
        Assert.True(console.Headers.CacheControl?.NoStore, "console pages must not be stored");
        Assert.Empty((await app.Client().GetAsync("/healthz")).Headers.Server);
    }

    [Fact]
    public async Task Head_works_wherever_get_does_and_health_answers_only_get_and_head()
    {
        await using var app = await StewardTestApp.StartAsync();
        var client = app.Client();
        foreach (var path in new[] { "/healthz", "/readyz", "/api/v1/policy/versions", "/account/sign-in", "/openapi/v1.json" })
        {
            var get = await client.GetAsync(path);
            var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.Equal(get.StatusCode, head.StatusCode);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
        foreach (var path in new[] { "/healthz", "/readyz" })
        {
            var post = await client.PostAsync(path, null);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
            Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Oversize_requests_are_answered_with_problem_details()
    {
        await using var app = await StewardTestApp.StartAsync();
        var client = app.Client();
        var tooLong = await client.GetAsync("/api/v1/policy?q=" + new string('a', 9000));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, tooLong.StatusCode);
        Assert.Equal("application/problem+json", tooLong.Content.Headers.ContentType?.MediaType);

        using var big = new HttpRequestMessage(HttpMethod.Get, "/api/v1/policy");
        for (var i = 0; i < 5; i++) big.Headers.Add($"X-Filler-{i}", new string('b', 8000));
        var tooLarge = await client.SendAsync(big);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task What_kestrel_refuses_itself_is_a_bare_status_that_names_no_server()
    {
        // Kestrel rejects these before any middleware runs, so no problem document can be written: the client sees
        // the status with an empty body, and (like every answer) no Server header.
        await using var app = await StewardTestApp.StartAsync();
        foreach (var (request, status) in new[]
        {
            ("GET /privacy%00x HTTP/1.1", "400"),
            ("GET /privacy\0x HTTP/1.1", "400"),
            ($"GET /api/v1/policy?q={new string('a', 40_000)} HTTP/1.1", "414"),
        })
        {
            var response = await RawAsync(app, request + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            Assert.StartsWith($"HTTP/1.1 {status} ", response, StringComparison.Ordinal);
            Assert.Contains("Content-Length: 0\r\n", response, StringComparison.Ordinal);
            Assert.DoesNotContain("\r\nServer:", response, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task<string> RawAsync(StewardTestApp app, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.Latin1);
        return await reader.ReadToEndAsync();
    }

    private static async Task<HttpResponseMessage> SignInFromAsync(HttpClient client, string address, string scheme,
        string email = "nobody@example.com", string password = "guess")
    {
        var page = await client.GetStringAsync("/account/sign-in");
        var token = StewardTestApp.AntiforgeryField().Match(page).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token, ["email"] = email, ["password"] = password }),
        };
        request.Headers.Add("X-Forwarded-For", address);
        request.Headers.Add("X-Forwarded-Proto", scheme);
        return await client.SendAsync(request);
    }
}
