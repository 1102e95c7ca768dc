using BenchmarkDotNet.Running;
using Steward.Bench;

// Sizes, memory and browser timings are not BenchmarkDotNet's loops: commands of their own.
switch (args)
{
    case [ConsentMemory.Verb]:
        ConsentMemory.Run();
        return 0;
    case [ConnectorBenchmark.Verb]:
        return await ConnectorBenchmark.RunAsync();
    case [ErasureCheckBenchmark.Verb]:
        return await ErasureCheckBenchmark.RunAsync();
    case [RewrapBenchmark.Verb]:
        return await RewrapBenchmark.RunAsync();
    case [RetentionBenchmark.Verb, var provider]:
        return await RetentionBenchmark.RunAsync(provider);
    case ["banners"]:
        return await BannerBenchmark.RunAsync();
    default:
        BenchmarkSwitcher.FromAssembly(typeof(StartupBenchmarks).Assembly).Run(args);
        return 0;
}
