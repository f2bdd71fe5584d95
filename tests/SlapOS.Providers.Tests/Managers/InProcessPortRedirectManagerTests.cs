using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Managers;

namespace SlapOS.Providers.Tests.Managers;

/// <summary>The in-process port forwarder for unprivileged nodes, with real sockets on loopback.</summary>
public sealed class InProcessPortRedirectManagerTests : IAsyncDisposable
{
    private const int ServicePort = 47831;
    private readonly string _root = Directory.CreateTempSubdirectory("m19-forwarder-").FullName;
    private readonly InProcessPortRedirectManager _manager = Manager();

    public async ValueTask DisposeAsync()
    {
        await _manager.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_forwarded_port_reaches_the_partition_service_follows_the_file_and_stops_at_destruction()
    {
        var service = new TcpListener(IPAddress.Loopback, ServicePort);
        service.Start();
        using var stop = new CancellationTokenSource();
        var serving = EchoAsync(service, stop.Token);
        try
        {
            INodeManager manager = _manager;
            var partition = Partition("slappart0");
            Request(partition, new { srcPort = 47830, srcAddress = "127.0.0.1", destPort = ServicePort, destAddress = "127.0.0.1" });

            await manager.AfterInstanceAsync(partition, CancellationToken.None);
            await manager.AfterInstanceAsync(partition, CancellationToken.None);
            Assert.Equal(1, _manager.ForwarderCount);

            Assert.Equal("partition got: hello", await ExchangeAsync(47830, "hello"));

            Request(partition, new { srcPort = "47832", srcAddress = "127.0.0.1", destPort = ServicePort, destAddress = "127.0.0.1" });
            await manager.AfterInstanceAsync(partition, CancellationToken.None);

            await Assert.ThrowsAsync<SocketException>(() => ExchangeAsync(47830, "hello"));
            Assert.Equal("partition got: again", await ExchangeAsync(47832, "again"));

            await manager.BeforeDestroyAsync(partition, CancellationToken.None);
            await manager.AfterDestroyAsync(partition, CancellationToken.None);

            await Assert.ThrowsAsync<SocketException>(() => ExchangeAsync(47832, "hello"));
            Assert.Equal(0, _manager.ForwarderCount);
        }
        finally
        {
            await stop.CancelAsync();
            service.Stop();
            await serving;
        }
    }

    [Fact]
    public async Task Udp_a_taken_port_and_a_port_below_the_minimum_are_refused_and_the_rest_is_forwarded()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 47833);
        taken.Start();
        var partition = Partition("slappart1");
        Request(
            partition,
            new { srcPort = 47834, srcAddress = "127.0.0.1", destPort = ServicePort, destAddress = "127.0.0.1", type = "udp" },
            new { srcPort = 47833, srcAddress = "127.0.0.1", destPort = ServicePort, destAddress = "127.0.0.1" },
            new { srcPort = 80, destPort = ServicePort, destAddress = "127.0.0.1" },
            new { srcPort = 47835, srcAddress = "127.0.0.1", destPort = ServicePort, destAddress = "127.0.0.1" });

        var error = await Assert.ThrowsAsync<NodeManagerException>(() => _manager.AfterInstanceAsync(partition, CancellationToken.None));

        Assert.Contains("TCP only (udp port 47834)", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot listen on 127.0.0.1:47833", error.Message, StringComparison.Ordinal);
        Assert.Contains("host port 80 is outside", error.Message, StringComparison.Ordinal);
        using var forwarded = new TcpClient();
        await forwarded.ConnectAsync(IPAddress.Loopback, 47835);
        Assert.Equal(1, _manager.ForwarderCount);
        await _manager.AfterDestroyAsync(partition, CancellationToken.None);
        Assert.Equal(0, _manager.ForwarderCount);
    }

    internal static InProcessPortRedirectManager Manager() =>
        new(Options.Create(new PortRedirectManagerOptions()), NullLogger<InProcessPortRedirectManager>.Instance);

    private static async Task EchoAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken);
                var stream = client.GetStream();
                var received = await new StreamReader(stream).ReadToEndAsync(cancellationToken);
                await stream.WriteAsync(Encoding.ASCII.GetBytes("partition got: " + received), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Sends <paramref name="message"/>, half-closes, and reads the answer to the end.</summary>
    private static async Task<string> ExchangeAsync(int port, string message)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(message));
        client.Client.Shutdown(SocketShutdown.Send);
        return await new StreamReader(stream).ReadToEndAsync();
    }

    private static void Request(NodeManagerPartition partition, params object[] redirections) =>
        File.WriteAllText(Path.Combine(partition.PartitionPath, PortRedirectManager.PortRedirectFile), JsonSerializer.Serialize(redirections));

    private NodeManagerPartition Partition(string reference)
    {
        var path = Path.Combine(_root, reference);
        Directory.CreateDirectory(path);
        return new NodeManagerPartition { ComputerReference = "COMP-M19", PartitionReference = reference, PartitionPath = path };
    }
}
