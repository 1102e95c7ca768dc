using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Steward.Web;

/// <summary>Headers every answer carries, and the defences at the door: proxies, host names, request sizes, HEAD.</summary>
internal static class SecurityHeaders
{
    /// <summary>Longest request target (path and query) Steward answers; longer gets a 414 problem.</summary>
    public const int MaxRequestTarget = 8 * 1024;

    /// <summary>Largest total of request headers Steward answers; larger gets a 431 problem.</summary>
    public const int MaxRequestHeaders = 32 * 1024;

    private const string HeadRequest = "steward.head";

    public static IServiceCollection AddStewardDoor(this IServiceCollection services)
    {
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();
        services.Configure<KestrelServerOptions>(o =>
        {
            o.AddServerHeader = false;
            // Kestrel answers requests over its limits itself, with an empty body; with room above Steward's own
            // limits, the usual oversize requests reach the middleware below and get a problem document.
            o.Limits.MaxRequestLineSize = 4 * MaxRequestTarget;
            o.Limits.MaxRequestHeadersTotalSize = 2 * MaxRequestHeaders;
        });
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<WebOptions>>((f, web) =>
        {
            f.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies are believed (ASP.NET Core trusts loopback by default; Steward trusts nobody by default).
            f.KnownProxies.Clear();
            f.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the obsolete list still holds the loopback default and is still consulted
            f.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var p in web.Value.KnownProxies) f.KnownProxies.Add(IPAddress.Parse(p));
            foreach (var n in web.Value.KnownNetworks) f.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n));
            f.ForwardLimit = null; // walk back through every known proxy, stopping at the first address that is not one
        });
        services.AddSingleton(sp => new AllowedHostNames(AllowedHosts(sp.GetRequiredService<IConfiguration>())));
        return services;
    }

    /// <summary>
    /// <c>AllowedHosts</c> (semicolon-separated) when set; otherwise the host names of the configured URLs and of
    /// <c>Web:PublicUrl</c>, plus localhost. When Steward listens on every address (<c>0.0.0.0</c>, <c>*</c>) no name can be derived and any
    /// host is accepted: set <c>AllowedHosts</c> then (redirects are relative either way).
    /// </summary>
    internal static List<string> AllowedHosts(IConfiguration config)
    {
        if (config["AllowedHosts"] is { Length: > 0 } configured)
            return configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var hosts = new List<string> { "localhost", "127.0.0.1", "[::1]" };
        // Links in mail point at the public address: a proxy passes its name on.
        if (Uri.TryCreate(config[$"{WebOptions.Section}:{nameof(WebOptions.PublicUrl)}"]?.Trim(), UriKind.Absolute, out var site)) hosts.Add(site.Host);
        foreach (var url in (config["urls"] ?? Hosting.StewardServer.DefaultUrls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var host = url.Split("://", 2) is [_, var rest] ? rest.Split('/')[0] : url;
            host = host.StartsWith('[') ? host[..(host.IndexOf(']', StringComparison.Ordinal) + 1)] : host.Split(':')[0];
            if (host is "*" or "+" or "0.0.0.0" or "[::]" or "") return ["*"];
            hosts.Add(host);
        }
        return hosts.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>
    /// X-Forwarded-For/-Proto from the configured proxies only. With no proxy configured the middleware is left
    /// out entirely, since ASP.NET Core's forwarded-headers middleware believes everyone when its lists are empty.
    /// </summary>
    public static IApplicationBuilder UseForwardedHeadersFromKnownProxies(this IApplicationBuilder app)
    {
        var web = app.ApplicationServices.GetRequiredService<IOptions<WebOptions>>().Value;
        return web.KnownProxies.Count + web.KnownNetworks.Count == 0 ? app : app.UseForwardedHeaders();
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var h = context.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h.ContentSecurityPolicy = $"default-src 'self'; style-src 'self' {Stylesheet.CspSource}; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";
            context.Response.OnStarting(() =>
            {
                // Signed-in answers, the API and the console may carry personal data: no cache keeps them.
                var path = context.Request.Path;
                if (context.User.Identity?.IsAuthenticated == true
                    || path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                    || path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase)
                    || path.StartsWithSegments("/account", StringComparison.OrdinalIgnoreCase))
                    context.Response.Headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            await next(context);
        });

    /// <summary>
    /// A Host header outside <c>AllowedHosts</c> (400), oversize request targets and header sections that got past
    /// Kestrel (414, 431): refused as problem documents before anything else runs. (A NUL in the request target,
    /// raw or percent-encoded, never gets here: Kestrel answers it with a bare 400.)
    /// </summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var allowed = context.RequestServices.GetRequiredService<AllowedHostNames>();
            if (!allowed.Any && !HostString.MatchesAny(request.Host.Host ?? "", allowed.Patterns))
            {
                await RefuseAsync(context, StatusCodes.Status400BadRequest, "Unknown host name",
                    "This server does not answer for the host name in the request (see the AllowedHosts setting).");
                return;
            }
            if (request.Path.Value?.Length + request.QueryString.Value?.Length > MaxRequestTarget)
            {
                await RefuseAsync(context, StatusCodes.Status414UriTooLong, "The address is too long",
                    $"Request addresses (path and query) may have at most {MaxRequestTarget} characters.");
                return;
            }
            long headers = 0;
            foreach (var (name, values) in request.Headers) headers += name.Length + values.ToString().Length + 4;
            if (headers > MaxRequestHeaders)
            {
                await RefuseAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "The request headers are too large",
                    $"The request headers may have at most {MaxRequestHeaders / 1024} KiB in all; send fewer or smaller cookies or headers.");
                return;
            }
            await next(context);
        });

    /// <summary>
    /// HEAD is answered wherever GET is: routing sees a GET, the endpoint runs as HEAD, and Kestrel sends the
    /// headers (with the length) but no body. Call before routing; <see cref="UseHeadAfterRouting"/> after it.
    /// </summary>
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Request.Method = HttpMethods.Get;
                context.Items[HeadRequest] = true;
            }
            await next(context);
        });

    public static IApplicationBuilder UseHeadAfterRouting(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Items.ContainsKey(HeadRequest)) context.Request.Method = HttpMethods.Head;
            await next(context);
        });

    /// <summary>The host names Steward answers for; "*" means any.</summary>
    internal sealed class AllowedHostNames(List<string> hosts)
    {
        public bool Any { get; } = hosts.Contains("*");
        public IList<Microsoft.Extensions.Primitives.StringSegment> Patterns { get; } =
            hosts.Select(h => new Microsoft.Extensions.Primitives.StringSegment(h)).ToList();
    }

    private static async Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
