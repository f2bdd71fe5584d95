namespace SlapOS.Providers.Tests.Accounting;

/// <summary>What a sink kept of one usage record, in comparable form.</summary>
public sealed record RecordedUsage(string Computer, string Partition, double CpuSeconds, long MemoryBytes, long DiskBytes);
