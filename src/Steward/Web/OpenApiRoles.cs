using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Steward.Web;

/// <summary>Documents, per operation, who may call it: the bearer scheme, the roles, and the 401/403 answers.</summary>
internal sealed class OpenApiRoles : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Description = Append(operation.Description, "Public: no authentication needed.");
            return Task.CompletedTask;
        }
        var roles = metadata.OfType<IAuthorizeData>().Select(a => a.Roles).FirstOrDefault(r => !string.IsNullOrEmpty(r));
        if (roles is null) return Task.CompletedTask;
        operation.Description = Append(operation.Description, $"Roles: {roles.Replace(",", ", ", StringComparison.Ordinal)}.");
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", context.Document)] = [] }];
        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("401", Problem("No or an unknown API key (or no console session)."));
        operation.Responses.TryAdd("403", Problem("The caller's role may not call this operation."));
        return Task.CompletedTask;
    }

    private static string Append(string? description, string text) => string.IsNullOrEmpty(description) ? text : $"{description} {text}";

    private static OpenApiResponse Problem(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
    };
}
