using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Supervisord;

/// <summary>Checks <see cref="SupervisordOptions"/> at start-up so bad configuration fails early.</summary>
internal sealed class SupervisordOptionsValidator : IValidateOptions<SupervisordOptions>
{
    /// <summary>A unix socket path is limited to 107 bytes.</summary>
    private const int MaxSocketPath = 107;

    public ValidateOptionsResult Validate(string? name, SupervisordOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Directory) || !Path.IsPathFullyQualified(options.Directory))
        {
            failures.Add($"{SupervisordOptions.SectionName}:Directory must be an absolute path (got '{options.Directory}').");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(options.SocketPath) > MaxSocketPath)
        {
            failures.Add($"{SupervisordOptions.SectionName}:Directory is too long for a unix socket path ('{options.SocketPath}').");
        }

        if (string.IsNullOrWhiteSpace(options.SupervisordPath) || !Path.IsPathFullyQualified(options.SupervisordPath))
        {
            failures.Add($"{SupervisordOptions.SectionName}:SupervisordPath must be an absolute path (got '{options.SupervisordPath}').");
        }

        if (options.StartSeconds is < 0 or > 3600 || options.StartRetries is < 0 or > 1000)
        {
            failures.Add($"{SupervisordOptions.SectionName}:StartSeconds must be between 0 and 3600 and StartRetries between 0 and 1000.");
        }

        if (options.PollInterval <= TimeSpan.Zero || options.DaemonTimeout <= TimeSpan.Zero || options.StartTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{SupervisordOptions.SectionName}:PollInterval, DaemonTimeout and StartTimeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
