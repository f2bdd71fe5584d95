using CsCheck;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SlapOS.Master.Tests.Allocation;

/// <summary>
/// Allocation invariants on random histories (CsCheck, seeded and shrinking), through the real request engine and
/// allocation pipeline over a real SQLite store: computers of 1–3 partitions join, instances are requested (on a named
/// computer or anywhere), re-requested and destroyed, in any order. After every step, checked against a model:
/// never two instances on one partition; a request is allocated whenever a free partition matching it exists, and
/// refused only when none does; a re-request never moves an instance; a destroyed instance frees its partition.
/// </summary>
public sealed class AllocationPropertyTests
{
    private const string Release = "https://lab.example/property/software.cfg";

    /// <summary>One step: a kind (computer, request, re-request, destroy) and two numbers it picks its subjects with.</summary>
    private static readonly Gen<(int Kind, int A, int B)> Step = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 1000], Gen.Int[0, 1000]);

    private static readonly Gen<(int Kind, int A, int B)[]> Histories = Step.Array[1, 30];

    [Fact]
    public async Task Random_histories_of_requests_destroys_and_computers_keep_the_allocation_invariants() =>
        await Histories.SampleAsync(RunAsync, iter: 100, threads: 1, print: h => string.Join(' ', h.Select(s => $"{s.Kind}:{s.A}:{s.B}")));

    private static async Task RunAsync((int Kind, int A, int B)[] history)
    {
        var directory = Directory.CreateTempSubdirectory("slapos-alloc-prop-").FullName;
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["SlapOS:Master:Security:Mode"] = "InsecureLoopback" }).Build());
        services.AddLogging();
        services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, "master.db")));
        try
        {
            await using var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<IMasterStore>().MigrateAsync(default);
            await new History(provider.GetRequiredService<ISlapMaster>()).ReplayAsync(history);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The model: which partitions exist, and which live instance holds which.</summary>
    private sealed class History(ISlapMaster master)
    {
        private readonly List<(string Computer, int Partitions)> _computers = [];
        private readonly Dictionary<string, (string Computer, string Partition)> _live = new(StringComparer.Ordinal);
        private int _titles;

        private int Free(string? computer) =>
            _computers.Where(c => computer is null || c.Computer == computer).Sum(c => c.Partitions)
            - _live.Values.Count(p => computer is null || p.Computer == computer);

        public async Task ReplayAsync((int Kind, int A, int B)[] history)
        {
            foreach (var (kind, a, b) in history)
            {
                switch (kind)
                {
                    case 0:
                        await AddComputerAsync(1 + (a % 3));
                        break;
                    case 1:
                        await RequestAsync(b % 2 == 0 && _computers.Count > 0 ? _computers[a % _computers.Count].Computer : null);
                        break;
                    case 2 when _live.Count > 0:
                        await ReRequestAsync(_live.Keys.Order(StringComparer.Ordinal).ElementAt(a % _live.Count), b);
                        break;
                    case 3 when _live.Count > 0:
                        await DestroyAsync(_live.Keys.Order(StringComparer.Ordinal).ElementAt(a % _live.Count));
                        break;
                }

                await CheckAsync();
            }
        }

        private static InstanceRequest Request(string title, string? computer, int value = 0, RequestedState state = RequestedState.Started) => new()
        {
            Title = title,
            RequesterReference = "alice",
            SoftwareReleaseUrl = Release,
            State = state,
            Parameters = new Dictionary<string, string> { ["value"] = value.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Sla = computer is null ? [] : new Dictionary<string, string> { ["computer_guid"] = computer },
        };

        private async Task AddComputerAsync(int partitions)
        {
            var computer = "COMP-P" + _computers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await master.RegisterComputerAsync(new Computer { Reference = computer }, default);
            await master.FormatComputerAsync(
                new ComputerFormat(computer, null, null, [.. Enumerable.Range(0, partitions).Select(i => new ComputerPartition { ComputerReference = computer, Reference = "slappart" + i })]),
                default);
            await master.SupplyAsync(computer, Release, SupplyState.Available, default);
            await master.ReportSoftwareInstallationAsync(computer, Release, SoftwareInstallationState.Available, null, default);
            _computers.Add((computer, partitions));
        }

        private async Task RequestAsync(string? computer)
        {
            var title = "title-" + _titles++.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var free = Free(computer);
            SoftwareInstance instance;
            try
            {
                instance = await master.RequestAsync(Request(title, computer), default);
            }
            catch (NoFreePartitionException)
            {
                Assert.True(free == 0, $"{title} on {computer ?? "any computer"} was refused while {free} matching partitions are free");
                return;
            }

            Assert.True(free > 0, $"{title} was allocated {instance.ComputerReference}/{instance.PartitionReference} while the model has no free partition on {computer ?? "any computer"}");
            Assert.NotNull(instance.PartitionReference);
            if (computer is not null)
            {
                Assert.Equal(computer, instance.ComputerReference);
            }

            var taken = (instance.ComputerReference!, instance.PartitionReference!);
            Assert.DoesNotContain(taken, _live.Values);
            _live[title] = taken;
        }

        private async Task ReRequestAsync(string title, int value)
        {
            var instance = await master.RequestAsync(Request(title, null, value + 1), default);
            Assert.Equal(_live[title], (instance.ComputerReference!, instance.PartitionReference!));
        }

        private async Task DestroyAsync(string title)
        {
            var (computer, partition) = _live[title];
            await master.RequestAsync(Request(title, null, state: RequestedState.Destroyed), default);
            await master.ReportDestroyedAsync(computer, partition, default);
            _live.Remove(title);
        }

        /// <summary>What the store says: one live instance per partition, exactly where the model put it.</summary>
        private async Task CheckAsync()
        {
            var placed = new List<(string Title, string Computer, string Partition)>();
            await foreach (var instance in master.ListInstancesAsync(new InstanceQuery { RequesterReference = "alice" }, default))
            {
                if (instance.RequestedState != RequestedState.Destroyed && instance.PartitionReference is { } partition)
                {
                    placed.Add((instance.Title, instance.ComputerReference!, partition));
                }
            }

            var partitions = placed.Select(p => (p.Computer, p.Partition)).ToList();
            Assert.Equal(partitions.Count, partitions.Distinct().Count());
            Assert.Equal(
                _live.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.Computer, p.Value.Partition)),
                placed.OrderBy(p => p.Title, StringComparer.Ordinal));
        }
    }
}
