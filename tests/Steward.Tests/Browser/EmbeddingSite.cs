using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Steward.Tests.Browser;

/// <summary>
/// Someone else's website that embeds Steward's banner: a real server on its own origin (http://localhost:PORT, where
/// Steward is http://127.0.0.1:PORT), so the browser applies CORS to every call the banner makes.
/// </summary>
public sealed class EmbeddingSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    public Uri Origin { get; }
    /// <summary>The page served at /; set before navigating.</summary>
    public string Html { get; set; } = "";

    private EmbeddingSite(WebApplication app, Uri origin)
    {
        _app = app;
        Origin = origin;
    }

    public static async Task<EmbeddingSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        EmbeddingSite? site = null;
        app.MapGet("/", () => Results.Content(site!.Html, "text/html; charset=utf-8"));
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()).Port;
        site = new EmbeddingSite(app, new Uri($"http://localhost:{port}"));
        return site;
    }

    /// <summary>
    /// A shop page: the banner's script (<paramref name="scriptTag"/>: the jurisdiction in its URL, as documented), two
    /// tagged scripts that only run after consent, and the footer link that reopens the settings.
    /// </summary>
    public static string ShopPage(Uri steward, string jurisdiction = "eu-gdpr", string lang = "en", string? scriptTag = null, string? head = null) => $$"""
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8"><title>Northwind shop</title>{{head}}
        {{scriptTag ?? $"<script src=\"{WebUtility.HtmlEncode(new Uri(steward, "/consent.js?jurisdiction=" + Uri.EscapeDataString(jurisdiction)).ToString())}\" async></script>"}}
        <script type="text/plain" data-category="analytics">window.analyticsRan = (window.analyticsRan || 0) + 1;</script>
        <script type="text/plain" data-category="advertising">window.advertisingRan = (window.advertisingRan || 0) + 1;</script>
        <script>window.pageScriptRan = true;</script>
        </head>
        <body>
        <header><p>Northwind</p></header>
        <main><h1>Welcome to our shop</h1><p>Everything for your garden.</p></main>
        <footer><a href="/cookies" data-steward-settings>Cookie preferences</a></footer>
        </body>
        </html>
        """;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
