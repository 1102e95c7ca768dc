using BenchmarkDotNet.Running;
using Steward.Bench;

if (args is [ConsentMemory.Verb]) ConsentMemory.Run();
else BenchmarkSwitcher.FromAssembly(typeof(StartupBenchmarks).Assembly).Run(args);
