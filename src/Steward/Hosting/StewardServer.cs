using System.Text.Json;
using Steward.Audit;
using Steward.Connectors;
using Steward.Consent;
using Steward.Consent.Audiences;
using Steward.Consent.Decisions;
using Steward.Jobs;
using Steward.Mail;
using Steward.Marketing;
using Steward.Hosting.Telemetry;
using Steward.Notices;
using Steward.Policy;
using Steward.Retention;
using Steward.Rights;
using Steward.Security;
using Steward.StaffConsole;
using Steward.Storage;
using Steward.Web;

namespace Steward.Hosting;

/// <summary>Builds the <c>steward serve</c> web application; tests start the same application. Each feature sets itself up; this only calls them in order.</summary>
internal static class StewardServer
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>Creates the application. <paramref name="configure"/> lets tests replace services (e.g. the clock).</summary>
    public static WebApplication Create(IDictionary<string, string?> flags, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddStewardSources(flags);
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? DefaultUrls);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        ConfigureLogging(builder.Logging);

        configure?.Invoke(builder.Services);
        builder.Services.AddStewardCore();
        builder.Services.AddStewardWeb();
        builder.Services.AddHostedService<Storage.Backup.ServeLock>();
        builder.Services.AddStewardWebSecurity();
        builder.Services.AddNoticeCache();
        builder.Services.AddConsentBanner();
        builder.Services.AddStewardTelemetry(builder.Configuration);

        var app = builder.Build();
        app.UseStewardWeb();
        // After routing, before authorization: answers the banner's preflight requests from the sites that embed it.
        app.UseCors();
        app.UseStewardSecurity();
        // After authorization: only public pages opt in to it (the privacy notice and its versions).
        app.UseOutputCache();

        app.MapOperations();
        app.MapStewardMetrics();
        app.MapAccount();
        app.MapConsole();
        app.MapNotices();
        app.MapConsentBanner();
        app.MapMarketingPages();
        app.MapGuardianPages();
        app.MapRightsPages();
        app.MapRightsConsole();
        app.MapHoldsConsole();
        var api = app.MapGroup("/api/v1");
        api.MapAudit();
        api.MapPolicy();
        api.MapJobs();
        api.MapStaff();
        api.MapConsent();
        api.MapGuardianRequests();
        api.MapDecisions();
        api.MapAudiences();
        api.MapMarketing();
        api.MapRights();
        api.MapMail();
        api.MapConnectors();
        api.MapLegalHolds();
        api.MapRetention();
        return app;
    }

    /// <summary>Before listening: create a new database (refuse a newer or foreign one) and publish the bundled example policy on an empty one.</summary>
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct)
    {
        await services.GetRequiredService<DatabaseMigrator>().EnsureReadyAsync(ct);
        await services.GetRequiredService<AuditLog>().PrepareAsync(ct);
        if (services.GetRequiredService<IConfiguration>().GetValue("Policy:PublishBundledExample", defaultValue: true))
            await services.GetRequiredService<PolicyStore>().PublishBundledExampleIfEmptyAsync(services.GetRequiredService<ILogger<PolicyStore>>(), ct);
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddJsonConsole(o => o.JsonWriterOptions = new JsonWriterOptions { Indented = false });
        logging.SetMinimumLevel(LogLevel.Information);
        // Request URLs may carry tokens of later features; the request logger stays quiet.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        // EF logs every failed command and save as an error, before the caller sees the exception: expected outcomes
        // (two nodes enqueuing one deduplicated job, a lost optimistic race) would read as failures. Callers log
        // what they do not expect, once, with its context.
        logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
        logging.AddFilter("Microsoft.EntityFrameworkCore.Update", LogLevel.None);
        logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore.Authorization", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Warning);
        // "Hosting failed to start" logs the exception with its stack (a port in use); serve reports it as one line instead.
        // A background service that stops the host still logs at Critical.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        logging.EnableRedaction();
    }
}
