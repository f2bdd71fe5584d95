namespace SlapOS.Master.Portal;

/// <summary>What a usage chart draws from the records the nodes reported.</summary>
internal enum UsageMetric
{
    /// <summary>CPU seconds summed per bucket.</summary>
    Cpu,

    /// <summary>Resident memory per bucket: each partition's peak in the bucket, summed over partitions.</summary>
    Memory,

    /// <summary>Disk used per bucket: each partition's largest report in the bucket, summed over partitions.</summary>
    Disk,
}
