using System.ComponentModel.DataAnnotations;

namespace SlapOS.Master;

/// <summary>Options of the master, bound from <c>SlapOS:Master</c> and validated at start-up.</summary>
public sealed class SlapOSMasterOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Master";

    /// <summary>How callers are authenticated.</summary>
    [Required]
    public SlapOSMasterSecurityOptions Security { get; set; } = new();

    /// <summary>Whether the store's schema is created or upgraded at start-up.</summary>
    public bool AutoMigrate { get; set; } = true;

    /// <summary>Which master's behaviour the API follows where slapproxy and the production master differ.</summary>
    [Required]
    public SlapOSMasterCompatibilityOptions Compatibility { get; set; } = new();
}
