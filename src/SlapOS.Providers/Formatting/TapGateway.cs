using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace SlapOS.Providers.Formatting;

/// <summary>
/// The IPv4 network the taps take routable addresses from (slapformat's <c>tap_gateway_interface</c>): the first IPv4
/// address of an interface of the host and its network. Tap <c>N</c> gets the N-th host address of that network that is
/// neither the network address, the broadcast address nor the gateway's own; the gateway is the interface's address.
/// </summary>
internal sealed class TapGateway
{
    private readonly uint _network;
    private readonly uint _gateway;
    private readonly int _prefixLength;

    private TapGateway(string interfaceName, IPAddress gateway, int prefixLength)
    {
        Interface = interfaceName;
        _gateway = BinaryPrimitives.ReadUInt32BigEndian(gateway.GetAddressBytes());
        _prefixLength = prefixLength;
        _network = prefixLength == 0 ? 0 : _gateway & (uint.MaxValue << (32 - prefixLength));
    }

    public string Interface { get; }

    /// <summary>How many taps the network can address.</summary>
    public long Capacity => Math.Max(0, (1L << (32 - _prefixLength)) - 3);

    /// <summary>Reads the first IPv4 address of <paramref name="interfaceName"/>; a missing interface or address is a clear error.</summary>
    public static async Task<TapGateway> ReadAsync(string interfaceName, CancellationToken cancellationToken)
    {
        var (code, output, error) = await HostCommands.QueryAsync("ip", ["-j", "-4", "addr", "show", "dev", interfaceName], cancellationToken);
        if (code != 0)
        {
            throw new SlapValidationException("tap_gateway_interface", $"the interface '{interfaceName}' cannot be read: {error.Trim()}");
        }

        using var document = JsonDocument.Parse(output);
        foreach (var link in document.RootElement.EnumerateArray())
        {
            foreach (var address in link.GetProperty("addr_info").EnumerateArray())
            {
                if (address.GetProperty("family").GetString() == "inet" && address.GetProperty("prefixlen").GetInt32() <= 30)
                {
                    return new TapGateway(interfaceName, IPAddress.Parse(address.GetProperty("local").GetString()!), address.GetProperty("prefixlen").GetInt32());
                }
            }
        }

        throw new SlapValidationException("tap_gateway_interface", $"the interface '{interfaceName}' has no IPv4 network (/30 or larger) to give the taps addresses from");
    }

    /// <summary>What tap <paramref name="index"/> is recorded with: its address, the gateway, the netmask and the network.</summary>
    public PartitionTap For(string tapName, int index)
    {
        if (index >= Capacity)
        {
            throw new SlapValidationException("tap_gateway_interface", string.Create(CultureInfo.InvariantCulture, $"the network of '{Interface}' has addresses for {Capacity} taps, not {index + 1}"));
        }

        // Host addresses start after the network address; the gateway's own is skipped.
        var host = _network + 1 + (uint)index;
        if (host >= _gateway)
        {
            host++;
        }

        var netmask = _prefixLength == 0 ? 0 : uint.MaxValue << (32 - _prefixLength);
        return new PartitionTap(tapName, Format(host), Format(_gateway), Format(netmask), Format(_network));
    }

    private static string Format(uint address)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return new IPAddress(bytes).ToString();
    }
}
