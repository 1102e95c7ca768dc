using BenchmarkDotNet.Running;

// Sizes and browser timings, not BenchmarkDotNet's loops: a command of its own.
if (args is ["banners"]) return await Steward.Bench.BannerBenchmark.RunAsync();
BenchmarkSwitcher.FromAssembly(typeof(Steward.Bench.StartupBenchmarks).Assembly).Run(args);
return 0;
