using System.Text.Json;
using SlapOS.Wire;

namespace SlapOS.Master.Api.Json;

/// <summary>Builds the JSON API's documents from the model, with the keys and shapes SlapOS uses.</summary>
internal static class JsonDocuments
{
    public static object Success(string title) => new Dictionary<string, object?> { ["type"] = "success", ["title"] = title };

    public static object ResultList(IEnumerable<object> items) => new Dictionary<string, object?> { ["result_list"] = items.ToList() };

    /// <summary>
    /// An instance as <c>slapos.get.v0.software_instance</c> shows it, with exactly SlapOS's keys (its schema
    /// forbids others). <c>processing_timestamp</c> is whole seconds as SlapOS sends it; the exact value goes
    /// in the <see cref="SlapHeaders.Timestamp"/> header (<see cref="WithInstanceHeaders"/>) so that our nodes never
    /// miss two changes within one second.
    /// </summary>
    /// <param name="master">The engine.</param>
    /// <param name="instance">The instance.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <param name="hostAddresses">For a shared instance, give its host's addresses (SlapOS does so in the request answer only).</param>
    public static async Task<Dictionary<string, object?>> InstanceAsync(ISlapMaster master, SoftwareInstance instance, CancellationToken cancellationToken, bool hostAddresses = false)
    {
        var rootTitle = instance.IsRoot ? instance.Title : (await master.GetInstanceAsync(instance.RootReference, cancellationToken)).Title;
        var ipList = new List<string[]>();
        if ((!instance.Shared || hostAddresses) && instance.ComputerReference is { } computer && instance.PartitionReference is { } partition)
        {
            // By key: an answer about one instance never reads its computer's other partitions.
            var addresses = (await master.FindPartitionAsync(computer, partition, cancellationToken))?.Addresses ?? [];
            ipList.AddRange(addresses.Select(a => new[] { a.NetworkInterface ?? string.Empty, a.Address }));
        }

        return new Dictionary<string, object?>
        {
            ["title"] = instance.Title,
            ["instance_guid"] = instance.Reference,
            ["software_release_uri"] = instance.SoftwareReleaseUrl,
            ["software_type"] = instance.SoftwareType,
            ["state"] = instance.RequestedState.ToWire(),
            ["connection_parameters"] = instance.ConnectionParameters,
            ["parameters"] = instance.Parameters,
            ["shared"] = instance.Shared,
            ["root_instance_title"] = rootTitle,
            ["ip_list"] = ipList,
            ["full_ip_list"] = Array.Empty<object>(),
            ["sla_parameters"] = instance.Sla,
            ["computer_guid"] = instance.ComputerReference ?? string.Empty,
            ["compute_partition_id"] = instance.PartitionReference ?? string.Empty,
            ["processing_timestamp"] = instance.Timestamp.Microseconds / 1_000_000,
            ["access_status_message"] = instance.ErrorMessage ?? string.Empty,
        };
    }

    /// <summary>
    /// Sets <see cref="SlapHeaders.Timestamp"/> to <paramref name="instance"/>'s exact timestamp and
    /// <see cref="SlapHeaders.ReportedState"/> to what its node last reported (a forwarding master brings it back), and
    /// <see cref="SlapHeaders.TraceParent"/> to the trace context stored with it, if any (our nodes make their deployment
    /// of the instance a span of that trace).
    /// </summary>
    public static void WithInstanceHeaders(Microsoft.AspNetCore.Http.HttpContext context, SoftwareInstance instance)
    {
        context.Response.Headers[SlapHeaders.Timestamp] = instance.Timestamp.ToString();
        context.Response.Headers[SlapHeaders.ReportedState] = instance.ReportedState.ToWire();
        if (instance.TraceParent is { } traceParent)
        {
            context.Response.Headers[SlapHeaders.TraceParent] = traceParent;
        }
    }

    public static string? OptionalString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string RequiredString(JsonElement body, string name) =>
        OptionalString(body, name) ?? throw new SlapValidationException(name, "is required");
}
