using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Managers;

/// <summary>Checks <see cref="PortRedirectManagerOptions"/> at start-up.</summary>
internal sealed class PortRedirectManagerOptionsValidator : IValidateOptions<PortRedirectManagerOptions>
{
    public ValidateOptionsResult Validate(string? name, PortRedirectManagerOptions options)
    {
        var failures = new List<string>();
        var section = PortRedirectManagerOptions.SectionName;
        if (!NftablesTable.IsIdentifier(options.TableName))
        {
            failures.Add($"{section}:TableName must be an nftables name of letters, digits and '_' starting with a letter (got '{options.TableName}').");
        }

        if (options.MinimumSourcePort is < 1 or > 65535 || options.MaximumSourcePort is < 1 or > 65535 || options.MinimumSourcePort > options.MaximumSourcePort)
        {
            failures.Add($"{section}:MinimumSourcePort and MaximumSourcePort must be ports (1-65535), the minimum not above the maximum (got {options.MinimumSourcePort}-{options.MaximumSourcePort}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
