using Microsoft.Extensions.DependencyInjection;
using SlapOS;

namespace SlapOSRecipe1.Tests;

/// <summary>The recipe through the node's real native buildout engine, as a software release installs it.</summary>
public sealed class GreetingRecipeTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("slapos-recipe-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task A_profile_part_writes_the_greeting_and_other_parts_read_it()
    {
        var release = Profile("""
            [buildout]
            parts = greeting echo

            [greeting]
            recipe = SlapOSRecipe1:greeting
            output = ${buildout:directory}/etc/greeting.txt
            name = SlapOS

            [echo]
            recipe = SlapOSRecipe1:greeting
            output = ${buildout:directory}/etc/echo.txt
            name = ${greeting:greeting}
            """);
        var build = new SoftwareBuild(release, Path.Combine(directory, "software"));

        await Installer().InstallSoftwareAsync(build, CancellationToken.None);

        Assert.Equal("Hello SlapOS\n", await File.ReadAllTextAsync(Path.Combine(build.InstallDirectory, "etc", "greeting.txt")));
        Assert.Equal("Hello Hello SlapOS\n", await File.ReadAllTextAsync(Path.Combine(build.InstallDirectory, "etc", "echo.txt")));
    }

    [Fact]
    public async Task A_part_without_its_output_option_fails_with_a_clear_error()
    {
        var release = Profile("""
            [buildout]
            parts = greeting

            [greeting]
            recipe = SlapOSRecipe1:greeting
            """);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Installer().InstallSoftwareAsync(new SoftwareBuild(release, Path.Combine(directory, "software")), CancellationToken.None));

        Assert.Contains("output", error.Message, StringComparison.Ordinal);
    }

    private string Profile(string text)
    {
        var path = Path.Combine(directory, "release", "software.cfg");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text + "\n");
        return path;
    }

    private static ISoftwareInstaller Installer()
    {
        var services = new ServiceCollection().AddLogging();
        new NodeBuilder(services).UseNativeBuildout().AddGreetingRecipe();
        return services.BuildServiceProvider().GetRequiredService<ISoftwareInstaller>();
    }

    private sealed class NodeBuilder(IServiceCollection services) : ISlapOSSlaveBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
