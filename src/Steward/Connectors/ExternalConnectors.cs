using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Steward.People;

namespace Steward.Connectors;

/// <summary>A webhook connection's target: where to POST and the shared secret that signs each body.</summary>
internal sealed record WebhookTarget(Uri Url, string Secret)
{
    /// <summary>Reads <c>url=https://...;secret=...</c>.</summary>
    public static WebhookTarget Parse(string connectionString)
    {
        var b = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var url = new Uri((string)b["url"], UriKind.Absolute);
        if (url.Scheme is not ("https" or "http")) throw new FormatException("not an http(s) address");
        var secret = (string)b["secret"];
        if (secret.Length < 16) throw new FormatException("secret too short");
        return new WebhookTarget(url, secret);
    }
}

/// <summary>What a request asks of an outside system.</summary>
internal enum RequestKind
{
    Access,
    Erasure,
    Rectification,
}

/// <summary>The body Steward POSTs to a webhook: the request's id and kind and the person's identities.</summary>
internal sealed record WebhookRequest(Guid RequestId, string Kind, IReadOnlyList<WebhookIdentity> Identities);

internal sealed record WebhookIdentity(string Type, string Value);

/// <summary>A webhook's answer: for access, rows per collection of the company's system.</summary>
internal sealed record WebhookResponse(Dictionary<string, List<Dictionary<string, JsonElement>>>? Rows);

/// <summary>What a webhook connection returned, under its connection name.</summary>
internal sealed record WebhookResult(string Connection, IReadOnlyDictionary<string, List<Dictionary<string, JsonElement>>> Rows);

/// <summary>Work a person does by hand in a system Steward cannot reach (type <c>manual</c>).</summary>
internal sealed record ManualTask(string Connection, string Description);

/// <summary>
/// Connections without SQL: a webhook receives the request as JSON signed with HMAC-SHA256 over the body
/// (header <see cref="SignatureHeader"/>: <c>sha256=HEX</c>) and answers with rows for access; a manual
/// connection becomes a task description for staff.
/// </summary>
internal sealed class ExternalConnectors(IHttpClientFactory http)
{
    public const string SignatureHeader = "X-Steward-Signature";
    public const string HttpClientName = "steward-webhooks";

    public async Task<WebhookResult> CallWebhookAsync(OpenedConnection connection, Guid requestId, RequestKind kind, IReadOnlyList<Identity> identities, CancellationToken ct)
    {
        var target = WebhookTarget.Parse(connection.Secret);
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookRequest(requestId, Name(kind),
            identities.Select(i => new WebhookIdentity(IdentityTypes.Name(i.Type), i.Value)).ToList()), StepOutput.Json);
        using var message = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new("application/json");
        message.Headers.Add(SignatureHeader, Signature(target.Secret, body));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(message, ct);
            if (!response.IsSuccessStatusCode) throw new ConnectorException($"Webhook '{connection.Name}' answered {(int)response.StatusCode}.");
            var answer = response.Content.Headers.ContentLength == 0 ? null : await response.Content.ReadFromJsonAsync<WebhookResponse>(StepOutput.Json, ct);
            return new WebhookResult(connection.Name, answer?.Rows ?? []);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new ConnectorException($"Webhook '{connection.Name}' failed ({e.GetType().Name}).");
        }
    }

    public static ManualTask ManualTaskFor(string connection, RequestKind kind) => new(connection, kind switch
    {
        RequestKind.Access => $"Find every record of the person in '{connection}' and attach a copy to the request.",
        RequestKind.Erasure => $"Erase the person's records in '{connection}' (keep what a legal duty requires) and note what was kept and why.",
        _ => $"Correct the person's records in '{connection}' as the request states.",
    });

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of the body under the connection's secret.</summary>
    public static string Signature(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static string Name(RequestKind kind) => kind switch
    {
        RequestKind.Access => "access",
        RequestKind.Erasure => "erasure",
        _ => "rectification",
    };
}
