using Microsoft.AspNetCore.Authorization;

namespace Steward.Security;

/// <summary>Every endpoint states who may call it: <see cref="RequireRoles{T}"/> or <see cref="Public{T}"/>.</summary>
internal static class EndpointRoles
{
    public static T RequireRoles<T>(this T builder, params string[] roles) where T : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new AuthorizeAttribute { Roles = string.Join(',', roles) });

    /// <summary>Open to anyone, including people who are not signed in.</summary>
    public static T Public<T>(this T builder) where T : IEndpointConventionBuilder => builder.AllowAnonymous();
}
