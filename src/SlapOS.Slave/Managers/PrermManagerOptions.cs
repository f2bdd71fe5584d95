using System.ComponentModel.DataAnnotations;

namespace SlapOS.Slave.Managers;

/// <summary>Options of the pre-destroy script manager, bound from <c>SlapOS:Slave:Managers:Prerm</c>.</summary>
public sealed class PrermManagerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave:Managers:Prerm";

    /// <summary>How long one script of <c>etc/prerm</c> may run before it is killed and counted as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
}
