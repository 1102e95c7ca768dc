using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Steward.Hosting;
using Steward.Security;
using Steward.Storage;

namespace Steward.Tests.Infrastructure;

/// <summary>
/// The real Steward server, in-process on a loopback port, on a fresh database, with helpers that
/// say what a test means (<see cref="ClientForRoleAsync"/>, <see cref="SignInAsync"/>).
/// </summary>
internal sealed partial class StewardTestApp : IAsyncDisposable
{
    public TestDatabase Database { get; }
    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public FakeTimeProvider Time { get; }
    public CollectedLogs Logs { get; }
    private readonly ConcurrentDictionary<string, string> _keys = new();

    private StewardTestApp(TestDatabase database, WebApplication app, Uri baseAddress, FakeTimeProvider time, CollectedLogs logs)
    {
        Database = database;
        App = app;
        BaseAddress = baseAddress;
        Time = time;
        Logs = logs;
    }

    private bool _ownsDatabase = true;

    public static Task<StewardTestApp> StartAsync(Action<Dictionary<string, string?>>? settings = null) => StartAsync(null, settings);

    /// <summary>Starts on <paramref name="existing"/> (a restart) or on a fresh database; only a fresh one is dropped at the end.</summary>
    /// <summary>
    /// As above, with test-only additions: <paramref name="services"/> registers or replaces services (e.g. an
    /// in-memory trace exporter or a test job handler), <paramref name="endpoints"/> maps extra endpoints that exist only in this test.
    /// </summary>
    public static async Task<StewardTestApp> StartAsync(TestDatabase? existing, Action<Dictionary<string, string?>>? settings = null,
        Action<IServiceCollection>? services = null, Action<WebApplication>? endpoints = null)
    {
        var database = existing ?? await TestDatabase.CreateAsync();
        var flags = database.Settings();
        flags["urls"] = "http://127.0.0.1:0";
        // Tests start empty; the one that checks the bundled example turns this back on.
        flags["Policy:PublishBundledExample"] = "false";
        settings?.Invoke(flags);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
        var logs = new CollectedLogs();
        var app = StewardServer.Create(flags, s =>
        {
            s.AddSingleton<TimeProvider>(time);
            // The console logger of serve would flood the test output; collect instead.
            s.RemoveAll<ILoggerProvider>();
            s.AddSingleton<ILoggerProvider>(logs);
            services?.Invoke(s);
        });
        endpoints?.Invoke(app);
        await StewardServer.PrepareAsync(app.Services, CancellationToken.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new StewardTestApp(database, app, new Uri(address), time, logs) { _ownsDatabase = existing is null };
    }

    public HttpClient Client(bool followRedirects = false)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = true, CookieContainer = new CookieContainer() };
        return new HttpClient(handler) { BaseAddress = BaseAddress };
    }

    /// <summary>A client that authenticates with a fresh API key of <paramref name="role"/>.</summary>
    public async Task<HttpClient> ClientForRoleAsync(string role)
    {
        var key = await ApiKeyForRoleAsync(role);
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task<string> ApiKeyForRoleAsync(string role)
    {
        if (_keys.TryGetValue(role, out var existing)) return existing;
        var key = await Services<StaffDirectory>().AddApiKeyAsync($"test-{role}", role, "test", CancellationToken.None);
        return _keys.GetOrAdd(role, key);
    }

    public T Services<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public async Task<StewardDbContext> DbAsync() =>
        await Services<IDbContextFactory<StewardDbContext>>().CreateDbContextAsync();

    /// <summary>Publishes a policy file as the CLI would, with the app's clock; a past effective date sets up history (with a reason, as backdating needs).</summary>
    public async Task<Steward.Policy.PublishOutcome> PublishAsync(string path, bool significant = false, string? summary = null, DateOnly? effective = null)
    {
        var policy = Steward.Policy.PolicyCheck.Run(path);
        Assert.True(policy.IsValid, string.Join('\n', policy.Diagnostics));
        var store = Services<Steward.Policy.PolicyStore>();
        return await store.PublishAsync(policy, significant, summary, effective,
            store.IsBackdated(effective) ? "test history" : null, "test", CancellationToken.None);
    }

    public async Task<Guid> AddUserAsync(string email, string role, string password) =>
        await Services<StaffDirectory>().AddUserAsync(email, role, password, "test", CancellationToken.None);

    /// <summary>Signs in through the real form (GET for the antiforgery token, then POST), as a browser does.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string lang = "en")
    {
        var page = await client.GetStringAsync($"/account/sign-in?lang={lang}");
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        return await client.PostAsync($"/account/sign-in?lang={lang}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = token,
            ["email"] = email,
            ["password"] = password,
        }));
    }

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    public static partial Regex AntiforgeryField();

    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>())!;

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDatabase) await Database.DisposeAsync();
    }
}

/// <summary>Everything the app logged, formatted, so tests can check that no personal data leaks.</summary>
internal sealed class CollectedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    public IReadOnlyCollection<string> Lines => _lines;
    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);
    public void Dispose() { }

    private sealed class Collector(CollectedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> kv ? string.Join(";", kv.Select(p => $"{p.Key}={p.Value}")) : "";
            owner._lines.Enqueue($"{category}|{formatter(state, exception)}|{values}|{exception?.Message}");
        }
    }
}
