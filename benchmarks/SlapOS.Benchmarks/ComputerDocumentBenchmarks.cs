using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master;

namespace SlapOS.Benchmarks;

/// <summary>
/// The master's side of <c>getFullComputerInformation</c> without HTTP: <see cref="ISlapMaster.GetComputerDocumentAsync"/>
/// on SQLite for a computer with 1,000 allocated partitions (the store's reads, the contact write, the model built).
/// </summary>
[MemoryDiagnoser]
public class ComputerDocumentBenchmarks
{
    private ServiceProvider _services = null!;
    private ISlapMaster _master = null!;
    private string _directory = null!;

    [Params(1000)]
    public int Partitions { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("slapos-bench-").FullName;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(_directory, "master.db")));
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<IMasterStore>().MigrateAsync(default);
        _master = _services.GetRequiredService<ISlapMaster>();
        await _master.RegisterComputerAsync(new Computer { Reference = "COMP-0001" }, default);
        await _master.FormatComputerAsync(new ComputerFormat("COMP-0001", null, null,
            [.. Enumerable.Range(0, Partitions).Select(i => new ComputerPartition { ComputerReference = "COMP-0001", Reference = $"slappart{i}" })]), default);
        for (var i = 0; i < Partitions; i++)
        {
            await _master.RequestAsync(new InstanceRequest
            {
                Title = $"instance-{i:D6}",
                SoftwareReleaseUrl = "https://lab.example/software/kvm/software.cfg",
                Parameters = Enumerable.Range(0, 5).ToDictionary(p => $"parameter-{p}", p => $"value {i} {p} with some text"),
            }, default);
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "ISlapMaster.GetComputerDocumentAsync (SQLite)")]
    public async Task<int> GetDocument() => (await _master.GetComputerDocumentAsync("COMP-0001", default)).Partitions.Count;
}
