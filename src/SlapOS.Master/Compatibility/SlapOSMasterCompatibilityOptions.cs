namespace SlapOS.Master;

/// <summary>Compatibility options of the master (<c>SlapOS:Master:Compatibility</c>).</summary>
public sealed class SlapOSMasterCompatibilityOptions
{
    /// <summary>
    /// The profile; unset means <see cref="CompatibilityProfile.Strict"/>. The slapproxy profile is opted into, in the
    /// insecure loopback mode only. Mutual TLS refuses the slapproxy profile: its refusals are part of its authorization.
    /// </summary>
    public CompatibilityProfile? Profile { get; set; }

    /// <summary>slapproxy's configured computer: requests without <c>computer_guid</c> go to it (slapproxy profile only).</summary>
    public string DefaultComputer { get; set; } = "computer";
}
