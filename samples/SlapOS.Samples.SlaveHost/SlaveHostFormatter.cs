namespace SlapOS.Samples.SlaveHost;

/// <summary>The partition formatter of the sample node (<c>SlaveHost:Formatter</c>).</summary>
internal enum SlaveHostFormatter
{
    /// <summary>Directories and loopback addresses, no root (<c>UseUnprivilegedFormatter</c>).</summary>
    Unprivileged,

    /// <summary>Unix users and addresses on an interface, as root (<c>UseLinuxFormatter</c>, <c>SlapOS:Slave:LinuxFormatter:*</c>).</summary>
    Linux,
}
