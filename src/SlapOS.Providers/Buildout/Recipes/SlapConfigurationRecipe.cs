using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace SlapOS.Providers.Buildout.Recipes;

/// <summary>
/// <c>slapconfiguration</c> (<c>slapos.cookbook:slapconfiguration</c>): fills its section with the
/// partition's parameters and addresses, from the deployment the node runs (no call to the
/// master). <c>configuration.&lt;key&gt;</c> per parameter — a value set in the profile is the default.
/// The <c>.serialised</c> variant also unpacks the JSON parameter <c>_</c>.
/// </summary>
internal sealed class SlapConfigurationRecipe(bool serialised) : IBuildoutRecipe
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public void Initialize(BuildoutPartContext part)
    {
        var partition = part.Partition
            ?? throw new BuildoutException($"The part [{part.PartName}] (slapconfiguration) needs a partition: it only works in an instance profile.");
        foreach (var (key, value) in Options(partition, serialised, part.PartName))
        {
            part.Set(key, value);
        }
    }

    /// <summary>
    /// The options the recipe sets, in order, from the deployed partition. The zc.buildout
    /// installer writes them for its Python twin of this recipe, so both set the same.
    /// </summary>
    internal static List<KeyValuePair<string, string>> Options(PartitionInstance partition, bool serialised, string partName)
    {
        var options = new List<KeyValuePair<string, string>>();
        void Set(string key, string value) => options.Add(new(key, value));
        var parameters = new Dictionary<string, string>(partition.Parameters, StringComparer.Ordinal);
        if (serialised && parameters.TryGetValue("_", out var packed))
        {
            parameters = Unpack(packed, partName);
        }

        foreach (var (key, value) in parameters)
        {
            // Keys that buildout syntax cannot express are only in "configuration".
            if (key.Length > 0 && !key.Any(c => char.IsWhiteSpace(c) || c is ':' or '=' or '[' or ']' or '{' or '}' or '$'))
            {
                Set("configuration." + key, value);
            }
        }

        Set("configuration", JsonSerializer.Serialize(parameters, Json));
        Set("computer", partition.ComputerReference);
        Set("partition", partition.PartitionReference);
        Set("slap-computer-id", partition.ComputerReference);
        Set("slap-computer-partition-id", partition.PartitionReference);
        Set("slap-software-type", partition.SoftwareType);
        Set("slap-software-release-url", partition.SoftwareReleaseUrl ?? string.Empty);
        Set("instance-state", partition.RequestedState.ToWire());
        Set("instance-title", partition.Title ?? string.Empty);
        Set("root-instance-title", partition.RootTitle ?? string.Empty);
        Set("instance-guid", partition.InstanceReference ?? string.Empty);
        Set("timestamp", partition.Timestamp?.ToString() ?? string.Empty);

        var ipv4 = new List<string>();
        var ipv6 = new List<string>();
        var taps = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var address in partition.Addresses)
        {
            if (!IPAddress.TryParse(address.Address, out var ip))
            {
                continue;
            }

            (ip.AddressFamily == AddressFamily.InterNetwork ? ipv4 : ipv6).Add(address.Address);
            if (!string.IsNullOrEmpty(address.NetworkInterface))
            {
                taps.Add(address.NetworkInterface);
            }
        }

        Set("ipv4", string.Join('\n', ipv4));
        Set("ipv6", string.Join('\n', ipv6));
        Set("tap", string.Join('\n', taps));
        if (ipv4.Count > 0)
        {
            Set("ipv4-random", ipv4[0]);
        }

        if (ipv6.Count > 0)
        {
            Set("ipv6-random", ipv6[0]);
        }

        var shared = partition.SharedInstances.Select(s =>
        {
            var entry = new Dictionary<string, string>(s.Parameters, StringComparer.Ordinal)
            {
                ["slave_reference"] = s.Reference,
                ["slave_title"] = s.Title,
                ["slap_software_type"] = s.SoftwareType,
            };
            return entry;
        }).ToList();
        Set("slave-instance-list", JsonSerializer.Serialize(shared, Json));

        return options;
    }

    public Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    private static Dictionary<string, string> Unpack(string packed, string part)
    {
        try
        {
            using var document = JsonDocument.Parse(packed);
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return result;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                result[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }

            return result;
        }
        catch (JsonException ex)
        {
            throw new BuildoutException($"The serialised parameter '_' given to [{part}] is not JSON: {ex.Message}", ex);
        }
    }
}
