using Microsoft.AspNetCore.Http.HttpResults;
using Steward.Hosting;
using Steward.Security;

namespace Steward.Connectors;

/// <summary>Connections and datasets over HTTP, for the privacy office and admins; connection strings go in, never out.</summary>
internal static class ConnectorEndpoints
{
    private const int MaxDatasetChars = 2 * 1024 * 1024;

    /// <summary>A connection to add: name, type (postgres, sqlite, webhook, manual) and its secret connection string.</summary>
    public sealed record AddConnectionRequest(string? Name, string? Type, string? ConnectionString);

    public sealed record ConnectionResponse(string Name, string Type, DateTimeOffset CreatedAt, string CreatedBy);

    /// <summary>Whether the connection opened and answered <c>SELECT 1</c>; the reason (never the secret) when not.</summary>
    public sealed record ConnectionTestResponse(bool Ok, string? Reason);

    /// <summary>A dataset's YAML text and the connection of the database it describes.</summary>
    public sealed record ImportDatasetRequest(string? Yaml, string? Connection);

    public sealed record DatasetProblemResponse(int Line, int Column, string Severity, string Message);

    public sealed record DatasetImportResponse(IReadOnlyList<string> FidesKeys, IReadOnlyList<DatasetProblemResponse> Problems);

    public sealed record DatasetResponse(string FidesKey, string Connection, DateTimeOffset ImportedAt, string ImportedBy);

    /// <summary>Maps under the API root group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapConnectors(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("").WithTags("Connectors").RequireRoles(Roles.PrivacyOfficer, Roles.Admin)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/connections", ListConnectionsAsync).WithName("ListConnections")
            .WithSummary("Connections to company systems: name, type, when and by whom added. Connection strings are never returned.");
        group.MapPost("/connections", AddConnectionAsync).WithName("AddConnection")
            .WithSummary("Add a connection (postgres, sqlite, webhook with 'url=...;secret=...', manual); its connection string is stored encrypted. 409 when the name is taken.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/connections/{name}", RemoveConnectionAsync).WithName("RemoveConnection")
            .WithSummary("Remove a connection; 409 while a dataset describes it.").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/connections/{name}/test", TestConnectionAsync).WithName("TestConnection")
            .WithSummary("Open the connection and run SELECT 1; the answer says whether it works and why not.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/datasets", ListDatasetsAsync).WithName("ListDatasets").WithSummary("Imported datasets: key, connection, when and by whom.");
        group.MapPost("/datasets", ImportDatasetAsync).WithName("ImportDataset")
            .WithSummary("Check a fideslang dataset (YAML text) against itself, the connected database and the published notice, and store it; re-importing a key replaces it. 422 with located problems when invalid; warnings come with 200.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }

    private static async Task<Ok<List<ConnectionResponse>>> ListConnectionsAsync(ConnectionDirectory directory, CancellationToken ct) =>
        TypedResults.Ok((await directory.ListAsync(ct)).Select(c => new ConnectionResponse(c.Name, c.Type, c.CreatedAt, c.CreatedBy)).ToList());

    private static async Task<Results<Created<ConnectionResponse>, ProblemHttpResult>> AddConnectionAsync(AddConnectionRequest request,
        ConnectionDirectory directory, HttpContext http, CancellationToken ct)
    {
        if (request.Name is not { Length: > 0 } name || request.Type is not { Length: > 0 } type)
            return TypedResults.Problem(statusCode: 400, title: "The connection is incomplete", detail: "Send 'name', 'type' and (except for manual) 'connectionString'.");
        if (await directory.FindAsync(name, ct) is not null)
            return TypedResults.Problem(statusCode: 409, title: "The name is taken", detail: $"A connection named '{name}' exists already; remove it first.");
        try
        {
            await directory.AddAsync(name, type, request.ConnectionString ?? "", StewardClaims.ActorOf(http.User), ct);
        }
        catch (StewardException e)
        {
            return TypedResults.Problem(statusCode: 400, title: "The connection is not valid", detail: e.Message);
        }
        var added = (await directory.ListAsync(ct)).First(c => c.Name == name);
        return TypedResults.Created($"/api/v1/connections/{Uri.EscapeDataString(name)}", new ConnectionResponse(added.Name, added.Type, added.CreatedAt, added.CreatedBy));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveConnectionAsync(string name, ConnectionDirectory directory, HttpContext http, CancellationToken ct)
    {
        try
        {
            return await directory.RemoveAsync(name, StewardClaims.ActorOf(http.User), ct)
                ? TypedResults.NoContent()
                : TypedResults.Problem(statusCode: 404, title: "No such connection", detail: $"There is no connection named '{name}'.");
        }
        catch (StewardException e)
        {
            return TypedResults.Problem(statusCode: 409, title: "The connection is in use", detail: e.Message);
        }
    }

    private static async Task<Results<Ok<ConnectionTestResponse>, ProblemHttpResult>> TestConnectionAsync(string name, ConnectionDirectory directory, CancellationToken ct)
    {
        if (await directory.FindAsync(name, ct) is not { } connection)
            return TypedResults.Problem(statusCode: 404, title: "No such connection", detail: $"There is no connection named '{name}'.");
        var reason = await ConnectionDirectory.TestAsync(connection, ct);
        return TypedResults.Ok(new ConnectionTestResponse(reason is null, reason));
    }

    private static async Task<Ok<List<DatasetResponse>>> ListDatasetsAsync(DatasetStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Select(d => new DatasetResponse(d.FidesKey, d.ConnectionName, d.ImportedAt, d.ImportedBy)).ToList());

    private static async Task<Results<Ok<DatasetImportResponse>, ProblemHttpResult>> ImportDatasetAsync(ImportDatasetRequest request,
        DatasetStore store, ConnectionDirectory directory, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Yaml) || string.IsNullOrWhiteSpace(request.Connection))
            return TypedResults.Problem(statusCode: 400, title: "The dataset is incomplete", detail: "Send the dataset's YAML text in 'yaml' and the connection's name in 'connection'.");
        if (request.Yaml.Length > MaxDatasetChars)
            return TypedResults.Problem(statusCode: 400, title: "The dataset is too large", detail: $"A dataset may be at most {MaxDatasetChars / 1024 / 1024} MiB.");
        if (await directory.FindAsync(request.Connection, ct) is null)
            return TypedResults.Problem(statusCode: 404, title: "No such connection", detail: $"There is no connection named '{request.Connection}'.");
        DatasetImport result;
        try
        {
            result = await store.ImportAsync(request.Yaml, request.Connection, StewardClaims.ActorOf(http.User), ct);
        }
        catch (StewardException e)
        {
            return TypedResults.Problem(statusCode: 422, title: "The dataset cannot be imported", detail: e.Message);
        }
        var problems = result.Problems.Select(p => new DatasetProblemResponse(p.At.Line, p.At.Column, p.Warning ? "warning" : "error", p.Message)).ToList();
        if (!result.Stored)
            return TypedResults.Problem(statusCode: 422, title: "The dataset is not valid", detail: $"{result.Errors.Count()} problem(s); the first: {result.Errors.FirstOrDefault()?.Message}",
                extensions: new Dictionary<string, object?> { ["traceId"] = http.TraceIdentifier, ["problems"] = problems });
        return TypedResults.Ok(new DatasetImportResponse(result.FidesKeys, problems));
    }
}
