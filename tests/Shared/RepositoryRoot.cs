namespace SlapOS.Tests;

/// <summary>
/// The checkout the tests were built from: the nearest directory above the test binaries holding
/// SlapOS.Sdk.sln. Tests read only inside it, never beside it.
/// </summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> LazyPath = new(Find);

    public static string Path => LazyPath.Value;

    /// <summary>A path inside the checkout, from its parts.</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SlapOS.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"SlapOS.Sdk.sln not found above {AppContext.BaseDirectory}");
    }
}
