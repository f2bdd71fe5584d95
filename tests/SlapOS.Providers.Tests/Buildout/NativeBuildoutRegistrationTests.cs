using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Buildout;

public class NativeBuildoutRegistrationTests
{
    private sealed class Builder(IServiceCollection services) : ISlapOSSlaveBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private sealed class OtherInstaller : ISoftwareInstaller
    {
        public Task InstallSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RemoveSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<InstanceDeploymentResult> DeployInstanceAsync(InstanceDeployment deployment, CancellationToken cancellationToken) =>
            Task.FromResult(InstanceDeploymentResult.Empty);
    }

    /// <summary>Writes <c>made-by</c> with the part name: proves which recipe ran.</summary>
    private sealed class MarkerRecipe : IBuildoutRecipe
    {
        public async Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
        {
            var path = Path.Combine(part.BuildoutDirectory, "made-by");
            await File.WriteAllTextAsync(path, "marker " + part.PartName, cancellationToken);
            return [path];
        }
    }

    private static ServiceProvider Build(Action<ISlapOSSlaveBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        configure(new Builder(services));
        return services.BuildServiceProvider();
    }

    [Fact]
    public void UseNativeBuildout_replaces_an_earlier_installer()
    {
        using var provider = Build(b =>
        {
            b.Services.AddSingleton<ISoftwareInstaller, OtherInstaller>();
            b.UseNativeBuildout();
        });

        Assert.IsType<NativeBuildoutInstaller>(provider.GetRequiredService<ISoftwareInstaller>());
        Assert.Single(provider.GetServices<ISoftwareInstaller>());
    }

    [Fact]
    public void Built_in_recipes_answer_to_short_and_slapos_names()
    {
        using var provider = Build(b => b.UseNativeBuildout().UseNativeBuildout());

        foreach (var name in new[] { "template", "slapos.recipe.template", "wrapper", "slapos.cookbook:wrapper", "mkdirectory", "download", "command", "plone.recipe.command", "cmmi", "slapconfiguration", "slapos.cookbook:slapconfiguration", "publish", "slapos.cookbook:publish", "switch-softwaretype", "slapos.cookbook:switch-softwaretype" })
        {
            Assert.NotNull(provider.GetKeyedService<IBuildoutRecipe>(name));
        }
    }

    [Fact]
    public async Task AddRecipe_makes_a_csharp_recipe_usable_from_a_profile_and_wins_over_a_built_in()
    {
        using var provider = Build(b => b.UseNativeBuildout().AddRecipe<MarkerRecipe>("my.recipe:default").AddRecipe<MarkerRecipe>("command"));
        var installer = provider.GetRequiredService<ISoftwareInstaller>();
        using var dir = new TempDirectory();
        var release = dir.Write("release/software.cfg", "[buildout]\nparts = mine\n[mine]\nrecipe = my.recipe\n");
        var build = new SoftwareBuild(release, Path.Combine(dir.Path, "soft"));

        await installer.InstallSoftwareAsync(build, CancellationToken.None);

        Assert.Equal("marker mine", await File.ReadAllTextAsync(Path.Combine(build.InstallDirectory, "made-by")));
        Assert.IsType<MarkerRecipe>(provider.GetKeyedService<IBuildoutRecipe>("command"));
    }
}
