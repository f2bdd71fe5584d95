using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Formatting;
using SlapOS.Providers.Supervision;

namespace SlapOS.Providers.Tests.Formatting;

/// <summary>
/// Unique names (users, bridge, taps, address ranges) for one test class instance of the root
/// formatter, and the clean-up that removes everything formatting created. These tests need root:
/// CI runs as root, and elsewhere they fail with a clear message rather than pass untested.
/// </summary>
internal sealed class RootNode
{
    private readonly string id = SlapOS.Tests.TestRun.UniqueId();

    public RootNode()
    {
        var bytes = Guid.NewGuid().ToByteArray();
        Ipv4Range = $"10.{200 + (bytes[0] % 50)}.{bytes[1]}.0/24";
        Ipv6Prefix = $"fd6a:5a9f:{bytes[2]:x2}{bytes[3]:x2}:{bytes[4]:x2}{bytes[5]:x2}::/64";
    }

    public string UserPrefix => $"sl{id}u";

    public string Bridge => $"sb{id}";

    public string TapPrefix => $"st{id}t";

    public string Ipv4Range { get; }

    public string Ipv6Prefix { get; }

    public static void RequireRoot() =>
        Assert.True(PosixProcess.IsRoot, "The root formatter tests create users, bridges and addresses: run them as root (CI does).");

    public LinuxFormatterOptions Options(bool tap = true, bool dryRun = false, string? tapGateway = null) => new()
    {
        UserPrefix = UserPrefix,
        Interface = Bridge,
        CreateBridge = true,
        Ipv4Range = Ipv4Range,
        Ipv6Prefix = Ipv6Prefix,
        CreateTap = tap,
        TapPrefix = TapPrefix,
        DryRun = dryRun,
        TapGatewayInterface = tapGateway,
    };

    public LinuxFormatter Create(bool tap = true, bool dryRun = false, ILogger<LinuxFormatter>? logger = null, string? tapGateway = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(tap, dryRun, tapGateway)), logger ?? NullLogger<LinuxFormatter>.Instance);

    /// <summary>Removes the users, groups, taps, addresses and bridge of this node.</summary>
    public async Task CleanupAsync(string instanceRoot)
    {
        if (!PosixProcess.IsRoot)
        {
            return;
        }

        await Create().UnformatAsync(new PartitionLayout { ComputerReference = "COMP-TEST", InstanceRoot = instanceRoot }, CancellationToken.None);
    }
}
