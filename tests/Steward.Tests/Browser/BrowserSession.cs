using Microsoft.Playwright;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Browser;

/// <summary>
/// Headless Chromium (Debian's package) driven by Playwright. Without Chromium the browser tests are
/// skipped on a developer machine, but fail under CI (STEWARD_REQUIRE_BROWSER=1), where .ci/run installs it.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public static string AxePath { get; } = Repository.PathOf("tests", "Steward.Tests", "node_modules", "axe-core", "axe.min.js");

    private readonly IPlaywright _playwright;
    public IBrowser Browser { get; }

    private BrowserSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public static async Task<BrowserSession> StartAsync()
    {
        var required = Environment.GetEnvironmentVariable("STEWARD_REQUIRE_BROWSER") == "1";
        var missing = !File.Exists(ChromiumPath) ? $"Chromium is not installed at {ChromiumPath} (apt-get install chromium)"
            : !File.Exists(AxePath) ? "axe-core is not installed (npm ci --prefix tests/Steward.Tests)"
            : null;
        if (missing is not null)
        {
            Assert.False(required, missing);
            Assert.Skip(missing);
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new BrowserSession(playwright, browser);
    }

    /// <summary>Runs axe-core (WCAG 2 A and AA rules) on the page and returns "rule: target" for each violation.</summary>
    public static async Task<List<string>> AccessibilityViolationsAsync(IPage page)
    {
        await page.AddScriptTagAsync(new() { Path = AxePath });
        var violations = await page.EvaluateAsync<AxeViolation[]>("""
            async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] } }))
                .violations.map(v => ({ id: v.id, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))
            """);
        return violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Targets)})").ToList();
    }

    /// <summary>One axe-core finding.</summary>
    public sealed record AxeViolation(string Id, string Help, string[] Targets);

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
