namespace Steward.Hosting;

/// <summary>
/// A failure the operator can fix (bad flag, unreachable database, ...). The CLI prints its message
/// as one line and exits non-zero; the message never carries personal data or secrets.
/// </summary>
internal sealed class StewardException(string message, int exitCode = 1, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
