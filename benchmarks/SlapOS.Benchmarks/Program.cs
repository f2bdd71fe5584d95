using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/SlapOS.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(SlapOS.Benchmarks.MarshalBenchmarks).Assembly).Run(args);
