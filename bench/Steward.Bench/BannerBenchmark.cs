using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Steward.Hosting;

namespace Steward.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/Steward.Bench -- banners</c>: what a visitor downloads before Steward's
/// cookie banner shows (the script as served, with its stylesheet and configuration inside, gzipped), beside three other banners installed from npm in
/// bench/banners (<c>npm ci --prefix bench/banners</c>), and, where Chromium is installed, the time until each banner
/// is visible with the CPU slowed down four times. Sizes are exact; times are medians, reported as ratios to Steward's
/// measured in the same run.
/// </summary>
internal static class BannerBenchmark
{
    private const int Runs = 7;
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>A banner: the files it needs to show, the page that shows it, and how to see that it is visible.</summary>
    private sealed record Contender(string Name, string[] Files, string Head, string Visible);

    public static async Task<int> RunAsync()
    {
        var root = Path.Combine(FindRepository(), "bench", "banners", "node_modules");
        var settings = BenchDatabase.FreshSettings();
        var site = await StartSiteAsync(root);
        settings["Consent:AllowedOrigins:0"] = site.Origin;
        settings["Consent:DefaultJurisdiction"] = "eu-gdpr";
        var steward = StewardServer.Create(settings, s => s.AddLogging(l => l.ClearProviders()));
        await StewardServer.PrepareAsync(steward.Services, CancellationToken.None);
        await steward.StartAsync();
        var stewardOrigin = Address(steward);
        using var http = new HttpClient();
        var script = await http.GetByteArrayAsync($"{stewardOrigin}/consent.js?lang=en&jurisdiction=eu-gdpr");

        var contenders = new List<Contender>
        {
            new("Steward consent.js", [], $"<script src=\"{stewardOrigin}/consent.js?jurisdiction=eu-gdpr\" async></script>", "#steward-banner"),
            // The slow path, kept for a tag whose data-jurisdiction is not the one in its URL: the configuration is fetched after the script.
            new("Steward consent.js, configuration fetched", [], $"<script src=\"{stewardOrigin}/consent.js?jurisdiction=us-ca\" async data-jurisdiction=\"eu-gdpr\"></script>", "#steward-banner"),
            new("vanilla-cookieconsent 3.1.0", ["vanilla-cookieconsent/dist/cookieconsent.umd.js", "vanilla-cookieconsent/dist/cookieconsent.css"],
                """
                <link rel="stylesheet" href="/npm/vanilla-cookieconsent/dist/cookieconsent.css">
                <script src="/npm/vanilla-cookieconsent/dist/cookieconsent.umd.js"></script>
                <script>addEventListener('DOMContentLoaded', () => CookieConsent.run({ hideFromBots: false, categories: { necessary: { enabled: true, readOnly: true }, analytics: {} }, language: { default: 'en', translations: { en: {
                  consentModal: { title: 'Cookies', description: 'We use cookies.', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all', showPreferencesBtn: 'Settings' },
                  preferencesModal: { title: 'Settings', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all', savePreferencesBtn: 'Save', sections: [] } } } } }));</script>
                """, "#cc-main .cm"),
            new("orejime 3.2.1", ["orejime/dist/orejime-standard-en.js", "orejime/dist/orejime-standard.css"],
                """
                <link rel="stylesheet" href="/npm/orejime/dist/orejime-standard.css">
                <script>window.orejimeConfig = { privacyPolicyUrl: '/privacy', purposes: [{ id: 'analytics', title: 'Analytics', cookies: ['_ga'] }] };</script>
                <script src="/npm/orejime/dist/orejime-standard-en.js"></script>
                """, ".orejime-Banner"),
            new("klaro 0.7.22", ["klaro/dist/klaro.js"],
                """
                <script>window.klaroConfig = { privacyPolicy: '/privacy', services: [{ name: 'analytics', title: 'Analytics', purposes: ['analytics'] }] };</script>
                <script defer src="/npm/klaro/dist/klaro.js"></script>
                """, ".klaro .cookie-notice"),
        };

        Console.WriteLine("Bytes a visitor downloads before the banner can show (gzip -9 of each file, summed; Steward: the script as served in English):");
        var stewardBytes = Gzipped(script);
        Console.WriteLine($"| banner | gzipped bytes | ratio to Steward |");
        Console.WriteLine($"|---|---|---|");
        Console.WriteLine($"| {contenders[0].Name} (stylesheet and configuration inside) | {stewardBytes} | 1.00 |");
        var installed = Directory.Exists(root);
        foreach (var c in contenders.Skip(2))
        {
            if (!installed) { Console.WriteLine($"| {c.Name} | not installed: npm ci --prefix bench/banners | |"); continue; }
            var bytes = c.Files.Sum(f => Gzipped(File.ReadAllBytes(Path.Combine(root, f))));
            Console.WriteLine($"| {c.Name} | {bytes} | {(double)bytes / stewardBytes:0.00} |");
        }

        if (!File.Exists(Chromium)) Console.WriteLine($"\nChromium is not installed at {Chromium}: no time-to-visible.");
        else
        {
            Console.WriteLine($"\nTime until the banner is visible, Chromium with 4x CPU slowdown, fresh profile, median of {Runs} loads:");
            Console.WriteLine("| banner | median ms | ratio to Steward |");
            Console.WriteLine("|---|---|---|");
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
            var timed = contenders.Where((c, i) => i < 2 || installed).ToList();
            var times = timed.ToDictionary(c => c, _ => new List<double>());
            // Round by round, each banner once: a load burst on this machine then slows all of them, not one.
            for (var run = 0; run < Runs + 1; run++)
                foreach (var c in timed)
                {
                    site.Head = c.Head;
                    var ms = await TimeToVisibleAsync(browser, site.Origin, c.Visible);
                    if (run > 0) times[c].Add(ms); // the first round warms the servers' caches
                }
            var baseline = Median(times[timed[0]]);
            foreach (var c in timed) Console.WriteLine($"| {c.Name} | {Median(times[c]):0} | {Median(times[c]) / baseline:0.00} |");
        }
        await steward.DisposeAsync();
        await site.App.DisposeAsync();
        return 0;
    }

    /// <summary>From navigation start to the first animation frame in which the banner is laid out, visible and opaque.</summary>
    private static async Task<double> TimeToVisibleAsync(IBrowser browser, string origin, string selector)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) => errors.Add(m.Text);
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Emulation.setCPUThrottlingRate", new Dictionary<string, object> { ["rate"] = 4 });
        await page.AddInitScriptAsync($$"""
            (() => { const check = () => { const e = document.querySelector({{JsonSerializer.Serialize(selector)}});
              if (e) { const s = getComputedStyle(e), r = e.getBoundingClientRect();
                if (r.height > 0 && s.visibility === 'visible' && +s.opacity > 0) { window.__visibleAt = performance.now(); return; } }
              requestAnimationFrame(check); }; requestAnimationFrame(check); })();
            """);
        await page.GotoAsync(origin);
        try
        {
            await page.WaitForFunctionAsync("() => window.__visibleAt", null, new() { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine(string.Join('\n', errors));
            Console.Error.WriteLine(await page.EvaluateAsync<string>($"() => document.body.outerHTML.slice(0, 3000)"));
            throw;
        }
        return await page.EvaluateAsync<double>("() => window.__visibleAt");
    }

    private sealed class Site(WebApplication app, string origin)
    {
        public WebApplication App { get; } = app;
        public string Origin { get; } = origin;
        public string Head { get; set; } = "";
    }

    /// <summary>The page each banner is embedded in, with the npm packages under /npm/, on its own origin.</summary>
    private static async Task<Site> StartSiteAsync(string packages)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        Site? site = null;
        app.MapGet("/", () => Results.Content($"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>{site!.Head}</head>
            <body><main><h1>Welcome to our shop</h1><p>Everything for your garden.</p></main></body></html>
            """, "text/html; charset=utf-8"));
        app.MapGet("/npm/{**path}", (string path) =>
        {
            var full = Path.GetFullPath(Path.Combine(packages, path));
            return full.StartsWith(packages, StringComparison.Ordinal) && File.Exists(full)
                ? Results.File(full, full.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript")
                : Results.NotFound();
        });
        await app.StartAsync();
        site = new Site(app, Address(app).Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        return site;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');

    private static double Median(List<double> times) => times.Order().ElementAt(times.Count / 2);

    private static long Gzipped(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(bytes);
        return output.Length;
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Steward.slnx"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
