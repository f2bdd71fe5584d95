using System.Diagnostics;
using SlapOS.Providers.Managers;

namespace SlapOS.Providers.Tests.Managers;

/// <summary>The cgroup manager on this machine's real kernel (root; cgroup v1 here, v2 where it offers the controllers).</summary>
public sealed class CgroupManagerTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("m19-cgroup-").FullName;
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_partition_over_its_64_MiB_limit_is_killed_by_the_kernel_and_reported_while_its_neighbour_is_untouched()
    {
        using var node = new CgroupTestNode(o => o.Partitions["m19oom"] = new CgroupLimits { MemoryLimitBytes = 64 * MiB });
        var manager = node.Manager;

        // Waits until it is in its partition's memory cgroup, then takes 256 MiB and touches every page.
        var hog = Start("python3", "-c",
            "import time\n" +
            "while not open('/proc/self/cgroup').read().replace('\\n', ' ').count('/m19oom '): time.sleep(0.01)\n" +
            "b = bytearray(256 * 1024 * 1024)\n" +
            "for i in range(0, len(b), 4096): b[i] = 1\n" +
            "time.sleep(3600)\n");
        var quiet = Start("sleep", "3600");
        var oom = Partition("m19oom", hog.Id);
        var neighbour = Partition("m19quiet", quiet.Id);
        var reported = new List<string>();
        try
        {
            foreach (var partition in new[] { oom, neighbour })
            {
                await manager.BeforeInstanceAsync(partition, CancellationToken.None);
                await Record(() => manager.AfterInstanceAsync(partition, CancellationToken.None), reported);
            }

            using (var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
            {
                await hog.WaitForExitAsync(guard.Token);
            }

            await Record(() => manager.ReportAsync(oom with { ProcessIds = [] }, CancellationToken.None), reported);
            await Record(() => manager.ReportAsync(neighbour, CancellationToken.None), reported);

            Assert.Equal(128 + 9, hog.ExitCode); // SIGKILL
            Assert.True(manager.OomKills("m19oom") >= 1);
            var message = Assert.Single(reported);
            Assert.Contains("m19oom", message, StringComparison.Ordinal);
            Assert.Contains("out of memory", message, StringComparison.Ordinal);
            Assert.Contains((64 * MiB).ToString(System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);

            Assert.False(quiet.HasExited);
            Assert.Equal(0, manager.OomKills("m19quiet"));
            Assert.Contains("/m19quiet", File.ReadAllText($"/proc/{quiet.Id}/cgroup"), StringComparison.Ordinal);
        }
        finally
        {
            await DestroyAsync(manager, oom, neighbour);
        }
    }

    [Fact]
    public async Task A_power_user_partition_gets_a_core_alone_and_its_neighbours_lose_it_until_it_is_destroyed()
    {
        using var node = new CgroupTestNode(o => o.PowerUsers.Add("m19fast"));
        var manager = node.Manager;
        var cpus = Environment.ProcessorCount;
        Assert.True(cpus >= 2, "needs two cores");
        var fast = Start("sleep", "3600");
        var slow = Start("sleep", "3600");
        var fastPartition = Partition("m19fast", fast.Id);
        var slowPartition = Partition("m19slow", slow.Id);
        var asking = Partition("m19nopower");
        File.WriteAllText(Path.Combine(fastPartition.PartitionPath, CgroupManager.CpuExclusiveFile), fast.Id + "\n");
        File.WriteAllText(Path.Combine(asking.PartitionPath, CgroupManager.CpuExclusiveFile), "1\n");
        try
        {
            foreach (var partition in new[] { slowPartition, fastPartition, asking })
            {
                await manager.BeforeInstanceAsync(partition, CancellationToken.None);
                await manager.AfterInstanceAsync(partition, CancellationToken.None);
            }

            var all = CpuList.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(manager.PartitionCgroup("cpuset", "m19fast"))!, "cpuset.cpus")));
            var fastCpus = CpuList.Parse(Cpus(manager, "m19fast"));
            var core = Assert.Single(fastCpus);
            Assert.Contains(core, all.Skip((all.Count + 1) / 2));
            Assert.DoesNotContain(core, CpuList.Parse(Cpus(manager, "m19slow")));
            Assert.DoesNotContain(core, CpuList.Parse(Cpus(manager, "m19nopower")));
            Assert.Equal(core.ToString(System.Globalization.CultureInfo.InvariantCulture), AllowedCpus(fast.Id));
            Assert.DoesNotContain(core, CpuList.Parse(AllowedCpus(slow.Id)));

            await manager.AfterDestroyAsync(fastPartition with { ProcessIds = [] }, CancellationToken.None);

            Assert.Contains(core, CpuList.Parse(Cpus(manager, "m19slow")));
        }
        finally
        {
            await DestroyAsync(manager, fastPartition, slowPartition, asking);
        }
    }

    [Fact]
    public async Task Limits_are_written_and_usage_is_read_from_the_cgroup()
    {
        using var node = new CgroupTestNode(o =>
        {
            o.Defaults.PidsLimit = 50;
            o.Defaults.CpuWeight = 200;
        });
        var manager = node.Manager;
        // Memory taken before the move stays charged where it was on v1: it takes 16 MiB once in its cgroup, then spins.
        var busy = Start("python3", "-c",
            "import time\n" +
            "while not open('/proc/self/cgroup').read().replace('\\n', ' ').count('/m19busy '): time.sleep(0.01)\n" +
            "b = bytearray(16 * 1024 * 1024)\n" +
            "for i in range(0, len(b), 4096): b[i] = 1\n" +
            "while True: pass\n");
        var partition = Partition("m19busy", busy.Id);
        try
        {
            await manager.BeforeInstanceAsync(partition, CancellationToken.None);
            await manager.AfterInstanceAsync(partition, CancellationToken.None);

            Assert.Equal("50", File.ReadAllText(Path.Combine(manager.PartitionCgroup("pids", "m19busy")!, "pids.max")).Trim());
            var cpu = manager.PartitionCgroup("cpu", "m19busy")!;
            Assert.Equal(manager.IsV2 ? "200" : "2048", File.ReadAllText(Path.Combine(cpu, manager.IsV2 ? "cpu.weight" : "cpu.shares")).Trim());

            NodeManagerUsage? usage = null;
            await Eventually.UntilAsync(
                async () => (usage = await manager.ReportAsync(partition, CancellationToken.None)) is { CpuSeconds: > 0, MemoryBytes: > 16 * MiB },
                "the busy loop used CPU and its 16 MiB",
                TimeSpan.FromMinutes(1));
            Assert.Equal(1, usage!.ProcessCount);
            Assert.True(usage.MemoryBytes > 0, $"memory {usage.MemoryBytes}");
        }
        finally
        {
            await DestroyAsync(manager, partition);
        }
    }

    private static string Cpus(CgroupManager manager, string partition) =>
        File.ReadAllText(Path.Combine(manager.PartitionCgroup("cpuset", partition)!, "cpuset.cpus")).Trim();

    private static string AllowedCpus(int pid) =>
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();

    private static async Task Record(Func<Task> hook, List<string> reported)
    {
        try
        {
            await hook();
        }
        catch (NodeManagerException ex)
        {
            reported.Add(ex.Message);
        }
    }

    private async Task DestroyAsync(CgroupManager manager, params NodeManagerPartition[] partitions)
    {
        foreach (var process in _processes.Where(p => !p.HasExited))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        foreach (var partition in partitions)
        {
            await manager.AfterDestroyAsync(partition with { ProcessIds = [] }, CancellationToken.None);
            Assert.False(Directory.Exists(manager.PartitionCgroup("memory", partition.PartitionReference)));
        }
    }

    private Process Start(string file, params string[] arguments)
    {
        var process = Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false })!;
        _processes.Add(process);
        return process;
    }

    private NodeManagerPartition Partition(string reference, params int[] processIds)
    {
        var path = Path.Combine(_root, reference);
        Directory.CreateDirectory(path);
        return new NodeManagerPartition { ComputerReference = "COMP-M19", PartitionReference = reference, PartitionPath = path, ProcessIds = processIds };
    }
}
