using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Fluid;
using Fluid.Values;

namespace SlapOS.Providers.Buildout.Recipes;

/// <summary>
/// <c>template</c>: renders a Liquid template (Fluid) given <c>inline</c> or by <c>url</c>
/// (+ <c>md5sum</c>) to <c>output</c> (with <c>mode</c>). Every buildout section is a variable,
/// its name and option names also with <c>_</c> for <c>-</c> and <c>.</c>:
/// <c>{{ slap_connection.computer_id }}</c>, <c>{{ parameters.name }}</c>.
/// <c>slapos.recipe.template</c> is the SlapOS recipe instead: the template gets buildout's
/// <c>${section:option}</c> substitution (<c>$${…}</c> escapes it), no Liquid.
/// The rendered text is part of the part's signature, so a change in a used section re-renders it.
/// </summary>
internal sealed class TemplateRecipe(bool buildoutSubstitution = false) : IBuildoutRecipe
{
    private const string RenderedMd5Option = "__template_md5__";
    private static readonly FluidParser Parser = new();
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Parsed = new(StringComparer.Ordinal);

    public void Initialize(BuildoutPartContext part)
    {
        part.Require("output");
        var rendered = Render(part);
#pragma warning disable CA5351 // A change detector, not a protection.
        part.Set(RenderedMd5Option, Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(rendered))));
#pragma warning restore CA5351
    }

    public async Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        var output = part.Require("output").Trim();
        var mode = BuildoutFiles.ParseMode(part["mode"], (UnixFileMode)0b110_100_100, part.PartName);
        await BuildoutFiles.WriteAsync(output, Render(part), mode, cancellationToken).ConfigureAwait(false);
        part.Own(output);
        return [output];
    }

    private string Render(BuildoutPartContext part)
    {
        var source = Source(part);
        if (buildoutSubstitution)
        {
            // An inline template is an option, already substituted; a file is substituted here.
            return part["inline"] is null ? part.Substitute(source) : source;
        }

        if (!Parsed.TryGetValue(source, out var template))
        {
            if (!Parser.TryParse(source, out template, out var error))
            {
                throw new BuildoutException($"The template of [{part.PartName}] is not valid Liquid: {error}");
            }

            // Templates come from a few profiles; a bounded cache keeps re-deployments cheap.
            if (Parsed.Count < 512)
            {
                Parsed.TryAdd(source, template);
            }
        }

        var options = new TemplateOptions();
        var context = new TemplateContext(options, StringComparer.Ordinal);
        var profile = part.Profile;
        foreach (var name in profile.SectionNames)
        {
            var value = new LazySectionValue(profile, name, options);
            context.SetValue(name, value);
            var identifier = Identifier(name);
            if (identifier != name && !profile.HasSection(identifier))
            {
                context.SetValue(identifier, value);
            }
        }

        try
        {
            return template.Render(context);
        }
        catch (BuildoutException)
        {
            throw;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            throw new BuildoutException($"Rendering the template of [{part.PartName}] failed: {ex.Message}", ex);
        }
    }

    private static string Source(BuildoutPartContext part)
    {
        if (part["inline"] is { } inline)
        {
            return inline;
        }

        if (part["url"] is { Length: > 0 } url)
        {
            var path = part.Environment.Downloader.Fetch(Path.IsPathRooted(url.Trim()) || BuildoutDownloader.IsUrl(url.Trim()) ? url.Trim() : Path.Combine(part.BuildoutDirectory, url.Trim()), part["md5sum"]);
            return File.ReadAllText(path);
        }

        throw new BuildoutException($"The part [{part.PartName}] (template) needs 'inline' or 'url'.");
    }

    internal static string Identifier(string name) => name.Replace('-', '_').Replace('.', '_');
}
