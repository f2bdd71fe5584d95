namespace SlapOS.Master;

/// <summary>The profile in effect, once the default by security mode is applied.</summary>
public static class SlapOSMasterOptionsCompatibilityExtensions
{
    /// <summary>The profile the master follows.</summary>
    public static CompatibilityProfile EffectiveProfile(this SlapOSMasterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Compatibility.Profile
            ?? CompatibilityProfile.Strict;
    }

    /// <summary>Whether the slapproxy profile is in effect.</summary>
    public static bool IsSlapproxy(this SlapOSMasterOptions options) => options.EffectiveProfile() == CompatibilityProfile.Slapproxy;
}
