using System.ComponentModel.DataAnnotations;

namespace SlapOS.Slave;

/// <summary>Options of a node, bound from <c>SlapOS:Slave</c> and validated at start-up.</summary>
public sealed class SlapOSSlaveOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave";

    /// <summary>This computer's reference on the master.</summary>
    [Required]
    public string ComputerReference { get; set; } = string.Empty;

    /// <summary>The master's URL.</summary>
    [Required]
    [Url]
    public string MasterUrl { get; set; } = string.Empty;

    /// <summary>Where partitions live.</summary>
    [Required]
    public string InstanceRoot { get; set; } = "/srv/slapgrid";

    /// <summary>Where releases are installed.</summary>
    [Required]
    public string SoftwareRoot { get; set; } = "/opt/slapgrid";

    /// <summary>How many partitions <c>format</c> ensures.</summary>
    [Range(1, 10_000)]
    public int PartitionAmount { get; set; } = 10;
}
