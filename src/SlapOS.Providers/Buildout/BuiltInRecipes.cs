using SlapOS.Providers.Buildout.Recipes;

namespace SlapOS.Providers.Buildout;

/// <summary>The built-in recipes and the names they answer to (short ones and SlapOS/Python ones).</summary>
internal static class BuiltInRecipes
{
    public static IEnumerable<(string Name, Func<IBuildoutRecipe> Create)> All { get; } =
    [
        ("template", () => new TemplateRecipe()),
        ("slapos.recipe.template", () => new TemplateRecipe(buildoutSubstitution: true)),
        ("wrapper", () => new WrapperRecipe()),
        ("slapos.cookbook:wrapper", () => new WrapperRecipe()),
        ("mkdirectory", () => new MkDirectoryRecipe()),
        ("slapos.cookbook:mkdirectory", () => new MkDirectoryRecipe()),
        ("download", () => new DownloadRecipe()),
        ("slapos.recipe.build:download", () => new DownloadRecipe()),
        ("command", () => new CommandRecipe()),
        ("plone.recipe.command", () => new CommandRecipe()),
        ("cmmi", () => new CmmiRecipe()),
        ("slapos.recipe.cmmi", () => new CmmiRecipe()),
        ("slapconfiguration", () => new SlapConfigurationRecipe(serialised: false)),
        ("slapos.cookbook:slapconfiguration", () => new SlapConfigurationRecipe(serialised: false)),
        ("slapos.cookbook:slapconfiguration.serialised", () => new SlapConfigurationRecipe(serialised: true)),
        ("switch-softwaretype", () => new SwitchSoftwareTypeRecipe()),
        ("slapos.cookbook:switch-softwaretype", () => new SwitchSoftwareTypeRecipe()),
        ("publish", () => new PublishRecipe()),
        ("slapos.cookbook:publish", () => new PublishRecipe()),
        ("publish-shared", () => new PublishSharedRecipe()),
    ];
}
