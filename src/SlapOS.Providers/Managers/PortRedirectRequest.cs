using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Managers;

/// <summary>
/// Reads a partition's <c>.slapos-port-redirect</c> (slapgrid's format): a JSON list of
/// <c>{"srcPort", "destPort", "type"?, "srcAddress"?, "destAddress"?}</c>; ports as numbers or strings of digits, the
/// destination defaulting to the partition's IPv6 address. Entries that are wrong are refused one by one.
/// </summary>
internal static class PortRedirectRequest
{
    /// <summary>The request file, in the partition directory (slapgrid's name).</summary>
    public const string FileName = ".slapos-port-redirect";

    /// <summary>
    /// Logs each refused redirection and, when there is one, throws them all as the partition's failure (its other
    /// redirections stay applied).
    /// </summary>
    public static void ReportRefusals(ILogger logger, NodeManagerPartition partition, List<string> refusals)
    {
        foreach (var refusal in refusals)
        {
            PortRedirectManagerLog.Refused(logger, partition.PartitionReference, refusal);
        }

        if (refusals.Count > 0)
        {
            throw new NodeManagerException(string.Join('\n', refusals.Select(r => "portredir: " + r)));
        }
    }

    /// <summary>
    /// The partition's redirections, or <see langword="null"/> when it has no request file; the refused entries, with
    /// why, go to <paramref name="refusals"/>. A file that is not a JSON list throws.
    /// </summary>
    public static List<PortRedirection>? Read(NodeManagerPartition partition, PortRedirectManagerOptions options, List<string> refusals)
    {
        var file = Path.Combine(partition.PartitionPath, FileName);
        if (!File.Exists(file))
        {
            return null;
        }

        List<JsonElement> entries;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            entries = document.RootElement.ValueKind == JsonValueKind.Array
                ? [.. document.RootElement.EnumerateArray().Select(e => e.Clone())]
                : throw new NodeManagerException($"portredir: {FileName} must be a JSON list of redirections.");
        }
        catch (JsonException ex)
        {
            throw new NodeManagerException($"portredir: {FileName} is not JSON: {ex.Message}", ex);
        }

        var redirections = new List<PortRedirection>();
        foreach (var entry in entries)
        {
            if (Parse(entry, partition, options, out var reason) is { } redirection)
            {
                redirections.Add(redirection);
            }
            else
            {
                refusals.Add(reason);
            }
        }

        return redirections;
    }

    private static PortRedirection? Parse(JsonElement entry, NodeManagerPartition partition, PortRedirectManagerOptions options, out string reason)
    {
        reason = string.Empty;
        if (entry.ValueKind != JsonValueKind.Object)
        {
            reason = $"each redirection is an object with srcPort and destPort (got {entry.GetRawText()})";
            return null;
        }

        var type = (Text(entry, "type") ?? "tcp").ToLowerInvariant();
        if (type is not ("tcp" or "udp"))
        {
            reason = $"type must be tcp or udp (got '{type}')";
            return null;
        }

        var source = Port(entry, "srcPort");
        var destination = Port(entry, "destPort");
        if (source is null || destination is null)
        {
            reason = $"srcPort and destPort must be ports 1-65535 (got {entry.GetRawText()})";
            return null;
        }

        if (source < options.MinimumSourcePort || source > options.MaximumSourcePort)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"host port {source} is outside {options.MinimumSourcePort}-{options.MaximumSourcePort} ({PortRedirectManagerOptions.SectionName})");
            return null;
        }

        IPAddress? sourceAddress = null;
        if (Text(entry, "srcAddress") is { } sourceText && !IPAddress.TryParse(sourceText, out sourceAddress))
        {
            reason = $"srcAddress '{sourceText}' is not an IP address";
            return null;
        }

        var destinationText = Text(entry, "destAddress")
            ?? partition.Instance?.Addresses.Select(a => a.Address).FirstOrDefault(a => a.Contains(':', StringComparison.Ordinal));
        if (destinationText is null || !IPAddress.TryParse(destinationText, out var destinationAddress))
        {
            reason = destinationText is null
                ? $"no destAddress and the partition has no IPv6 address to default to (port {source})"
                : $"destAddress '{destinationText}' is not an IP address";
            return null;
        }

        return new PortRedirection(type, source.Value, sourceAddress, destination.Value, destinationAddress);
    }

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A port given as a number or a string of digits (slapgrid accepts both).</summary>
    private static int? Port(JsonElement entry, string name)
    {
        if (!entry.TryGetProperty(name, out var value))
        {
            return null;
        }

        var port = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var number) => number,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
            _ => 0,
        };
        return port is >= 1 and <= 65535 ? port : null;
    }
}
