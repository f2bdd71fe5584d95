using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Buildout;

/// <summary>Runs or evaluates a profile with the engine, in a directory.</summary>
internal static class BuildoutRunner
{
    public static BuildoutEnvironment Environment(string directory, PartitionInstance? partition = null, bool offline = false) => new()
    {
        Directory = directory,
        Downloader = new BuildoutDownloader(System.IO.Path.Combine(directory, ".cache"), offline),
        Log = TextWriter.Null,
        Partition = partition,
    };

    public static Task<BuildoutProfile> LoadAsync(string profile, Func<string, IBuildoutRecipe?>? recipes = null) =>
        new BuildoutEngine(recipes ?? (_ => null)).OpenAsync(profile, Environment(System.IO.Path.GetDirectoryName(profile)!), null, CancellationToken.None);

    public static async Task RunAsync(string profile, Func<string, IBuildoutRecipe?> recipes)
    {
        var environment = Environment(System.IO.Path.GetDirectoryName(profile)!);
        await new BuildoutEngine(recipes).RunAsync(profile, environment, null, CancellationToken.None);
    }
}
