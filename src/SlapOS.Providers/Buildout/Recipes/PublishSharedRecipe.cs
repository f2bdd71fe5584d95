using System.Text.Json;

namespace SlapOS.Providers.Buildout.Recipes;

/// <summary>
/// <c>publish-shared</c>: publishes connection parameters for every shared instance the partition hosts.
/// <c>shared-instance-list</c> is the JSON list <c>slapconfiguration</c> gives (<c>slave-instance-list</c>);
/// every other option is a template in which <c>{slave_reference}</c>, <c>{slave_title}</c> and any
/// parameter of the shared instance (<c>{name}</c>) are replaced, per shared instance. A profile cannot
/// have one <c>publish</c> section per shared instance, since their number changes; this recipe does it.
/// </summary>
internal sealed class PublishSharedRecipe : IBuildoutRecipe
{
    public Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        Publish(part);
        return Task.FromResult<IReadOnlyList<string>>([]);
    }

    public Task<IReadOnlyList<string>?> UpdateAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        Publish(part);
        return Task.FromResult<IReadOnlyList<string>?>(null);
    }

    private static void Publish(BuildoutPartContext part)
    {
        var list = part.Require("shared-instance-list");
        List<Dictionary<string, JsonElement>>? shared;
        try
        {
            shared = JsonSerializer.Deserialize<List<Dictionary<string, JsonElement>>>(string.IsNullOrWhiteSpace(list) ? "[]" : list);
        }
        catch (JsonException e)
        {
            throw new BuildoutException($"[{part.PartName}] shared-instance-list is not a JSON list of objects: {e.Message}");
        }

        foreach (var entry in shared ?? [])
        {
            var values = entry.ToDictionary(e => e.Key, e => e.Value.ValueKind == JsonValueKind.String ? e.Value.GetString()! : e.Value.GetRawText(), StringComparer.Ordinal);
            if (!values.TryGetValue("slave_reference", out var reference))
            {
                throw new BuildoutException($"[{part.PartName}] a shared instance in shared-instance-list has no slave_reference");
            }

            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var option in part.OptionNames)
            {
                if (option is "recipe" or "shared-instance-list" || option.StartsWith('_'))
                {
                    continue;
                }

                var value = part[option]!;
                foreach (var (key, replacement) in values)
                {
                    value = value.Replace("{" + key + "}", replacement, StringComparison.Ordinal);
                }

                parameters[option] = value;
            }

            part.Publish(parameters, reference);
        }
    }
}
