using SlapOS.Integration.Tests.Api;
using SlapOS.Integration.Tests.Identity;

namespace SlapOS.Integration.Tests.Federation;

/// <summary>
/// Two of our masters on loopback with real HTTP: B in mutual TLS (its own CA, SQLite, one computer with
/// partitions) and A, which forwards to B by SLA <c>master_url</c>, by its release list and by a custom
/// region rule, presenting a certificate B issued to the person <see cref="Identity"/> and trusting only B's CA.
/// </summary>
public sealed class FederatedMasters : IAsyncLifetime
{
    public const string ListedRelease = "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/federated/software.cfg";
    public const string Identity = "PERSON-MASTER-A";
    public const string Computer = "COMP-FED-B";
    public const int Partitions = 12;

    /// <summary>The region the sample's region forwarding rule (samples/SlapOS.Samples.AllocationPolicy) sends to B.</summary>
    public const string Region = "eu-b";

    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-federation-").FullName;

    public MtlsMaster B { get; } = new();

    public ForwardingMaster A { get; private set; } = null!;

    /// <summary>A's settings for B (its URL, A's certificate and key there, B's CA, the listed release).</summary>
    public IReadOnlyDictionary<string, string> SettingsForB { get; private set; } = null!;

    /// <summary>B's URL as A's configuration names it.</summary>
    public string BUrl => B.Url.ToString();

    public async Task InitializeAsync()
    {
        await B.InitializeAsync();

        // B's computer is in the region an integrator's rule on A sends there.
        await B.Master.RegisterComputerAsync(new Computer { Reference = Computer, Attributes = new Dictionary<string, string> { [SlapOS.Computer.RegionAttribute] = Region } }, default);
        await B.Master.FormatComputerAsync(new ComputerFormat(
            Computer,
            "10.89.0.1",
            "255.255.255.0",
            [.. Enumerable.Range(0, Partitions).Select(i => new ComputerPartition
            {
                ComputerReference = Computer,
                Reference = "slappart" + i,
                Addresses = [new PartitionAddress("10.89.0." + (10 + i), "255.255.255.255", "slaptap" + i)],
            })]), default);

        var identity = await B.IssueAsync(IdentityKind.Person, Identity);
        var certificate = Path.Combine(_directory, "a-on-b.crt");
        var key = Path.Combine(_directory, "a-on-b.key");
        await File.WriteAllTextAsync(certificate, identity.CertificatePem);
        await File.WriteAllTextAsync(key, identity.PrivateKeyPem);

        SettingsForB = new Dictionary<string, string>
            {
                ["SlapOS:Master:Federation:Masters:b:Url"] = BUrl,
                ["SlapOS:Master:Federation:Masters:b:CertificateFile"] = certificate,
                ["SlapOS:Master:Federation:Masters:b:KeyFile"] = key,
                ["SlapOS:Master:Federation:Masters:b:CaCertificateFile"] = B.CaFile,
                ["SlapOS:Master:Federation:Masters:b:SoftwareReleases:0"] = ListedRelease,
                ["SlapOS:Master:Federation:Masters:b:MaxRetries"] = "1",
                ["SlapOS:Master:Federation:RefreshInterval"] = "00:00:00",
            };
        A = new ForwardingMaster(SettingsForB, m => m.AddRegionForwarding(o => o.Masters[Region] = BUrl));
        await A.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The instance A's identity requested on B under <paramref name="title"/>, or null.</summary>
    public Task<SoftwareInstance?> OnBAsync(string title) => B.Master.FindInstanceAsync(Identity, title, default);

    /// <summary>Every instance A's identity has on B.</summary>
    public async Task<List<SoftwareInstance>> AllOnBAsync()
    {
        var all = new List<SoftwareInstance>();
        await foreach (var instance in B.Master.ListInstancesAsync(new InstanceQuery { RequesterReference = Identity }, default))
        {
            all.Add(instance);
        }

        return all;
    }
}
