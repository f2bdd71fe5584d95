namespace SlapOS.Providers.Managers;

/// <summary>Options of the device permission manager, bound from <c>SlapOS:Slave:Managers:Devperm</c>.</summary>
public sealed class DevpermManagerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave:Managers:Devperm";

    /// <summary>
    /// The devices partitions may ask for (slapgrid's <c>allowed-disk-for-vm</c>), absolute paths under <c>/dev</c>;
    /// links are followed on both sides. Required: a partition never gets a device the operator did not list.
    /// </summary>
    public IList<string> AllowedDevices { get; } = [];

    /// <summary>The group a device is given with, and kept when it is taken back (slapgrid: <c>disk</c>).</summary>
    public string Group { get; set; } = "disk";
}
