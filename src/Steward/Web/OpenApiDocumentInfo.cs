using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Steward.Web;

/// <summary>Title, description and the bearer scheme of the OpenAPI document.</summary>
internal sealed class OpenApiDocumentInfo : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Steward API",
            Version = "v1",
            Description = "Privacy operations from a declarative policy. Authenticate with 'Authorization: Bearer KEY' " +
                          "(keys from 'steward admin add-api-key'). Errors are RFC 9457 problem details.",
            License = new OpenApiLicense { Name = "Apache-2.0" },
        };
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key created with 'steward admin add-api-key'.",
        };
        return Task.CompletedTask;
    }
}
