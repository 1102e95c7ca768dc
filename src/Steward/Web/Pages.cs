using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Steward.Web;

/// <summary>Renders the Razor page components: as HTTP answers, and as files for the CLI.</summary>
internal static class Pages
{
    /// <summary>
    /// Components encode every text with the registered <see cref="HtmlEncoder"/>; the default one would turn
    /// Chinese into numeric references, so pages stay readable as source and in exported files with this one.
    /// </summary>
    public static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Everything page rendering needs from the container.</summary>
    public static IServiceCollection AddPages(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddSingleton(Encoder);
        return services;
    }

    /// <summary>A page as an HTTP answer with a status code.</summary>
    public static RazorComponentResult<TPage> Result<TPage>(object parameters, int status = StatusCodes.Status200OK) where TPage : IComponent =>
        new(parameters) { StatusCode = status, ContentType = "text/html; charset=utf-8" };

    /// <summary>A page as the text of a file (<c>steward notice render --format html</c>), outside any web host.</summary>
    public static async Task<string> RenderFileAsync<TPage>(IDictionary<string, object?> parameters) where TPage : IComponent
    {
        await using var renderer = new HtmlRenderer(FileServices, FileServices.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TPage>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }

    /// <summary>What file rendering needs, made once: a package per access request renders a page too.</summary>
    private static readonly ServiceProvider FileServices = new ServiceCollection().AddLogging().AddSingleton(Encoder).BuildServiceProvider();

    /// <summary>
    /// Whether a posted form carries a valid antiforgery token and is a form at all. The antiforgery middleware only records
    /// a failure; an endpoint that reads the form itself refuses it with this.
    /// </summary>
    public static async Task<bool> IsValidFormAsync(HttpContext http, Microsoft.AspNetCore.Antiforgery.IAntiforgery af) =>
        (http.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>()?.IsValid ?? await af.IsRequestValidAsync(http)) && http.Request.HasFormContentType;
}
