using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Allocation;

namespace SlapOS.Benchmarks;

/// <summary>The allocation pipeline's filter + score step (every default policy) over 10,000 candidate computers.</summary>
[MemoryDiagnoser]
public class AllocationBenchmarks
{
    private ServiceProvider _services = null!;
    private AllocationPipeline _pipeline = null!;
    private AllocationCandidate[] _candidates = null!;
    private AllocationContext _plain = null!;
    private AllocationContext _filtered = null!;
    private string _directory = null!;

    [Params(10_000)]
    public int Candidates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("slapos-bench-").FullName;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(_directory, "master.db")));
        _services = services.BuildServiceProvider();
        _pipeline = _services.GetRequiredService<AllocationPipeline>();
        const string release = "https://lab.example/software/kvm/software.cfg";
        _candidates = [.. Enumerable.Range(0, Candidates).Select(i => new AllocationCandidate(
            new Computer { Reference = $"COMP-{i:D5}", Attributes = new Dictionary<string, string> { ["region"] = i % 2 == 0 ? "eu" : "us", ["cpu"] = (4 + (i % 8)).ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            FreePartitions: i % 100,
            TotalPartitions: 100,
            HasReleaseInstalled: i % 3 == 0))];
        _plain = new AllocationContext(new InstanceRequest { Title = "a", SoftwareReleaseUrl = release });
        _filtered = new AllocationContext(new InstanceRequest { Title = "b", SoftwareReleaseUrl = release, Sla = new Dictionary<string, string> { ["region"] = "eu" } });
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "rank, no SLA")]
    public int Rank() => _pipeline.Rank(_plain, _candidates, []).Count;

    [Benchmark(Description = "rank, SLA region=eu")]
    public int RankFiltered() => _pipeline.Rank(_filtered, _candidates, []).Count;
}
