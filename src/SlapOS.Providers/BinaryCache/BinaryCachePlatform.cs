using System.Runtime.InteropServices;

namespace SlapOS.Providers.BinaryCache;

/// <summary>
/// Binary compatibility as slapgrid decides it: the same machine triplet (<c>gcc -dumpmachine</c>) and the same
/// distribution, where Raspbian counts as Debian and Debian keeps only its major version and no codename.
/// </summary>
internal sealed class BinaryCachePlatform(string multiarch, IReadOnlyList<string> os)
{
    public string Multiarch { get; } = multiarch;

    public IReadOnlyList<string> Os { get; } = os;

    /// <summary>This machine, or what the options say it is.</summary>
    public static BinaryCachePlatform Detect(BinaryCacheClientOptions options) => new(
        string.IsNullOrWhiteSpace(options.Multiarch) ? DetectMultiarch() : options.Multiarch,
        options.OperatingSystem.Count == 3 ? options.OperatingSystem : ReadOsRelease("/etc/os-release"));

    public bool IsCompatible(NetworkcacheSoftwareEntry entry) =>
        string.Equals(entry.Multiarch, Multiarch, StringComparison.Ordinal) && Debianize(entry.Os).SequenceEqual(Debianize(Os));

    /// <summary>What Python's <c>distro</c> answers for (id, version, codename), from os-release.</summary>
    internal static IReadOnlyList<string> ReadOsRelease(string path)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                var equals = line.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    fields[line[..equals].Trim()] = line[(equals + 1)..].Trim().Trim('"', '\'');
                }
            }
        }

        return [fields.GetValueOrDefault("ID", "linux"), fields.GetValueOrDefault("VERSION_ID", string.Empty), fields.GetValueOrDefault("VERSION_CODENAME", string.Empty)];
    }

    private static string[] Debianize(IReadOnlyList<string> os)
    {
        var name = os.Count > 0 ? os[0].ToLowerInvariant() : string.Empty;
        var version = os.Count > 1 ? os[1] : string.Empty;
        var codename = os.Count > 2 ? os[2] : string.Empty;
        if (name == "raspbian")
        {
            name = "debian";
        }

        if (name == "debian")
        {
            version = version.Split('.')[0];
            codename = string.Empty;
        }

        return [name, version, codename];
    }

    private static string DetectMultiarch()
    {
        var libc = Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*").Any() ? "linux-musl" : "linux-gnu";
        return RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64-" + libc,
            Architecture.Arm64 => "aarch64-" + libc,
            Architecture.X86 => "i686-" + libc,
            Architecture.Arm => "arm-" + libc + "eabihf",
            Architecture.RiscV64 => "riscv64-" + libc,
            Architecture.LoongArch64 => "loongarch64-" + libc,
            Architecture.Ppc64le => "powerpc64le-" + libc,
            Architecture.S390x => "s390x-" + libc,
            var other => other.ToString().ToLowerInvariant() + "-" + libc,
        };
    }
}
