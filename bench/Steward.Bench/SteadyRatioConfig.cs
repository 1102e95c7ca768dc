using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Steward.Bench;

/// <summary>
/// For benchmarks whose operations take milliseconds and allocate megabytes, on machines that other work shares.
/// Wall-clock times there doubled whenever a neighbour built or tested, and because BenchmarkDotNet measures a baseline
/// and its candidates one after the other, the ratios moved with the neighbours. This measures the CPU time the process
/// spends instead, which other processes do not inflate, in iterations of at least two seconds so collections average
/// out; the baseline's own ratio then comes out at 1.00 and ratios repeat from run to run.
/// </summary>
public sealed class SteadyRatioConfig : ManualConfig
{
    public SteadyRatioConfig() => AddJob(Job.Default
        // In process: a clock of our own reaches only the engine that runs in this process.
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithClock(ProcessCpuClock.Instance)
        .WithIterationTime(TimeInterval.FromSeconds(2))
        .WithMinIterationTime(TimeInterval.FromSeconds(2))
        .WithWarmupCount(5)
        .WithMinIterationCount(15)
        .WithMaxIterationCount(40)
        .AsDefault());
}

/// <summary>CPU time of the whole process (every thread, the collector's too), in 100-nanosecond ticks.</summary>
public sealed class ProcessCpuClock : IClock
{
    public static ProcessCpuClock Instance { get; } = new();

    public string Title => "Process CPU time";
    public bool IsAvailable => true;
    public Frequency Frequency { get; } = new(TimeSpan.TicksPerSecond);
    public long GetTimestamp() => Environment.CpuUsage.TotalTime.Ticks;
}
