namespace Steward.Hosting;

/// <summary>A one-line progress bar on a terminal's standard error, redrawn when the percentage changes.</summary>
internal sealed class ProgressBar(string label, int total) : IProgress<int>
{
    private int _shown = -1;

    /// <summary>The number of units of work; it may grow once the work is known (a plan's steps).</summary>
    public int Total { get; set; } = total;

    public void Report(int value)
    {
        var percent = (int)(100L * value / Math.Max(Total, 1));
        if (percent == _shown) return;
        _shown = percent;
        var filled = percent / 5;
        Console.Error.Write($"\r{label} [{new string('#', filled)}{new string('.', 20 - filled)}] {value}/{Total} ({percent}%)");
    }

    public void Done()
    {
        if (_shown >= 0) Console.Error.WriteLine();
    }
}
