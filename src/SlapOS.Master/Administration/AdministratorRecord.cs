using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SlapOS.Master.Administration;

/// <summary>
/// The journal of administrator certificates made by <c>admin issue</c>: <c>administrators.log</c> in the
/// certificate authority's directory (<c>SlapOS:Master:Identity:Directory</c>), one line per issue or reuse, for the
/// operator. It decides nothing: whether an administrator exists is the certificate registry's answer (the start-up
/// hint reads the store). The master only knows the directory when it comes from configuration; set in code only
/// (or with no configuration at all, as in a bare service collection), there is no journal.
/// </summary>
internal sealed class AdministratorRecord(IConfiguration? configuration = null)
{
    public const string FileName = "administrators.log";

    /// <summary>The journal's path, or null when the CA directory is not in the configuration.</summary>
    public string? Path => configuration?["SlapOS:Master:Identity:Directory"] is { Length: > 0 } directory
        ? System.IO.Path.Combine(directory, FileName)
        : null;

    /// <summary>Appends one line: when, what (<c>issued</c> or <c>reused</c>), the person, the serial and the files.</summary>
    public void Append(DateTimeOffset at, string what, string person, string serial, string directory)
    {
        if (Path is { } path)
        {
            File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{at:O} {what} person={person} serial={serial} out={directory}\n"));
        }
    }
}
