using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Api.Json;

/// <summary>The JSON API's instance endpoints (<c>software_instance</c>, <c>instance_tree</c>).</summary>
internal static class InstanceEndpoints
{
    public static async Task<object> RequestAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var master = context.RequestServices.GetRequiredService<ISlapMaster>();
        var caller = context.GetSlapIdentity();
        var request = new InstanceRequest
        {
            Title = JsonDocuments.RequiredString(body, "title"),
            RequesterReference = SlapAuthorization.RequesterOf(caller),
            SoftwareReleaseUrl = JsonDocuments.RequiredString(body, "software_release_uri"),
            SoftwareType = JsonDocuments.OptionalString(body, "software_type") ?? InstanceRequest.DefaultSoftwareType,
            State = SlapStates.ParseRequestedState(JsonDocuments.OptionalString(body, "state") ?? "started"),
            Shared = body.TryGetProperty("shared", out var shared) && shared.ValueKind == JsonValueKind.True,
            Parameters = body.TryGetProperty("parameters", out var parameters) ? JsonParameterValues.ToStrings(parameters) : new Dictionary<string, string>(),
            Sla = body.TryGetProperty("sla_parameters", out var sla) ? JsonParameterValues.ToStrings(sla) : new Dictionary<string, string>(),
        };
        if (Compatibility.SlapproxySimpleFrontend.Answer(context, request) is { } frontend)
        {
            return SimpleFrontend(frontend);
        }

        var instance = await master.RequestAsync(request, cancellationToken);
        JsonDocuments.WithExactTimestamp(context, instance);
        JsonDocuments.WithTraceParent(context, instance);
        await Federation.ForwardedInstances.AddHeadersAsync(context, instance, cancellationToken);
        var document = await JsonDocuments.InstanceAsync(master, instance, cancellationToken, hostAddresses: true);
        if (instance.Shared && Compatibility.SlapproxyProfile.IsOn(context))
        {
            // slapproxy keeps no timestamp for a shared instance: its request answer says 0 (the header keeps ours).
            document["processing_timestamp"] = 0;
        }

        return document;
    }

    /// <summary>slapproxy's answer to a simple frontend request: the URL itself, nothing stored.</summary>
    private static Dictionary<string, object?> SimpleFrontend(SoftwareInstance answer) =>
        new()
        {
            ["title"] = answer.Title,
            ["instance_guid"] = answer.Reference,
            ["software_release_uri"] = answer.SoftwareReleaseUrl,
            ["software_type"] = answer.SoftwareType,
            ["state"] = answer.RequestedState.ToWire(),
            ["connection_parameters"] = answer.ConnectionParameters,
            ["parameters"] = answer.Parameters,
            ["shared"] = true,
            ["root_instance_title"] = answer.Title,
            ["ip_list"] = Array.Empty<object>(),
            ["full_ip_list"] = Array.Empty<object>(),
            ["sla_parameters"] = answer.Sla,
            ["computer_guid"] = answer.ComputerReference,
            ["compute_partition_id"] = answer.PartitionReference,
            ["processing_timestamp"] = 0,
            ["access_status_message"] = string.Empty,
        };

    public static async Task<object> GetAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, instance) = await AuthorizedInstanceAsync(context, body, cancellationToken);
        JsonDocuments.WithExactTimestamp(context, instance);
        JsonDocuments.WithTraceParent(context, instance);
        await Federation.ForwardedInstances.AddHeadersAsync(context, instance, cancellationToken);
        return await JsonDocuments.InstanceAsync(master, instance, cancellationToken);
    }

    public static async Task<object> GetTreeAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var master = context.RequestServices.GetRequiredService<ISlapMaster>();
        var title = JsonDocuments.RequiredString(body, "title");
        var requester = SlapAuthorization.RequesterOf(context.GetSlapIdentity());
        var instance = await master.FindInstanceAsync(requester, title, cancellationToken)
            ?? throw new SlapNotFoundException("instance tree", title);
        JsonDocuments.WithExactTimestamp(context, instance);
        JsonDocuments.WithTraceParent(context, instance);
        return await JsonDocuments.InstanceAsync(master, instance, cancellationToken);
    }

    public static async Task<object> ListTreesAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var master = context.RequestServices.GetRequiredService<ISlapMaster>();
        var caller = context.GetSlapIdentity();
        var query = caller.IsAdmin ? new InstanceQuery() : new InstanceQuery { RequesterReference = SlapAuthorization.RequesterOf(caller) };
        var titles = new List<object>();
        await foreach (var instance in master.ListInstancesAsync(query, cancellationToken))
        {
            if (instance.IsRoot)
            {
                titles.Add(new Dictionary<string, object?> { ["title"] = instance.Title });
            }
        }

        return JsonDocuments.ResultList(titles);
    }

    public static async Task<object> ListHostedAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, host) = await AuthorizedInstanceAsync(context, body, cancellationToken);
        if (host.Shared)
        {
            throw new SlapException(SlapErrorKind.Forbidden, $"shared instance '{host.Title}' hosts no instance");
        }

        var hosted = new List<object>();
        await foreach (var shared in master.ListInstancesAsync(new InstanceQuery { HostInstanceReference = host.Reference }, cancellationToken))
        {
            hosted.Add(new Dictionary<string, object?>
            {
                ["title"] = shared.Title,
                ["instance_guid"] = shared.Reference,
                ["software_type"] = shared.SoftwareType,
                ["state"] = shared.RequestedState.ToWire(),
                ["parameters"] = shared.Parameters,
                ["compute_partition_id"] = shared.PartitionReference ?? string.Empty,
            });
        }

        return JsonDocuments.ResultList(hosted);
    }

    public static async Task<object> RenameAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, instance) = await AuthorizedInstanceAsync(context, body, cancellationToken);
        if (instance.Shared)
        {
            // Its partition is its host's: renaming through it would rename the host (SlapOS refuses with a 403 too).
            throw new SlapException(SlapErrorKind.Forbidden, $"shared instance '{instance.Title}' cannot be renamed");
        }

        var (computer, partition) = PartitionOf(instance);
        await master.RenameAsync(computer, partition, JsonDocuments.RequiredString(body, "title"), cancellationToken);
        return JsonDocuments.Success("Renamed");
    }

    public static async Task<object> PublishConnectionParametersAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, instance) = await AuthorizedInstanceAsync(context, body, cancellationToken, instanceSide: "publish the connection parameters");
        var parameters = JsonParameterValues.ToStrings(body.GetProperty("connection_parameter_dict"));
        SlapReference.ValidateParameters(parameters, "connection_parameter_dict");
        var (computer, partition) = PartitionOf(instance);
        await master.PublishConnectionParametersAsync(computer, partition, parameters, instance.Shared ? instance.Reference : null, cancellationToken);
        return JsonDocuments.Success("Updated");
    }

    public static async Task<object> ReportErrorAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, instance) = await AuthorizedInstanceAsync(context, body, cancellationToken, instanceSide: "report an error");
        if (instance.Shared)
        {
            return JsonDocuments.Success("Ignored");
        }

        var (computer, partition) = PartitionOf(instance);
        await master.ReportInstanceStateAsync(computer, partition, ReportedState.Error, JsonDocuments.RequiredString(body, "message"), cancellationToken);
        return JsonDocuments.Success("Error reported");
    }

    public static async Task<object> ReportStateAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, instance) = await AuthorizedInstanceAsync(context, body, cancellationToken, instanceSide: "report the state");
        if (instance.Shared)
        {
            // A shared instance has no partition of its own: its host reports for it.
            return JsonDocuments.Success("Ignored");
        }

        var (computer, partition) = PartitionOf(instance);
        switch (SlapStates.ReportedStateOf(JsonDocuments.RequiredString(body, "reported_state")))
        {
            case ReportedState.Destroyed:
                try
                {
                    await master.ReportDestroyedAsync(computer, partition, cancellationToken);
                }
                catch (SlapException e) when (e.Kind == SlapErrorKind.NotReady)
                {
                    // SlapOS answers "Not destroying yet…" with a 403 here (its children are already marked destroyed).
                    throw new JsonApiStatusException(StatusCodes.Status403Forbidden, e);
                }

                return JsonDocuments.Success("Destroyed");
            case ReportedState.Started:
                await master.ReportInstanceStateAsync(computer, partition, ReportedState.Started, null, cancellationToken);
                return JsonDocuments.Success("Started");
            default:
                await master.ReportInstanceStateAsync(computer, partition, ReportedState.Stopped, null, cancellationToken);
                return JsonDocuments.Success("Stopped");
        }
    }

    public static async Task<object> BangAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, instance) = await AuthorizedInstanceAsync(context, body, cancellationToken);
        if (instance.Shared)
        {
            throw new SlapException(SlapErrorKind.Forbidden, $"shared instance '{instance.Title}' cannot be banged; bang its host");
        }

        var (computer, partition) = PartitionOf(instance);
        await master.BangAsync(computer, partition, JsonDocuments.OptionalString(body, "message"), cancellationToken);
        return JsonDocuments.Success("Bang handled");
    }

    public static async Task<object> CertificateAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (_, instance) = await AuthorizedInstanceAsync(context, body, cancellationToken, instanceSide: "obtain the certificate");
        return await CertificateEndpoints.IssueAsync(context, new SlapIdentity(IdentityKind.Partition, instance.Reference), cancellationToken);
    }

    public static async Task<object> RemoveCertificateAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        // The instance itself, its node, its tree's owner or an administrator (a stolen partition key is the owner's to revoke).
        var (_, instance) = await AuthorizedInstanceAsync(context, body, cancellationToken);
        return await CertificateEndpoints.RevokeSubjectAsync(context, body, new SlapIdentity(IdentityKind.Partition, instance.Reference), cancellationToken);
    }

    /// <summary>
    /// The instance named by <c>instance_guid</c>, once the caller is known to be allowed to act on it: checked once,
    /// as what only the instance's own side does when <paramref name="instanceSide"/> names it, else as any act on the instance.
    /// </summary>
    internal static async Task<(ISlapMaster Master, SoftwareInstance Instance)> AuthorizedInstanceAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken, string? instanceSide = null)
    {
        var master = context.RequestServices.GetRequiredService<ISlapMaster>();
        var reference = JsonDocuments.RequiredString(body, "instance_guid");
        var instance = await master.GetInstanceAsync(reference, cancellationToken);
        var caller = context.GetSlapIdentity();
        if (instanceSide is not null)
        {
            SlapAuthorization.DemandInstanceSide(caller, instance, instanceSide);
        }
        else if (!caller.IsAdmin)
        {
            var owner = instance.IsRoot ? instance.RequesterReference : (await master.GetInstanceAsync(instance.RootReference, cancellationToken)).RequesterReference;
            SlapAuthorization.DemandInstance(caller, instance, owner);
        }

        return (master, instance);
    }

    private static (string Computer, string Partition) PartitionOf(SoftwareInstance instance) =>
        instance is { ComputerReference: { } computer, PartitionReference: { } partition }
            ? (computer, partition)
            : throw new SlapException(SlapErrorKind.NotReady, $"instance '{instance.Title}' is not allocated yet");
}
