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

        var parameters = new Dictionary<string, string>(partition.Parameters, StringComparer.Ordinal);
        if (serialised && parameters.TryGetValue("_", out var packed))
        {
            parameters = Unpack(packed, part.PartName);
        }

        foreach (var (key, value) in parameters)
        {
            // Keys that buildout syntax cannot express are only in "configuration".
            if (key.Length > 0 && !key.Any(c => char.IsWhiteSpace(c) || c is ':' or '=' or '[' or ']' or '{' or '}' or '$'))
            {
                part.Set("configuration." + key, value);
            }
        }

        part.Set("configuration", JsonSerializer.Serialize(parameters, Json));
        part.Set("computer", partition.ComputerReference);
        part.Set("partition", partition.PartitionReference);
        part.Set("slap-computer-id", partition.ComputerReference);
        part.Set("slap-computer-partition-id", partition.PartitionReference);
        part.Set("slap-software-type", partition.SoftwareType);
        part.Set("slap-software-release-url", partition.SoftwareReleaseUrl ?? string.Empty);
        part.Set("instance-state", partition.RequestedState.ToWire());
        part.Set("instance-title", partition.Title ?? string.Empty);
        part.Set("root-instance-title", partition.RootTitle ?? string.Empty);
        part.Set("instance-guid", partition.InstanceReference ?? string.Empty);
        part.Set("timestamp", partition.Timestamp?.ToString() ?? string.Empty);

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

        part.Set("ipv4", string.Join('\n', ipv4));
        part.Set("ipv6", string.Join('\n', ipv6));
        part.Set("tap", string.Join('\n', taps));
        if (ipv4.Count > 0)
        {
            part.Set("ipv4-random", ipv4[0]);
        }

        if (ipv6.Count > 0)
        {
            part.Set("ipv6-random", ipv6[0]);
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
        part.Set("slave-instance-list", JsonSerializer.Serialize(shared, Json));
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
