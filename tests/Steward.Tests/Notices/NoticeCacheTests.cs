using System.Net;
using System.Net.Http.Json;
using Steward.Security;
using Steward.Tests.Infrastructure;
using Steward.Tests.Policy;

namespace Steward.Tests.Notices;

/// <summary>A large notice is rendered once per version, language and day, never served after a newer version is in force.</summary>
public sealed class NoticeCacheTests
{
    private static readonly string Renamed = PolicyFixture.Minimal.Swap("This notice covers Example Ltd.", "This notice covers Renamed Holdings.");

    [Fact]
    public async Task A_privacy_page_is_reused_per_language_and_replaced_as_soon_as_a_version_is_published()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.MinimalPath);
        var client = app.Client();

        var first = await client.GetAsync("/privacy?lang=en");
        Assert.Null(first.Headers.Age);
        var second = await client.GetAsync("/privacy?lang=en");
        Assert.NotNull(second.Headers.Age); // answered from the cache
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        var chinese = await client.GetAsync("/privacy?lang=zh-CN");
        Assert.Null(chinese.Headers.Age);
        Assert.Contains("本声明适用于示例有限公司", await chinese.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        var published = await officer.PostAsJsonAsync("/api/v1/policy/versions", new { policy = Renamed, significant = true, summary = "New name" });
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);

        var after = await client.GetAsync("/privacy?lang=en");
        Assert.Null(after.Headers.Age);
        var html = await after.Content.ReadAsStringAsync();
        Assert.Contains("Renamed Holdings", html, StringComparison.Ordinal);
        Assert.Contains("New name", html, StringComparison.Ordinal); // the update banner
        Assert.Contains("/privacy/versions/2", await client.GetStringAsync("/privacy/versions?lang=en"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_banner_ends_on_its_day_even_for_a_page_rendered_before()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.MinimalPath);
        await app.PublishAsync(PolicyFixture.Write(Renamed), significant: true, summary: "New name");
        var client = app.Client();
        Assert.Contains("New name", await client.GetStringAsync("/privacy?lang=en"), StringComparison.Ordinal);
        Assert.NotNull((await client.GetAsync("/privacy?lang=en")).Headers.Age);

        app.Time.Advance(TimeSpan.FromDays(31));
        Assert.DoesNotContain("New name", await client.GetStringAsync("/privacy?lang=en"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_published_through_one_host_is_on_the_privacy_page_of_another()
    {
        await using var first = await StewardTestApp.StartAsync();
        await using var second = await StewardTestApp.StartAsync(first.Database);
        await first.PublishAsync(PolicyFixture.MinimalPath);
        var reader = second.Client();
        Assert.Contains("This notice covers Example Ltd.", await reader.GetStringAsync("/privacy?lang=en"), StringComparison.Ordinal);
        Assert.NotNull((await reader.GetAsync("/privacy?lang=en")).Headers.Age);

        var officer = await first.ClientForRoleAsync(Roles.PrivacyOfficer);
        Assert.Equal(HttpStatusCode.Created, (await officer.PostAsJsonAsync("/api/v1/policy/versions", new { policy = Renamed })).StatusCode);

        // PostgreSQL: the notification reaches the other node's cache; SQLite: the newest version number does.
        var html = await Jobs.JobTests.EventuallyAsync(() => reader.GetStringAsync("/privacy?lang=en"),
            page => page.Contains("Renamed Holdings", StringComparison.Ordinal), "the new version on the second host");
        Assert.DoesNotContain("This notice covers Example Ltd.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_cache_off_every_view_is_rendered()
    {
        await using var app = await StewardTestApp.StartAsync(s => s["Notices:CacheFor"] = "00:00:00");
        await app.PublishAsync(PolicyFixture.MinimalPath);
        var client = app.Client();
        await client.GetAsync("/privacy?lang=en");
        Assert.Null((await client.GetAsync("/privacy?lang=en")).Headers.Age);
    }
}
