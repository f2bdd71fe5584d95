using Microsoft.Extensions.Options;

namespace SlapOS.Master.Compatibility;

/// <summary>Checks the compatibility profile against the security mode at start-up.</summary>
internal sealed class SlapOSMasterCompatibilityOptionsValidator : IValidateOptions<SlapOSMasterOptions>
{
    public ValidateOptionsResult Validate(string? name, SlapOSMasterOptions options)
    {
        var failures = new List<string>();
        if (options.Compatibility.Profile == CompatibilityProfile.Slapproxy && options.Security.Mode == SlapOSSecurityMode.MutualTls)
        {
            failures.Add($"{SlapOSMasterOptions.SectionName}:Compatibility:Profile=Slapproxy needs Security:Mode=InsecureLoopback: mutual TLS keeps the production master's refusals.");
        }

        if (!IsReference(options.Compatibility.DefaultComputer))
        {
            failures.Add($"{SlapOSMasterOptions.SectionName}:Compatibility:DefaultComputer is not a valid computer reference (got '{options.Compatibility.DefaultComputer}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsReference(string? value)
    {
        try
        {
            SlapReference.Validate(value, "DefaultComputer");
            return true;
        }
        catch (SlapValidationException)
        {
            return false;
        }
    }
}
