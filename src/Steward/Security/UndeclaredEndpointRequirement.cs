using Microsoft.AspNetCore.Authorization;

namespace Steward.Security;

/// <summary>
/// The fallback policy: a mapped route that did not declare its roles is refused to everyone, while
/// requests that match no route still get an honest 404/405/415 instead of a sign-in prompt.
/// </summary>
internal sealed class UndeclaredEndpointRequirement : AuthorizationHandler<UndeclaredEndpointRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, UndeclaredEndpointRequirement requirement)
    {
        var endpoint = (context.Resource as HttpContext)?.GetEndpoint();
        if (endpoint is not RouteEndpoint) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
