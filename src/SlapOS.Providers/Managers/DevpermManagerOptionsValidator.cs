using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Managers;

/// <summary>Checks <see cref="DevpermManagerOptions"/> at start-up.</summary>
internal sealed class DevpermManagerOptionsValidator : IValidateOptions<DevpermManagerOptions>
{
    public ValidateOptionsResult Validate(string? name, DevpermManagerOptions options)
    {
        var failures = new List<string>();
        var section = DevpermManagerOptions.SectionName;
        if (options.AllowedDevices.Count == 0)
        {
            failures.Add($"{section}:AllowedDevices must list the devices partitions may ask for (such as /dev/vdb): with none, the manager would give nothing.");
        }

        foreach (var device in options.AllowedDevices)
        {
            if (!device.StartsWith("/dev/", StringComparison.Ordinal) || device.Split('/').Any(s => s is ".." or "."))
            {
                failures.Add($"{section}:AllowedDevices entries must be absolute paths under /dev (got '{device}').");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Group))
        {
            failures.Add($"{section}:Group must name a group, such as disk.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
