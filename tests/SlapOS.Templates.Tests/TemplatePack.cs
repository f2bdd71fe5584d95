using System.Globalization;
using System.Xml.Linq;
using SlapOS.Tests;

namespace SlapOS.Templates.Tests;

/// <summary>
/// Once per test class: the SDK's packages and the template pack packed to a local feed under a version of their own,
/// a NuGet configuration that takes <c>SlapOS.*</c> from that feed only (third-party packages from the repository's
/// own sources), and the template pack installed into a private template hive (the machine's is untouched).
/// </summary>
public sealed class TemplatePack : IAsyncLifetime
{
    /// <summary>The packages users reference (and the templates do), plus the template pack itself.</summary>
    public static readonly string[] Packages = ["SlapOS.Abstractions", "SlapOS.Protocol", "SlapOS.Master", "SlapOS.Slave", "SlapOS.Providers", "SlapOS.Testing", "SlapOS.Templates"];

    /// <summary>The root of everything this class writes.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("slapos-templates-").FullName;

    /// <summary>
    /// The packages' version in this run: unique, so that no copy of the same version in a package cache can stand
    /// in for what was just packed. Only the package version changes; the assemblies are those of the build.
    /// </summary>
    public string Version { get; } = "0.1.0-t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The local feed.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>Where instances are created: the NuGet configuration above them applies to them.</summary>
    public string Instances => Path.Combine(Root, "instances");

    /// <summary>The private template hive.</summary>
    public string Hive => Path.Combine(Root, "hive");

    /// <summary>The environment of every <c>dotnet</c> command on an instance: a private package folder.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    /// <summary>What the template pack install printed.</summary>
    public string InstallOutput { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Instances);
        await PackAsync();
        WriteNuGetConfiguration();

        // Stops MSBuild from looking for Directory.Build.props and friends above the instances.
        await File.WriteAllTextAsync(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        await File.WriteAllTextAsync(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        await File.WriteAllTextAsync(Path.Combine(Root, "Directory.Packages.props"), "<Project />\n");

        var templates = Path.Combine(Feed, $"SlapOS.Templates.{Version}.nupkg");
        Assert.True(File.Exists(templates), $"{templates} was not packed");
        InstallOutput = (await DotnetRun.RunAsync(Root, Environment, "new", "install", templates, "--debug:custom-hive", Hive)).Succeeded().Output;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Instantiates <paramref name="template"/> as <paramref name="name"/> in a new directory, referencing this run's packages.</summary>
    public async Task<string> NewAsync(string template, string name, params string[] options)
    {
        var directory = Path.Combine(Instances, name);
        (await DotnetRun.RunAsync(Instances, Environment, ["new", template, "-n", name, "-o", directory, "--debug:custom-hive", Hive, "--SlapOSVersion", Version, .. options])).Succeeded();
        return directory;
    }

    /// <summary>Runs <c>dotnet</c> in <paramref name="directory"/> with this run's environment; no build server outlives it.</summary>
    internal Task<DotnetRun> DotnetAsync(string directory, params string[] arguments) => DotnetRun.RunAsync(directory, Environment, arguments);

    /// <summary>
    /// One <c>dotnet pack</c> of the packages, through a solution filter of the repository's solution, in Release
    /// (what scripts/test.sh built), with this run's package version.
    /// </summary>
    private async Task PackAsync()
    {
        var solution = RepositoryRoot.Combine("SlapOS.Sdk.sln");
        var filter = Path.Combine(Root, "packages.slnf");
        var projects = string.Join(",\n      ", Packages.Select(p => $"\"src\\\\{p}\\\\{p}.csproj\""));
        await File.WriteAllTextAsync(filter, $$"""
            {
              "solution": {
                "path": "{{solution}}",
                "projects": [
                  {{projects}}
                ]
              }
            }
            """);
        (await DotnetRun.RunAsync(RepositoryRoot.Path, Environment.Where(e => e.Key != "NUGET_PACKAGES").ToDictionary(),
            "pack", filter, "-c", "Release", "-o", Feed, $"-p:PackageVersion={Version}", "--disable-build-servers", "-nologo")).Succeeded();
    }

    /// <summary>
    /// The instances' nuget.config: the local feed for <c>SlapOS.*</c> (and only it, by package source mapping), the
    /// repository's own sources for everything else, and the machine's package folder as a read-only fallback so that
    /// third-party packages already there are not downloaded again.
    /// </summary>
    private void WriteNuGetConfiguration()
    {
        var repository = XDocument.Load(RepositoryRoot.Combine("nuget.config"));
        var sources = repository.Root!.Element("packageSources")!.Elements("add")
            .Select(a => (Key: (string)a.Attribute("key")!, Value: (string)a.Attribute("value")!))
            .ToList();
        Assert.NotEmpty(sources);
        var machinePackages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        var configuration = new XElement("configuration",
            new XElement("packageSources",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", "slapos-local"), new XAttribute("value", Feed)),
                sources.Select(s => new XElement("add", new XAttribute("key", s.Key), new XAttribute("value", s.Value)))),
            new XElement("fallbackPackageFolders",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", machinePackages))),
            new XElement("packageSourceMapping",
                new XElement("clear"),
                new XElement("packageSource", new XAttribute("key", "slapos-local"), new XElement("package", new XAttribute("pattern", "SlapOS.*"))),
                sources.Select(s => new XElement("packageSource", new XAttribute("key", s.Key), new XElement("package", new XAttribute("pattern", "*"))))));
        new XDocument(configuration).Save(Path.Combine(Root, "nuget.config"));
    }

    /// <summary>A free loopback port.</summary>
    public static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
