namespace SlapOS.Slave.Tests.Hostile;

/// <summary>One request the node sent to <see cref="LoopbackMaster"/>: its endpoint (no leading slash), query and body.</summary>
internal sealed record LoopbackRequest(string Method, string Endpoint, string Query, string Body);
