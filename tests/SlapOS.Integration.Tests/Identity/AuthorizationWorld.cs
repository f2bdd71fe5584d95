using System.Text.Json;
using SlapOS.Integration.Tests.Api;
using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Identity;

/// <summary>
/// The authorization matrix's world on a real mutual TLS master: computers A and B (two partitions each,
/// no owner), alice's tree on A (instance A1), bob's tree on B (instance B1), and a client per identity.
/// </summary>
public sealed class AuthorizationWorld : IAsyncLifetime
{
    public const string Release = LoopbackMaster.Release;
    public static readonly string[] Identities = ["computer A", "computer B", "partition A1", "partition B1", "owner of A's tree", "another person", "admin", "no certificate"];

    private readonly MtlsMaster _master = new();
    private readonly Dictionary<string, HttpClient> _clients = [];

    public MtlsMaster Master => _master;

    public string ComputerA { get; } = LoopbackMaster.NewComputer();

    public string ComputerB { get; } = LoopbackMaster.NewComputer();

    public string TreeA { get; } = "treeA-" + Guid.NewGuid().ToString("N")[..6];

    public SoftwareInstance A1 { get; private set; } = null!;

    public SoftwareInstance B1 { get; private set; } = null!;

    /// <summary>A shared instance alice requested, hosted by A1.</summary>
    public SoftwareInstance SharedA { get; private set; } = null!;

    /// <summary>Certificates nobody uses, for the revocation calls of the matrix (revoking the clients' own would end the test).</summary>
    public IssuedCertificate SpareComputerA { get; private set; } = null!;

    public IssuedCertificate SparePartitionA1 { get; private set; } = null!;

    public IssuedCertificate SpareAlice { get; private set; } = null!;

    public HttpClient Client(string identity) => _clients[identity];

    public async Task InitializeAsync()
    {
        await _master.InitializeAsync();
        var store = _master.Master;
        foreach (var computer in new[] { ComputerA, ComputerB })
        {
            await store.RegisterComputerAsync(new Computer { Reference = computer }, default);
            await store.FormatComputerAsync(new ComputerFormat(computer, null, null, Partitions(computer)), default);
            await store.SupplyAsync(computer, Release, SupplyState.Available, default);
            await store.ReportSoftwareInstallationAsync(computer, Release, SoftwareInstallationState.Available, null, default);
        }

        A1 = await store.RequestAsync(new InstanceRequest { Title = TreeA, RequesterReference = "alice", SoftwareReleaseUrl = Release, Sla = new Dictionary<string, string> { ["computer_guid"] = ComputerA } }, default);
        B1 = await store.RequestAsync(new InstanceRequest { Title = "treeB", RequesterReference = "bob", SoftwareReleaseUrl = Release, Sla = new Dictionary<string, string> { ["computer_guid"] = ComputerB } }, default);
        SharedA = await store.RequestAsync(new InstanceRequest { Title = "sharedA", RequesterReference = "alice", SoftwareReleaseUrl = Release, Shared = true, Sla = new Dictionary<string, string> { ["computer_guid"] = ComputerA } }, default);
        Assert.Equal(ComputerA, A1.ComputerReference);
        Assert.Equal(ComputerB, B1.ComputerReference);

        SpareComputerA = await _master.IssueAsync(IdentityKind.Computer, ComputerA);
        SparePartitionA1 = await _master.IssueAsync(IdentityKind.Partition, A1.Reference);
        SpareAlice = await _master.IssueAsync(IdentityKind.Person, "alice");
        _clients["computer A"] = _master.Client(await _master.IssueAsync(IdentityKind.Computer, ComputerA));
        _clients["computer B"] = _master.Client(await _master.IssueAsync(IdentityKind.Computer, ComputerB));
        _clients["partition A1"] = _master.Client(await _master.IssueAsync(IdentityKind.Partition, A1.Reference));
        _clients["partition B1"] = _master.Client(await _master.IssueAsync(IdentityKind.Partition, B1.Reference));
        _clients["owner of A's tree"] = _master.Client(await _master.IssueAsync(IdentityKind.Person, "alice"));
        _clients["another person"] = _master.Client(await _master.IssueAsync(IdentityKind.Person, "mallory"));
        _clients["admin"] = _master.Client(await _master.IssueAsync(IdentityKind.Person, "root", admin: true));
        _clients["no certificate"] = _master.Client(null);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await _master.DisposeAsync();
    }

    public static List<ComputerPartition> Partitions(string computer) =>
        Enumerable.Range(0, 2).Select(i => new ComputerPartition
        {
            ComputerReference = computer,
            Reference = "slappart" + i,
            Addresses = [new PartitionAddress("10.77.0." + (10 + i), "255.255.255.255", "slaptap" + i)],
        }).ToList();

    /// <summary>Everything the store holds that an API call could change, as text.</summary>
    public async Task<string> SnapshotAsync()
    {
        var store = _master.Master;
        var computers = new List<object>();
        await foreach (var computer in store.ListComputersAsync(default))
        {
            computers.Add(new
            {
                computer,
                partitions = await store.ListPartitionsAsync(computer.Reference, default),
                installations = await store.ListSoftwareInstallationsAsync(computer.Reference, default),
            });
        }

        var instances = new List<SoftwareInstance>();
        await foreach (var instance in store.ListInstancesAsync(new InstanceQuery(), default))
        {
            instances.Add(instance);
        }

        return JsonSerializer.Serialize(new { computers, instances = instances.OrderBy(i => i.Reference, StringComparer.Ordinal) });
    }

    public static string Marshal(IReadOnlyDictionary<string, string> values) => SlapMarshal.Write(SlapWireObjects.ToDictionary(values));
}
