using System.CommandLine;

namespace Steward.Hosting;

/// <summary><c>steward serve</c>: the privacy centre, the console and the API.</summary>
internal static partial class ServeCommand
{
    public static Command Build()
    {
        var urls = new Option<string?>("--urls") { Description = $"Addresses to listen on, ';'-separated (default: {StewardServer.DefaultUrls})." };
        var serve = new Command("serve", "Start the web server: privacy centre, console and HTTP API.") { urls };
        serve.SetGuardedAction(async (parse, ct) =>
        {
            var flags = Cli.ConfigurationFlags(parse);
            if (parse.GetValue(urls) is { } u) flags["urls"] = u;
            await using var app = StewardServer.Create(flags);
            await StewardServer.PrepareAsync(app.Services, ct);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                // The background services started before the port was tried: stop them (a job in flight is given back)
                // before the services they use are disposed under them, which would print their failures.
                try { await app.StopAsync(CancellationToken.None); }
                catch (Exception) { /* the one-line reason below is what matters */ }
                throw new StewardException($"Cannot listen on {app.Configuration["urls"] ?? StewardServer.DefaultUrls}: the address is already in use; stop the program that holds it or choose another with --urls.", inner: e);
            }
            // The host stops on SIGTERM itself (letting running requests finish), so the token is not passed.
            await app.WaitForShutdownAsync(CancellationToken.None);
            return Cli.ExitCodes.Ok;
        });
        return serve;
    }
}
