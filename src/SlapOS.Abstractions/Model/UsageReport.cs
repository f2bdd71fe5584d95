namespace SlapOS;

/// <summary>One usage document per computer: what each of its partitions used.</summary>
/// <param name="ComputerReference">The computer that measured.</param>
/// <param name="Records">One record per partition.</param>
public sealed record UsageReport(string ComputerReference, IReadOnlyList<UsageRecord> Records);
