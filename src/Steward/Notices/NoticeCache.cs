using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;
using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Storage;
using Steward.Web;

namespace Steward.Notices;

/// <summary>How long a rendered privacy page is kept (section <c>Notices</c>).</summary>
internal sealed class NoticeCacheOptions
{
    public const string Section = "Notices";

    /// <summary>How long a rendered page is reused; 0 renders every view. A publish replaces pages at once whatever this says.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromMinutes(10);
}

internal sealed class NoticeCacheOptionsValidator : IValidateOptions<NoticeCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, NoticeCacheOptions options) =>
        options.CacheFor < TimeSpan.Zero || options.CacheFor > TimeSpan.FromDays(1)
            ? ValidateOptionsResult.Fail("Notices:CacheFor must be between 00:00:00 (no cache) and 1.00:00:00.")
            : ValidateOptionsResult.Success;
}

/// <summary>
/// The public privacy pages are the same for everyone who reads them in one language on one day, and a large
/// notice costs megabytes to render: each page is rendered once per version in force, newest version, language,
/// jurisdiction and day, and reused (ASP.NET Core output caching). A publish on any node evicts them through the change
/// notification; the version numbers in the cache key keep a page from outliving its version even before that.
/// </summary>
internal static class NoticeCache
{
    public const string PolicyName = "privacy-pages";
    private const string Tag = "privacy-pages";

    public static IServiceCollection AddNoticeCache(this IServiceCollection services)
    {
        services.AddOptions<NoticeCacheOptions>().BindConfiguration(NoticeCacheOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NoticeCacheOptions>, NoticeCacheOptionsValidator>();
        services.AddOutputCache();
        services.AddOptions<OutputCacheOptions>().Configure<IOptions<NoticeCacheOptions>>((o, notices) =>
            o.AddPolicy(PolicyName, b =>
            {
                if (notices.Value.CacheFor == TimeSpan.Zero)
                {
                    b.NoCache();
                    return;
                }
                b.Expire(notices.Value.CacheFor).Tag(Tag).SetVaryByQuery("lang").VaryByValue(PageKeyAsync);
            }));
        services.AddHostedService<EvictOnPublish>();
        return services;
    }

    /// <summary>
    /// Everything a privacy page depends on besides its path: the language it is read in, the jurisdiction it is shown
    /// for, the day, and the versions. The jurisdiction enters as one of the catalogue's keys or nothing, so made-up
    /// values share the page without one and cannot fill the cache.
    /// </summary>
    private static async ValueTask<KeyValuePair<string, string>> PageKeyAsync(HttpContext http, CancellationToken ct)
    {
        var store = http.RequestServices.GetRequiredService<PolicyStore>();
        var current = await store.CurrentAsync(ct);
        var newest = await store.NewestVersionAsync(ct);
        var requested = http.Request.Query[NoticeEndpoints.JurisdictionQuery].ToString().Trim();
        var jurisdiction = JurisdictionCatalogue.Bundled.ByKey.Keys.FirstOrDefault(k => string.Equals(k, requested, StringComparison.OrdinalIgnoreCase));
        return new("page", FormattableString.Invariant($"{Language.FromRequest(http.Request)}|{jurisdiction}|{store.Today:yyyy-MM-dd}|{current?.Info.Version}|{newest}"));
    }

    /// <summary>Drops every cached privacy page when a version is published on any node.</summary>
    private sealed class EvictOnPublish(ChangeNotifications notifications, IOutputCacheStore cache) : IHostedService
    {
        private IDisposable? _subscription;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            // Fire and forget: the version numbers in the key already keep a stale page from being served.
            _subscription = notifications.Subscribe(PolicyStore.PublishedChannel, _ => cache.EvictByTagAsync(Tag, CancellationToken.None).AsTask());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _subscription?.Dispose();
            return Task.CompletedTask;
        }
    }
}
