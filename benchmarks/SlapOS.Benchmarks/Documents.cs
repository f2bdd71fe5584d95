using System.Globalization;

namespace SlapOS.Benchmarks;

/// <summary>Realistic inputs: a computer document with allocated partitions, as the master builds it.</summary>
internal static class Documents
{
    public static ComputerDocument Computer(int partitions)
    {
        const string computer = "COMP-0001";
        var now = DateTimeOffset.UtcNow;
        var list = Enumerable.Range(0, partitions).Select(i => new PartitionInstance
        {
            ComputerReference = computer,
            PartitionReference = $"slappart{i}",
            InstanceReference = $"SOFTINST-{i:D6}",
            Title = $"instance-{i:D6}",
            RootTitle = $"instance-{i:D6}",
            SoftwareReleaseUrl = "https://lab.example/software/kvm/software.cfg",
            RequestedState = RequestedState.Started,
            Parameters = Enumerable.Range(0, 5).ToDictionary(p => $"parameter-{p}", p => $"value {i} {p} with some text"),
            Addresses = [new PartitionAddress(string.Create(CultureInfo.InvariantCulture, $"10.0.{i / 250}.{(i % 250) + 1}"), "255.255.0.0", "lo")],
            Timestamp = InstanceTimestamp.Next(now.AddSeconds(i)),
            ConnectionParameters = new Dictionary<string, string> { ["url"] = $"http://10.0.{i / 250}.{(i % 250) + 1}:8080/" },
        }).ToList();
        return new ComputerDocument(computer, [new SoftwareInstallation { ComputerReference = computer, SoftwareReleaseUrl = "https://lab.example/software/kvm/software.cfg" }], list);
    }
}
