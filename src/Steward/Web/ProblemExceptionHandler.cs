using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Steward.Hosting;

namespace Steward.Web;

/// <summary>
/// Turns exceptions into RFC 9457 problem details: bad input becomes a 400 that says what was wrong,
/// anything else a 500 without internal detail.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } =>
                (400, "The request body is not valid", $"The JSON could not be read: {JsonProblem(json)}"),
            BadHttpRequestException bad => (bad.StatusCode, "The request is not valid", WithoutValues(bad.Message)),
            JsonException json => (400, "The request body is not valid", $"The JSON could not be read: {JsonProblem(json)}"),
            StewardException steward => (400, "The request cannot be carried out", steward.Message),
            _ => (500, "An unexpected error occurred", "The error has been logged; quote the trace id when you report it."),
        };
        if (status >= 500) LogUnexpected(logger, exception.GetType().Name, context.TraceIdentifier);
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>
    /// "Failed to bind parameter "int limit" from "abc"." names the parameter, which helps, and echoes the
    /// value, which may be personal data: the value goes.
    /// </summary>
    private static string WithoutValues(string message)
    {
        var from = message.IndexOf("\" from \"", StringComparison.Ordinal);
        return from < 0 ? message : message[..(from + 1)] + " has a value of the wrong type or format.";
    }

    /// <summary>Where the JSON broke, without echoing the values (they may be personal data).</summary>
    private static string JsonProblem(JsonException e) =>
        e.Path is { } path
            ? $"at {path} (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}) a value is missing, malformed or of the wrong type."
            : "it is malformed.";

    // The exception message may contain values, so only its type goes to the log.
    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} in request {TraceId}")]
    private static partial void LogUnexpected(ILogger logger, string exceptionType, string traceId);
}
