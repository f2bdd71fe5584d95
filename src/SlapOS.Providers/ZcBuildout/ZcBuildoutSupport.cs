using System.Security.Cryptography;
using System.Text;

namespace SlapOS.Providers.ZcBuildout;

/// <summary>
/// The Python side of the zc.buildout installer, written out at run time from this assembly's
/// resources: the launcher and the recipe distributions. Each distribution is a develop egg
/// (an <c>&lt;name&gt;.egg-info</c> directory next to the shared module, as
/// <c>setup.py develop</c> leaves it) named as the recipe a profile names, so that
/// <c>recipe = template</c>, <c>recipe = slapos.cookbook:wrapper</c> or
/// <c>recipe = plone.recipe.command</c> resolve to the same code as in the native engine.
/// </summary>
internal static class ZcBuildoutSupport
{
    public const string LauncherFileName = "slapos_buildout_launcher.py";
    public const string RecipeModule = "slapos_dotnet_recipes";

    /// <summary>Written by the node in <c>${buildout:directory}</c>; read by <c>slapconfiguration</c>.</summary>
    public const string ConfigurationFileName = ".slapos-configuration.json";

    /// <summary>Written by <c>publish</c> in <c>${buildout:directory}</c>; read by the node.</summary>
    public const string PublishedFileName = ".slapos-connection-parameters.json";

    /// <summary>The environment variable the launcher reads to put the recipes on <c>sys.path</c>.</summary>
    public const string RecipesVariable = "SLAPOS_BUILDOUT_RECIPES";

    /// <summary>Distribution name → (entry point → class of the recipe module): the native engine's recipe names.</summary>
    public static IReadOnlyList<(string Distribution, (string Entry, string Class)[] EntryPoints)> Distributions { get; } =
    [
        ("template", [("default", "Template")]),
        ("slapos.recipe.template", [("default", "SlaposTemplate")]),
        ("wrapper", [("default", "Wrapper")]),
        ("mkdirectory", [("default", "MkDirectory")]),
        ("download", [("default", "Download")]),
        ("slapos.recipe.build", [("download", "Download")]),
        ("command", [("default", "Command")]),
        ("plone.recipe.command", [("default", "Command")]),
        ("cmmi", [("default", "Cmmi")]),
        ("slapos.recipe.cmmi", [("default", "Cmmi")]),
        ("slapconfiguration", [("default", "SlapConfiguration")]),
        ("publish", [("default", "Publish")]),
        ("slapos.cookbook",
        [
            ("wrapper", "Wrapper"),
            ("mkdirectory", "MkDirectory"),
            ("slapconfiguration", "SlapConfiguration"),
            ("slapconfiguration.serialised", "SerialisedSlapConfiguration"),
            ("publish", "Publish"),
        ]),
    ];

    private const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101;
    private const UnixFileMode FileMode = (UnixFileMode)0b110_100_100;

    /// <summary>The launcher and the recipes directory, written once per content under <paramref name="supportRoot"/>.</summary>
    public static (string Launcher, string Recipes) Prepare(string supportRoot)
    {
        var files = Files();
        var hash = new StringBuilder();
        foreach (var (path, content) in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            hash.Append(path).Append('\0').Append(content).Append('\0');
        }

        var version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hash.ToString())))[..16];
        var target = Path.Combine(supportRoot, version);
        var result = (Path.Combine(target, LauncherFileName), Path.Combine(target, "recipes"));
        if (File.Exists(Path.Combine(target, ".complete")))
        {
            return result;
        }

        CreateDirectory(supportRoot);
        // Written aside then renamed: parallel deployments see all of it or none of it.
        var temporary = Path.Combine(supportRoot, "." + version + "." + Guid.NewGuid().ToString("N")[..8]);
        CreateDirectory(temporary);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(temporary, path);
            CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(full, FileMode);
            }
        }

        File.WriteAllText(Path.Combine(temporary, ".complete"), string.Empty);
        try
        {
            Directory.Move(temporary, target);
        }
        catch (IOException) when (File.Exists(Path.Combine(target, ".complete")))
        {
            Directory.Delete(temporary, recursive: true); // Another run wrote the same content first.
        }

        return result;
    }

    /// <summary>An embedded Python file.</summary>
    public static string Resource(string fileName)
    {
        using var stream = typeof(ZcBuildoutSupport).Assembly.GetManifestResourceStream("SlapOS.Providers.ZcBuildout." + fileName)
            ?? throw new InvalidOperationException($"The resource {fileName} is missing from {typeof(ZcBuildoutSupport).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static List<(string Path, string Content)> Files()
    {
        var files = new List<(string Path, string Content)>
        {
            (LauncherFileName, Resource(LauncherFileName)),
            (Path.Combine("recipes", RecipeModule + ".py"), Resource(RecipeModule + ".py")),
        };
        foreach (var (distribution, entryPoints) in Distributions)
        {
            var info = Path.Combine("recipes", distribution + ".egg-info");
            files.Add((Path.Combine(info, "PKG-INFO"), $"Metadata-Version: 1.1\nName: {distribution}\nVersion: 1.0\nSummary: SlapOS for .NET buildout recipes ({distribution})\n"));
            files.Add((Path.Combine(info, "top_level.txt"), RecipeModule + "\n"));
            var entries = new StringBuilder("[zc.buildout]\n");
            foreach (var (entry, type) in entryPoints)
            {
                entries.Append(entry).Append(" = ").Append(RecipeModule).Append(':').Append(type).Append('\n');
            }

            files.Add((Path.Combine(info, "entry_points.txt"), entries.ToString()));
        }

        return files;
    }

    private static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, DirectoryMode);
            // Readable by partition users whatever the node's umask.
            File.SetUnixFileMode(path, DirectoryMode);
        }
    }
}
