using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Managers;

/// <summary>Checks <see cref="FirewallManagerOptions"/> at start-up.</summary>
internal sealed class FirewallManagerOptionsValidator : IValidateOptions<FirewallManagerOptions>
{
    public ValidateOptionsResult Validate(string? name, FirewallManagerOptions options) =>
        NftablesTable.IsIdentifier(options.TableName)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{FirewallManagerOptions.SectionName}:TableName must be an nftables name of letters, digits and '_' starting with a letter (got '{options.TableName}').");
}
