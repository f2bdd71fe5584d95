using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS.Providers.Buildout;

namespace SlapOS;

/// <summary>Registers the native buildout engine and buildout recipes on a node.</summary>
public static class NativeBuildoutSlaveBuilderExtensions
{
    /// <summary>
    /// Uses the native (C#) buildout engine as the node's <see cref="ISoftwareInstaller"/>,
    /// replacing any installer registered before, with the built-in recipes.
    /// </summary>
    public static ISlapOSSlaveBuilder UseNativeBuildout(this ISlapOSSlaveBuilder builder, Action<NativeBuildoutOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<NativeBuildoutOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.RemoveAll<ISoftwareInstaller>();
        services.AddSingleton<ISoftwareInstaller, NativeBuildoutInstaller>();
        foreach (var (name, create) in BuiltInRecipes.All)
        {
            services.TryAddKeyedTransient<IBuildoutRecipe>(name, (_, _) => create());
        }

        return builder;
    }

    /// <summary>
    /// Adds a C# buildout recipe under <paramref name="name"/> (what a part's <c>recipe =</c> says).
    /// A later registration of the same name wins, also over a built-in recipe.
    /// </summary>
    public static ISlapOSSlaveBuilder AddRecipe<TRecipe>(this ISlapOSSlaveBuilder builder, string name)
        where TRecipe : class, IBuildoutRecipe
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddKeyedTransient<IBuildoutRecipe, TRecipe>(BuildoutProfile.NormalizeRecipeName(name));
        return builder;
    }
}
