using System.Diagnostics;

namespace SlapOS.Cli.Tests;

public sealed class PackagingTests : IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("slapos-pack-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SlapOS.Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SlapOS.Sdk.sln not found above the test directory");
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task The_cli_packs_with_its_metadata_and_installs_as_the_slapos_dotnet_tool()
    {
        var packages = Path.Combine(work, "packages");
        var project = Path.Combine(RepositoryRoot(), "src", "SlapOS.Cli", "SlapOS.Cli.csproj");

        var pack = await RunAsync("dotnet", "pack", project, "-c", "Release", "-o", packages, "-nologo");
        Assert.True(pack.Code == 0, pack.Output);
        var package = Assert.Single(Directory.GetFiles(packages, "SlapOS.Cli.*.nupkg"));
        using (var archive = System.IO.Compression.ZipFile.OpenRead(package))
        {
            Assert.Contains(archive.Entries, e => e.FullName == "README.md");
            var nuspec = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            using var reader = new StreamReader(nuspec.Open());
            var metadata = await reader.ReadToEndAsync();
            Assert.Contains("<license type=\"expression\">Apache-2.0</license>", metadata, StringComparison.Ordinal);
            Assert.Contains("<packageType name=\"DotnetTool\" />", metadata, StringComparison.Ordinal);
        }

        var tools = Path.Combine(work, "tools");
        var install = await RunAsync("dotnet", "tool", "install", "SlapOS.Cli", "--tool-path", tools, "--add-source", packages, "--prerelease");
        Assert.True(install.Code == 0, install.Output);

        var help = await RunAsync(Path.Combine(tools, "slapos"), "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("request <title> <software-url>", help.Output, StringComparison.Ordinal);
    }
}
