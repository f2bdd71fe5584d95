using System.Net;

namespace SlapOS.Providers.Managers;

/// <summary>One redirection a partition asked for in <c>.slapos-port-redirect</c>, checked.</summary>
/// <param name="Protocol"><c>tcp</c> or <c>udp</c>.</param>
/// <param name="SourcePort">The host port.</param>
/// <param name="SourceAddress">The host address, or <see langword="null"/> for every address of the node.</param>
/// <param name="DestinationPort">The partition's port.</param>
/// <param name="DestinationAddress">The partition's address.</param>
internal sealed record PortRedirection(string Protocol, int SourcePort, IPAddress? SourceAddress, int DestinationPort, IPAddress DestinationAddress);
