using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SlapOS.Integration.Tests.Node;
using SlapOS.Integration.Tests.ScaleOut;
using SlapOS.Tests;
using Xunit.Abstractions;

namespace SlapOS.Integration.Tests.Samples;

/// <summary>
/// The node host sample as root, configured from the command line (<c>SlaveHost:*</c>) with the Linux formatter, the
/// nftables port redirection manager and the firewall manager: it converges a partition whose parameters ask for a
/// host port forwarded to its service and an outgoing allow-list. The rules are really in the node's nftables tables
/// (<c>nft list table</c>), do what they say, and are gone once the instance is destroyed. Names (users, bridge,
/// tables) are unique to the test and removed afterwards.
/// </summary>
public sealed class SlaveHostManagersTests(ITestOutputHelper output)
{
    private const string Computer = "COMP-NODE-MANAGERS";
    private const int MasterPort = 47602;
    private const int HealthPort = 47603;
    private const int ForwardedPort = 47650;
    private const int ServicePort = 47651;
    private const int ProbePort = 47652;

    // The release: a python3 HTTP service on the partition's IPv4; the request files of the two managers are written
    // from the instance's parameters (forward: the host port, allow: a network the partition may reach).
    private const string InstanceProfile = """
        [buildout]
        parts =
          service
          port-redirect
          whitelist-firewall
          publish

        [slap-configuration]
        recipe = slapconfiguration
        configuration.port = 8080
        configuration.forward = 0
        configuration.allow = 192.0.2.0/24

        [directory]
        recipe = mkdirectory
        bin = ${buildout:directory}/bin
        service = ${buildout:directory}/etc/service
        mode = 0750

        [script]
        recipe = template
        output = ${directory:bin}/hello
        mode = 0750
        inline =
          import http.server
          class Handler(http.server.BaseHTTPRequestHandler):
              def do_GET(self):
                  self.send_response(200); self.send_header("Content-Length", "6"); self.end_headers(); self.wfile.write(b"hello\n")
          http.server.HTTPServer(({{ slap_configuration.ipv4_random | json }}, int({{ slap_configuration.configuration_port | json }})), Handler).serve_forever()

        [service]
        recipe = wrapper
        command-line = python3 ${script:output}
        wrapper-path = ${directory:service}/hello

        [port-redirect]
        recipe = template
        output = ${buildout:directory}/.slapos-port-redirect
        inline =
          [{"srcPort": {{ slap_configuration.configuration_forward | json }}, "destPort": {{ slap_configuration.configuration_port | json }}, "destAddress": {{ slap_configuration.ipv4_random | json }}}]

        [whitelist-firewall]
        recipe = template
        output = ${buildout:directory}/.slapos-whitelist-firewall
        inline =
          [{{ slap_configuration.ipv4_random | json }}, {{ slap_configuration.configuration_allow | json }}]

        [publish]
        recipe = publish
        url = http://${slap-configuration:ipv4-random}:${slap-configuration:configuration.port}/
        """;

    private readonly string _id = SlapOS.Tests.TestRun.UniqueId();

    private string UserPrefix => $"se{_id}u";

    private string Bridge => $"se{_id}br";

    private string PortRedirectTable => $"sb{_id}pr";

    private string FirewallTable => $"sb{_id}fw";

    [Fact]
    public async Task The_node_forwards_the_port_and_firewalls_the_partition_its_parameters_ask_for_and_destroy_removes_the_rules()
    {
        Assert.True(Environment.IsPrivilegedProcess, "This test makes Unix users, a bridge and nftables tables: run it as root (CI does).");
        var directory = Directory.CreateTempSubdirectory("slapos-node-managers-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101); // partition users reach the release and their partition
        var release = Path.Combine(directory, "release", "software.cfg");
        Directory.CreateDirectory(Path.GetDirectoryName(release)!);
        await File.WriteAllTextAsync(release, "[buildout]\nparts =\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "release", "instance.cfg"), InstanceProfile);
        Process? node = null;
        try
        {
            await using var master = await SharedStoreMaster.StartAsync(m => m.UseSqlite(Path.Combine(directory, "master.db")), MasterPort);
            node = StartNode(directory, master.Url);
            await WaitForAsync(node, "the node formatted its partition", async () =>
            {
                try
                {
                    return (await master.Slap.ListPartitionsAsync(Computer, default)).Count == 1;
                }
                catch (SlapNotFoundException)
                {
                    return false; // the computer is not formatted yet
                }
            });
            Assert.False(Exists(PortRedirectTable));
            Assert.False(Exists(FirewallTable));

            await master.Slap.SupplyAsync(Computer, release, SupplyState.Available, default);
            var request = new InstanceRequest
            {
                Title = "managed",
                SoftwareReleaseUrl = release,
                State = RequestedState.Started,
                Parameters = new Dictionary<string, string>
                {
                    ["port"] = ServicePort.ToString(CultureInfo.InvariantCulture),
                    ["forward"] = ForwardedPort.ToString(CultureInfo.InvariantCulture),
                    ["allow"] = "192.0.2.0/24",
                },
            };
            var reference = (await master.Slap.RequestAsync(request, default)).PartitionReference!;
            var partition = (await master.Slap.ListPartitionsAsync(Computer, default)).Single(p => p.Reference == reference);
            var ipv4 = partition.Addresses.Select(a => a.Address).Single(a => a.Contains('.', StringComparison.Ordinal));
            var uid = HostCommand.Run("id", "-u", UserPrefix + reference["slappart".Length..]).Trim();

            // Converged: the partition's chains are in the node's tables, reached from the base chains.
            await WaitForAsync(node, "the nftables rules", () => Task.FromResult(Exists(PortRedirectTable) && Exists(FirewallTable) && Table(FirewallTable).Contains("jump", StringComparison.Ordinal)));
            var redirect = Table(PortRedirectTable);
            Assert.Contains($"chain portredir_{reference}", redirect, StringComparison.Ordinal);
            Assert.Contains($"tcp dport {ForwardedPort} dnat ip to {ipv4}:{ServicePort}", redirect, StringComparison.Ordinal);
            var firewall = Table(FirewallTable);
            Assert.Contains($"meta skuid {uid} jump firewall_{reference}", firewall, StringComparison.Ordinal);
            Assert.Contains("192.0.2.0/24", firewall, StringComparison.Ordinal);
            Assert.Contains(ipv4, firewall, StringComparison.Ordinal);

            // And they act: the host port reaches the partition's service; the partition user cannot reach a loopback
            // server outside its allow-list that root reaches.
            using (var http = new HttpClient())
            {
                await WaitForAsync(node, "the service through the forwarded port", async () =>
                {
                    try
                    {
                        return (await http.GetStringAsync(new Uri($"http://{ipv4}:{ForwardedPort}/"))).Trim() == "hello";
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                });
            }

            var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, ProbePort);
            probe.Start();
            try
            {
                Assert.Equal("connected", Connect("0", ProbePort));
                Assert.Equal("ConnectionRefusedError", Connect(uid, ProbePort));
            }
            finally
            {
                probe.Stop();
            }

            // Destroyed: the partition is freed and both tables are gone (it was their only partition).
            await master.Slap.RequestAsync(request with { State = RequestedState.Destroyed }, default);
            await WaitForAsync(node, "the partition destroyed and freed", async () =>
                (await master.Slap.ListPartitionsAsync(Computer, default)).Single(p => p.Reference == reference).State == PartitionState.Free);
            Assert.False(Exists(PortRedirectTable), Table(PortRedirectTable));
            Assert.False(Exists(FirewallTable), Table(FirewallTable));
        }
        finally
        {
            await SlaveHostProgram.StopAsync(node);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var table in new[] { PortRedirectTable, FirewallTable }.Where(Exists))
            {
                HostCommand.TryRun("nft", "delete", "table", "inet", table);
            }

            HostCommand.TryRun("ip", "link", "del", "dev", Bridge);
            RootHost.RemoveUsersAndGroups(UserPrefix);

            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_sample_host_refuses_to_start_a_firewall_without_partition_users()
    {
        var directory = Directory.CreateTempSubdirectory("slapos-node-managers-").FullName;
        var lines = new ConcurrentQueue<string>();
        Process? node = null;
        try
        {
            node = SlaveHostProgram.Start(output, directory,
            [
                "--urls", $"http://127.0.0.1:{HealthPort}", $"--SlapOS:Slave:ComputerReference={Computer}",
                $"--SlapOS:Slave:MasterUrl=http://127.0.0.1:{MasterPort}", $"--SlapOS:Slave:InstanceRoot={Path.Combine(directory, "srv")}",
                $"--SlapOS:Slave:SoftwareRoot={Path.Combine(directory, "opt")}", "--SlaveHost:Managers:Firewall=true",
            ], lines);

            // A bound on the test, not a timing assertion: the host checks its options before it starts anything.
            using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await node.WaitForExitAsync(bound.Token);
            node.WaitForExit(); // the last output lines

            Assert.Equal(2, node.ExitCode);
            Assert.Contains(lines, l => l.Contains("SlaveHost:Managers:Firewall tells partitions apart by their users", StringComparison.Ordinal));
            Assert.False(Directory.Exists(Path.Combine(directory, "srv")));
        }
        finally
        {
            await SlaveHostProgram.StopAsync(node);
            Directory.Delete(directory, recursive: true);
        }
    }

    private Process StartNode(string directory, Uri master)
    {
        var bytes = Guid.NewGuid().ToByteArray();
        return SlaveHostProgram.Start(output, directory,
        [
            "--urls", $"http://127.0.0.1:{HealthPort}",
            $"--SlapOS:Slave:ComputerReference={Computer}", $"--SlapOS:Slave:MasterUrl={master}",
            $"--SlapOS:Slave:InstanceRoot={Path.Combine(directory, "srv")}", $"--SlapOS:Slave:SoftwareRoot={Path.Combine(directory, "opt")}",
            "--SlapOS:Slave:PartitionAmount=1", "--SlapOS:Slave:InstanceInterval=00:00:01", "--SlapOS:Slave:SoftwareInterval=00:00:01",
            "--SlapOS:Slave:ReportInterval=00:00:01", "--SlapOS:Slave:MaximumOfflineBackoff=00:00:01",
            $"--SlapOS:Slave:NativeSupervisor:StateDirectory={Path.Combine(directory, "supervisor")}",
            "--SlaveHost:Formatter=Linux", "--SlapOS:Slave:RunAsPartitionUser=true", $"--SlapOS:Slave:PartitionUserPrefix={UserPrefix}",
            $"--SlapOS:Slave:LinuxFormatter:Interface={Bridge}",
            $"--SlapOS:Slave:LinuxFormatter:Ipv4Range=10.{200 + (bytes[0] % 50)}.{bytes[1]}.0/24",
            $"--SlapOS:Slave:LinuxFormatter:Ipv6Prefix=fd6a:5a9f:{bytes[2]:x}{bytes[3]:x2}:{bytes[4]:x}{bytes[5]:x2}::/64",
            "--SlaveHost:Managers:PortRedirect=Nftables", $"--SlapOS:Slave:Managers:PortRedirect:TableName={PortRedirectTable}",
            "--SlaveHost:Managers:Firewall=true", $"--SlapOS:Slave:Managers:Firewall:TableName={FirewallTable}",
        ]);
    }

    /// <summary>Polls <paramref name="condition"/>, failing if the node exits first.</summary>
    private static async Task WaitForAsync(Process node, string what, Func<Task<bool>> condition)
    {
        // A bound on the test, not a timing assertion: with 1 s intervals the node converges within seconds.
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            Assert.False(node.HasExited, $"the node host exited while waiting for {what}");
            if (await condition())
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"never reached: {what}");
    }

    private static bool Exists(string table) => HostCommand.TryRun("nft", "list", "table", "inet", table).Code == 0;

    private static string Table(string table) => HostCommand.TryRun("nft", "list", "table", "inet", table).Output;

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> as <paramref name="uid"/>: <c>connected</c>, or the Python error's name.</summary>
    private static string Connect(string uid, int port) => HostCommand.Run(
        "setpriv", $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "/usr/bin/python3", "-c",
        "import socket, sys\ntry:\n    socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10); print('connected')\nexcept Exception as e:\n    print(type(e).__name__)",
        port.ToString(CultureInfo.InvariantCulture)).Trim();
}
