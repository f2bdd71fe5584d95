using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Managers;

/// <summary>Checks <see cref="CgroupManagerOptions"/> at start-up.</summary>
internal sealed partial class CgroupManagerOptionsValidator : IValidateOptions<CgroupManagerOptions>
{
    /// <summary>The smallest memory limit accepted: below it even a shell is killed at start.</summary>
    public const long MinimumMemoryBytes = 4L * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, CgroupManagerOptions options)
    {
        var failures = new List<string>();
        var section = CgroupManagerOptions.SectionName;
        if (!NamePattern().IsMatch(options.Name ?? string.Empty))
        {
            failures.Add($"{section}:Name must be 1 to 64 letters, digits, '.', '_' or '-' (got '{options.Name}').");
        }

        if (options.Parent is { } parent && (!parent.StartsWith('/') || parent.Split('/').Any(s => s is ".." or ".")))
        {
            failures.Add($"{section}:Parent must be an absolute path inside the cgroup hierarchy, such as / or /slapos.slice (got '{parent}').");
        }

        Check($"{section}:Defaults", options.Defaults);
        foreach (var (partition, limits) in options.Partitions)
        {
            Check($"{section}:Partitions:{partition}", limits);
        }

        if (options.ExclusiveCpus is not null && (!CpuList.TryParse(options.ExclusiveCpus, out var cpus) || cpus.Count == 0))
        {
            failures.Add($"{section}:ExclusiveCpus must be a cpu list such as 2-3,6 (got '{options.ExclusiveCpus}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(string key, CgroupLimits? limits)
        {
            if (limits is null)
            {
                return;
            }

            if (limits.MemoryLimitBytes is < MinimumMemoryBytes)
            {
                failures.Add($"{key}:MemoryLimitBytes must be at least {MinimumMemoryBytes} bytes (got {limits.MemoryLimitBytes}).");
            }

            if (limits.PidsLimit is < 1)
            {
                failures.Add($"{key}:PidsLimit must be at least 1 (got {limits.PidsLimit}).");
            }

            if (limits.CpuWeight is < 1 or > 10_000)
            {
                failures.Add($"{key}:CpuWeight must be from 1 to 10000 (got {limits.CpuWeight}).");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();
}
