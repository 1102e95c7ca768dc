using System.Text;

namespace Steward.Hosting;

/// <summary>
/// Lets several CLI invocations run in one process, each with its own standard streams: the process's
/// console is replaced once by writers and a reader that forward to the invocation's own (an
/// <see cref="AsyncLocal{T}"/>), or to the original console outside any invocation. The verbs keep
/// writing to <see cref="Console.Out"/> and reading <see cref="Console.In"/>.
/// </summary>
internal static class ConsoleRouting
{
    private sealed record Streams(TextReader In, TextWriter Out, TextWriter Error);

    private static readonly AsyncLocal<Streams?> Current = new();
    private static readonly Lock Gate = new();
    private static bool _installed;

    /// <summary>
    /// Standard input of this invocation. Verbs read it here rather than from <see cref="Console.In"/>: the runtime
    /// resets <see cref="Console.In"/> to the process's stdin whenever anyone sets <see cref="Console.InputEncoding"/>.
    /// </summary>
    public static TextReader In => Current.Value?.In ?? Console.In;

    /// <summary>Routes this async flow's console to the given streams (until the calling async method returns).</summary>
    public static void Use(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        lock (Gate)
        {
            if (!_installed)
            {
                var (originalIn, originalOut, originalError) = (Console.In, Console.Out, Console.Error);
                Console.SetOut(new RoutingWriter(() => Current.Value?.Out ?? originalOut));
                Console.SetError(new RoutingWriter(() => Current.Value?.Error ?? originalError));
                Console.SetIn(new RoutingReader(() => Current.Value?.In ?? originalIn));
                _installed = true;
            }
        }
        Current.Value = new Streams(stdin, stdout, stderr);
    }

    private sealed class RoutingWriter(Func<TextWriter> target) : TextWriter
    {
        public override Encoding Encoding => target().Encoding;
        public override IFormatProvider FormatProvider => target().FormatProvider;
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string NewLine { get => target().NewLine; set { } }
        public override void Write(char value) => target().Write(value);
        public override void Write(string? value) => target().Write(value);
        public override void Write(char[] buffer, int index, int count) => target().Write(buffer, index, count);
        public override void WriteLine() => target().WriteLine();
        public override void WriteLine(string? value) => target().WriteLine(value);
        public override void Flush() => target().Flush();
        public override Task WriteAsync(char value) => target().WriteAsync(value);
        public override Task WriteAsync(string? value) => target().WriteAsync(value);
        public override Task WriteAsync(char[] buffer, int index, int count) => target().WriteAsync(buffer, index, count);
        public override Task WriteLineAsync() => target().WriteLineAsync();
        public override Task WriteLineAsync(string? value) => target().WriteLineAsync(value);
        public override Task FlushAsync() => target().FlushAsync();
    }

    private sealed class RoutingReader(Func<TextReader> source) : TextReader
    {
        public override int Peek() => source().Peek();
        public override int Read() => source().Read();
        public override int Read(char[] buffer, int index, int count) => source().Read(buffer, index, count);
        public override string? ReadLine() => source().ReadLine();
        public override string ReadToEnd() => source().ReadToEnd();
        public override Task<string?> ReadLineAsync() => source().ReadLineAsync();
        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => source().ReadLineAsync(cancellationToken);
        public override Task<string> ReadToEndAsync() => source().ReadToEndAsync();
        public override Task<string> ReadToEndAsync(CancellationToken cancellationToken) => source().ReadToEndAsync(cancellationToken);
    }
}
