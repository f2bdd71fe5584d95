using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SlapOS.Master.Api.Json;

/// <summary>
/// <c>slapos.get.v0.software_instance_status</c> (ours): how far an instance got, for <c>slapos request --wait</c>.
/// SlapOS's instance document has no room for it (its schema forbids extra keys): where it is allocated, what the
/// node last reported for it and for its release on that computer, the errors, and the connection parameters.
/// Allowed to whoever may read the instance.
/// </summary>
internal static class InstanceStatusEndpoint
{
    public const string Path = "/slapos.get.v0.software_instance_status";

    /// <summary>The answer's schema, as strict as SlapOS's.</summary>
    public const string ResponseSchema = """
        {
          "type": "object",
          "required": ["instance_guid", "title", "state", "computer_guid", "compute_partition_id", "reported_state", "reported_at", "error_message", "software_installation_state", "software_installation_error", "connection_parameters"],
          "additionalProperties": false,
          "properties": {
            "instance_guid": { "type": "string" },
            "title": { "type": "string" },
            "state": { "enum": ["started", "stopped", "destroyed"] },
            "computer_guid": { "type": ["string", "null"] },
            "compute_partition_id": { "type": ["string", "null"] },
            "reported_state": { "enum": ["none", "started", "stopped", "destroyed", "error"] },
            "reported_at": { "type": ["string", "null"] },
            "error_message": { "type": ["string", "null"] },
            "software_installation_state": { "enum": ["none", "building", "available", "error", "destroyed"] },
            "software_installation_error": { "type": ["string", "null"] },
            "connection_parameters": { "type": "object" }
          }
        }
        """;

    public static async Task<object> GetAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, instance) = await InstanceEndpoints.AuthorizedInstanceAsync(context, body, cancellationToken);
        SoftwareInstallation? installation = null;
        if (instance.ComputerReference is { } computer)
        {
            var installations = await master.ListSoftwareInstallationsAsync(computer, cancellationToken);
            installation = installations.FirstOrDefault(i => string.Equals(i.SoftwareReleaseUrl, instance.SoftwareReleaseUrl, StringComparison.Ordinal));
        }

        return new Dictionary<string, object?>
        {
            ["instance_guid"] = instance.Reference,
            ["title"] = instance.Title,
            ["state"] = instance.RequestedState.ToWire(),
            ["computer_guid"] = instance.ComputerReference,
            ["compute_partition_id"] = instance.PartitionReference,
            ["reported_state"] = instance.ReportedState.ToWire(),
            ["reported_at"] = instance.ReportedAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["error_message"] = instance.ErrorMessage,
            ["software_installation_state"] = installation?.ReportedState?.ToWire() ?? "none",
            ["software_installation_error"] = installation?.ErrorMessage,
            ["connection_parameters"] = instance.ConnectionParameters,
        };
    }
}
