using SlapOS;

namespace SlapOSRecipe1;

/// <summary>Registers <see cref="GreetingRecipe"/> on a node.</summary>
public static class GreetingRecipeBuilderExtensions
{
    /// <summary>
    /// Makes <see cref="GreetingRecipe"/> usable from profiles as <c>recipe = SlapOSRecipe1:greeting</c>.
    /// Call after <c>UseNativeBuildout()</c>.
    /// </summary>
    public static ISlapOSSlaveBuilder AddGreetingRecipe(this ISlapOSSlaveBuilder builder) =>
        builder.AddRecipe<GreetingRecipe>(GreetingRecipe.RecipeName);
}
