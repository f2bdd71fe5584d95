using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Supervision;

/// <summary>Checks <see cref="NativeSupervisorOptions"/> at start-up so bad configuration fails early.</summary>
internal sealed class NativeSupervisorOptionsValidator : IValidateOptions<NativeSupervisorOptions>
{
    public ValidateOptionsResult Validate(string? name, NativeSupervisorOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.StateDirectory) || !Path.IsPathFullyQualified(options.StateDirectory))
        {
            failures.Add($"{NativeSupervisorOptions.SectionName}:StateDirectory must be an absolute path (got '{options.StateDirectory}').");
        }

        if (options.StartSeconds < TimeSpan.Zero)
        {
            failures.Add($"{NativeSupervisorOptions.SectionName}:StartSeconds must not be negative.");
        }

        if (options.StartRetries is < 0 or > 1000)
        {
            failures.Add($"{NativeSupervisorOptions.SectionName}:StartRetries must be between 0 and 1000.");
        }

        if (options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            failures.Add($"{NativeSupervisorOptions.SectionName}:InitialBackoff must be positive and at most MaxBackoff.");
        }

        if (options.LogMaxBytes < 1024 || options.LogBackups is < 0 or > 100)
        {
            failures.Add($"{NativeSupervisorOptions.SectionName}:LogMaxBytes must be at least 1024 and LogBackups between 0 and 100.");
        }

        if (options.LogCheckInterval <= TimeSpan.Zero || options.AdoptedPollInterval <= TimeSpan.Zero)
        {
            failures.Add($"{NativeSupervisorOptions.SectionName}:LogCheckInterval and AdoptedPollInterval must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
