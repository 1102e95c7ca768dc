using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Steward.Bench.StartupBenchmarks).Assembly).Run(args);
