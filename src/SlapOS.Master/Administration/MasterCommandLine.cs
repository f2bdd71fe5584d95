using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Master.Hosting;

namespace SlapOS.Master.Administration;

/// <summary>
/// The master host's own commands, run with the host's services and configuration instead of serving:
/// <c>admin issue --person P --out DIR [--master-url URL]</c>. Any other <c>--key value</c> or <c>--key=value</c>
/// is the host's configuration (e.g. <c>--SlapOS:Master:Identity:Directory=…</c>) and is left to it.
/// </summary>
internal static class MasterCommandLine
{
    public const string Usage = "usage: admin issue --person REFERENCE --out DIRECTORY [--master-url https://HOST:PORT] [host configuration: --SlapOS:Master:…=…]";

    public static bool IsCommand(string[] args) => CommandIndex(args) >= 0;

    /// <summary>Where <c>admin</c> is: the first word that is neither an option nor an option's value (host configuration may come first).</summary>
    private static int CommandIndex(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (!args[i].Contains('=', StringComparison.Ordinal) && i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    i++;
                }

                continue;
            }

            return args[i] == "admin" ? i : -1;
        }

        return -1;
    }

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var index = CommandIndex(args);
        var options = Parse(args.AsSpan()[..Math.Max(index, 0)]);
        args = args[index..];
        if (args.Length < 2 || args[1] != "issue")
        {
            await error.WriteLineAsync(args.Length > 1 && args[1] is not ("--help" or "-h") ? $"slapos master: unknown command 'admin {args[1]}'; {Usage}" : Usage).ConfigureAwait(false);
            return 2;
        }

        foreach (var (key, value) in Parse(args.AsSpan(2)))
        {
            options[key] = value;
        }

        if (!options.TryGetValue("person", out var person) || !options.TryGetValue("out", out var directory))
        {
            await error.WriteLineAsync($"slapos master: admin issue needs --person and --out; {Usage}").ConfigureAwait(false);
            return 2;
        }

        var masterUrl = options.GetValueOrDefault("master-url") ?? "https://HOST:PORT";
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<AdministratorBootstrap>();
        try
        {
            // Same checks as a start: options valid, store present and migrated.
            services.GetService<IStartupValidator>()?.Validate();
            await ActivatorUtilities.CreateInstance<MasterStoreStartup>(services).StartAsync(cancellationToken).ConfigureAwait(false);
            if (services.GetService<ICertificateAuthority>() is null)
            {
                await error.WriteLineAsync("slapos master: this master has no certificate authority (compose it with UseBouncyCastleIdentity()): there is no administrator certificate to make").ConfigureAwait(false);
                return 1;
            }

            var outcome = await ActivatorUtilities.CreateInstance<AdministratorBootstrap>(services).IssueAsync(person, directory, cancellationToken).ConfigureAwait(false);
            Print(output, person, masterUrl, outcome);
            return 0;
        }
        catch (UnauthorizedAccessException e)
        {
            AdministrationLog.Refused(logger, person, e.Message);
            await error.WriteLineAsync($"slapos master: cannot read the certificate authority's key ({e.Message}): run 'admin issue' as the user the master runs as, who owns SlapOS:Master:Identity:Directory").ConfigureAwait(false);
            return 1;
        }
        catch (OptionsValidationException e)
        {
            await error.WriteLineAsync($"slapos master: {string.Join("; ", e.Failures)}").ConfigureAwait(false);
            return 2;
        }
        catch (SlapException e)
        {
            await error.WriteLineAsync($"slapos master: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            AdministrationLog.Refused(logger, person, e.Message);
            await error.WriteLineAsync($"slapos master: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static Dictionary<string, string> Parse(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }

            var name = args[i][2..];
            string? value = null;
            if (name.IndexOf('=', StringComparison.Ordinal) is var equals and >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            if (value is not null)
            {
                options[name] = value;
            }
        }

        return options;
    }

    private static void Print(TextWriter output, string person, string masterUrl, AdministratorBootstrap.Outcome outcome)
    {
        var files = outcome.Files;
        var until = outcome.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        output.WriteLine(outcome.Reused
            ? $"Kept the valid administrator certificate of '{person}' (serial {outcome.SerialNumber}, valid until {until}) in {Path.GetDirectoryName(files.KeyFile)}."
            : $"Issued an administrator certificate for '{person}' (serial {outcome.SerialNumber}, valid until {until}).");
        output.WriteLine($"Key {files.KeyFile} (mode 0600), certificate {files.CertificateFile}, CA certificate {files.CaFile}.");
        output.WriteLine("Configure the slapos client with them:");
        output.WriteLine($"  slapos configure client --master-url {masterUrl} --key-file {files.KeyFile} --cert-file {files.CertificateFile} --master-ca-file {files.CaFile}");
        output.WriteLine("or write these lines in slapos-client.cfg:");
        output.WriteLine("[slapos]");
        output.WriteLine($"master_url = {masterUrl}");
        output.WriteLine($"key_file = {files.KeyFile}");
        output.WriteLine($"cert_file = {files.CertificateFile}");
        output.WriteLine($"master_ca_file = {files.CaFile}");
    }
}
