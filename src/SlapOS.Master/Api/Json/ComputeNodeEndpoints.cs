using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Accounting;
using SlapOS.Master.Api.Security;
using SlapOS.Master.Compatibility;

namespace SlapOS.Master.Api.Json;

/// <summary>The JSON API's computer endpoints (<c>compute_node</c>, <c>compute_partition</c>, <c>software_installation</c>).</summary>
internal static class ComputeNodeEndpoints
{
    public static async Task<object> SupplyAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, computer) = await AuthorizedComputerAsync(context, body, cancellationToken, mustExist: true);
        var url = SlapproxyProfile.SoftwareRelease(context, JsonDocuments.RequiredString(body, "software_release_uri"), "software_release_uri");
        var state = SlapStates.ParseSupplyState(JsonDocuments.OptionalString(body, "state") ?? "available");
        await master.SupplyAsync(computer, url, state, cancellationToken);
        return JsonDocuments.Success($"Supplied {url} to be {state.ToWire()}");
    }

    public static async Task<object> ReportSoftwareStateAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, computer) = await AuthorizedComputerAsync(context, body, cancellationToken);
        var state = SlapStates.ParseInstallationState(JsonDocuments.RequiredString(body, "reported_state"));
        var url = JsonDocuments.RequiredString(body, "software_release_uri");
        await master.ReportSoftwareInstallationAsync(computer, url, state, null, cancellationToken);
        if (state == SoftwareInstallationState.Destroyed && SlapproxyProfile.IsOn(context))
        {
            // slapproxy forgets a release its node reports removed: the supply ends destroyed, so it is no longer
            // listed (a later supply brings it back).
            await master.SupplyAsync(computer, url, SupplyState.Destroyed, cancellationToken);
        }

        return JsonDocuments.Success("Reported");
    }

    public static async Task<object> ReportSoftwareErrorAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, computer) = await AuthorizedComputerAsync(context, body, cancellationToken);
        await master.ReportSoftwareInstallationAsync(computer, JsonDocuments.RequiredString(body, "software_release_uri"), SoftwareInstallationState.Error, JsonDocuments.RequiredString(body, "message"), cancellationToken);
        return JsonDocuments.Success("Reported");
    }

    public static async Task<object> ListSoftwareInstallationsAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, computer) = await AuthorizedComputerAsync(context, body, cancellationToken, mustExist: true);
        if (await ComputerEntityTag.NotModifiedAsync(context, master, computer, ComputerEntityTag.SoftwareInstallations, cancellationToken))
        {
            return JsonApiNotModified.Instance;
        }

        var installations = await master.ListSoftwareInstallationsAsync(computer, cancellationToken);
        // A release the node reported removed is gone, as in the node's XML view (SlapOS deletes the supply then).
        return JsonDocuments.ResultList(installations.Where(i => !(i.RequestedState == SupplyState.Destroyed && i.ReportedState == SoftwareInstallationState.Destroyed)).Select(i => new Dictionary<string, object?>
        {
            ["software_release_uri"] = i.SoftwareReleaseUrl,
            ["state"] = i.RequestedState.ToWire(),
        }));
    }

    public static async Task<object> ListInstancesAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, computer) = await AuthorizedComputerAsync(context, body, cancellationToken, mustExist: true);
        if (await ComputerEntityTag.NotModifiedAsync(context, master, computer, ComputerEntityTag.Instances, cancellationToken))
        {
            return JsonApiNotModified.Instance;
        }

        var instances = new List<object>();
        await foreach (var instance in master.ListInstancesAsync(new InstanceQuery { ComputerReference = computer, Shared = false }, cancellationToken))
        {
            instances.Add(new Dictionary<string, object?>
            {
                ["title"] = instance.Title,
                ["instance_guid"] = instance.Reference,
                ["state"] = instance.RequestedState.ToWire(),
                ["compute_partition_id"] = instance.PartitionReference ?? string.Empty,
                ["software_release_uri"] = instance.SoftwareReleaseUrl,
            });
        }

        return JsonDocuments.ResultList(instances);
    }

    public static async Task<object> GetPartitionAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, computer) = await AuthorizedComputerAsync(context, body, cancellationToken, mustExist: true);
        var partition = SlapproxyProfile.PartitionReference(context, JsonDocuments.RequiredString(body, "compute_partition_id"), "compute_partition_id");
        var instance = await master.GetPartitionInstanceAsync(computer, partition, cancellationToken);
        JsonDocuments.WithInstanceHeaders(context, instance);
        return await JsonDocuments.InstanceAsync(master, instance, cancellationToken);
    }

    public static async Task<object> GetStatusAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, computer) = await AuthorizedComputerAsync(context, body, cancellationToken, mustExist: true);
        var found = await master.GetComputerAsync(computer, cancellationToken);
        var text = found.LastContact is { } contact ? $"Last contact: {contact:u}" : "No contact yet";
        return new Dictionary<string, object?> { ["text"] = text, ["last_contact"] = found.LastContact };
    }

    public static async Task<object> FormatAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, computer) = await AuthorizedComputerAsync(context, body, cancellationToken);
        var partitions = new List<ComputerPartition>();
        foreach (var item in body.GetProperty("compute_partition_list").EnumerateArray())
        {
            var addresses = new List<PartitionAddress>();
            PartitionTap? tap = null;
            if (item.TryGetProperty("ip_list", out var ipList))
            {
                foreach (var ip in ipList.EnumerateArray())
                {
                    var address = JsonDocuments.RequiredString(ip, "ip-address");
                    var netmask = JsonDocuments.OptionalString(ip, "netmask");
                    var networkInterface = JsonDocuments.OptionalString(ip, "network-interface");
                    if (JsonDocuments.OptionalString(ip, "gateway-ip-address") is { } gateway && networkInterface is not null)
                    {
                        // A full IP entry (with its gateway) is a tap's routable IPv4, as slapgrid's full_ip_list.
                        tap = new PartitionTap(networkInterface, address, gateway, netmask, JsonDocuments.OptionalString(ip, "network-address"));
                        continue;
                    }

                    addresses.Add(new PartitionAddress(address, netmask ?? string.Empty, networkInterface));
                }
            }

            partitions.Add(new ComputerPartition
            {
                ComputerReference = computer,
                Reference = SlapproxyProfile.PartitionReference(context, JsonDocuments.RequiredString(item, "partition_id"), "partition_id"),
                Addresses = addresses,
                Tap = tap,
            });
        }

        var result = await master.FormatComputerAsync(new ComputerFormat(computer, null, null, partitions), cancellationToken);
        var title = result.KeptBusy.Count == 0
            ? "Formatted"
            : $"Formatted; kept busy partitions missing from the upload: {string.Join(", ", result.KeptBusy)}";
        return JsonDocuments.Success(title);
    }

    public static async Task<object> BangAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, computer) = await AuthorizedComputerAsync(context, body, cancellationToken, mustExist: true);
        await master.BangComputerAsync(computer, JsonDocuments.OptionalString(body, "message"), cancellationToken);

        return JsonDocuments.Success("Bang handled");
    }

    public static async Task<object> ReportUsageAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, computer) = await AuthorizedComputerAsync(context, body, cancellationToken, mustExist: true);
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var report = TioXmlUsageReader.Read(computer, JsonDocuments.RequiredString(body, "tioxml"), time.GetUtcNow());
        await master.RecordUsageAsync(report, cancellationToken);
        return JsonDocuments.Success($"Recorded {report.Records.Count} usage records");
    }

    /// <summary>
    /// Our long-poll (not in SlapOS's v0). The answer is decided from the computer's stored change stamp, whichever
    /// master made the change: <c>changed: true</c> as soon as the stamp differs from <c>change_stamp</c> (what the
    /// node last saw; without it, the stamp when the call began, or an instance newer than <c>timestamp</c>), or
    /// <c>changed: false</c> after <c>timeout</c> seconds (at most 60). Every answer carries the stamp read, for
    /// the node's next call: a change made while no call was open, or while this master restarted, is not lost.
    /// </summary>
    public static async Task<object> WaitForChangeAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (master, computer) = await AuthorizedComputerAsync(context, body, cancellationToken, mustExist: true);
        var seconds = body.TryGetProperty("timeout", out var timeout) ? Math.Clamp(timeout.GetDouble(), 0, 60) : 30;
        long? seen = body.TryGetProperty("change_stamp", out var seenStamp)
            ? seenStamp.TryGetInt64(out var value) ? value : throw new SlapValidationException("change_stamp", "must be the integer a previous answer gave")
            : null;
        var notifier = context.RequestServices.GetRequiredService<SlapOS.Master.Changes.ComputerChangeNotifier>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(seconds);

        // Subscribe first, then read: a change between the read and the wait wakes the wait.
        var wake = notifier.WaitAsync(computer, TimeSpan.FromSeconds(seconds), time, cancellationToken);
        var stamp = await master.GetChangeStampAsync(computer, cancellationToken);
        var baseline = seen ?? stamp;
        if (stamp != baseline)
        {
            return Answer(true, stamp);
        }

        if (seen is null && JsonDocuments.OptionalString(body, "timestamp") is { } since)
        {
            var known = decimal.TryParse(since, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
                ? InstanceTimestamp.Parse(since)
                : throw new SlapValidationException("timestamp", "must be seconds since the epoch, e.g. 1795545640.694194");
            await foreach (var instance in master.ListInstancesAsync(new InstanceQuery { ComputerReference = computer }, cancellationToken))
            {
                if (instance.Timestamp > known)
                {
                    return Answer(true, stamp);
                }
            }
        }

        while (true)
        {
            var woken = await wake;
            var remaining = deadline - time.GetUtcNow();
            if (woken && remaining > TimeSpan.Zero)
            {
                // Subscribe again before reading, for the same reason as above.
                wake = notifier.WaitAsync(computer, remaining, time, cancellationToken);
            }

            stamp = await master.GetChangeStampAsync(computer, cancellationToken);
            if (stamp != baseline || !woken || remaining <= TimeSpan.Zero)
            {
                // At the timeout too the answer is the stored truth, not "nothing woke me".
                return Answer(stamp != baseline, stamp);
            }
        }

        static Dictionary<string, object?> Answer(bool changed, long stamp) => new() { ["changed"] = changed, ["change_stamp"] = stamp };
    }

    public static async Task<object> CertificateAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var (_, computer) = await AuthorizedComputerAsync(context, body, cancellationToken, mustExist: true);
        return await CertificateEndpoints.IssueAsync(context, new SlapIdentity(IdentityKind.Computer, computer), cancellationToken);
    }

    public static async Task<object> RemoveCertificateAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        // The computer itself, its owner or an administrator: every certificate of the computer, or the one named.
        var (_, computer) = await AuthorizedComputerAsync(context, body, cancellationToken, mustExist: true);
        if (context.RequestServices.GetService<ICertificateAuthority>() is null)
        {
            // No CA (insecure loopback development, as slapproxy): no certificate was issued, nothing to revoke.
            return JsonDocuments.Success("Ignored");
        }

        return await CertificateEndpoints.RevokeSubjectAsync(context, body, new SlapIdentity(IdentityKind.Computer, computer), cancellationToken);
    }

    public static async Task<object> ListComputersAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var master = context.RequestServices.GetRequiredService<ISlapMaster>();
        var caller = context.GetSlapIdentity();
        var computers = new List<object>();
        await foreach (var computer in master.ListComputersAsync(cancellationToken))
        {
            if (caller.IsAdmin || (caller.Kind == IdentityKind.Computer && caller.Reference == computer.Reference) || computer.OwnerReference == caller.Reference)
            {
                computers.Add(new Dictionary<string, object?> { ["computer_guid"] = computer.Reference });
            }
        }

        return JsonDocuments.ResultList(computers);
    }

    private static async Task<(ISlapMaster Master, string Computer)> AuthorizedComputerAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken, bool mustExist = false)
    {
        var master = context.RequestServices.GetRequiredService<ISlapMaster>();
        var reference = SlapReference.Validate(JsonDocuments.RequiredString(body, "computer_guid"), "computer_guid");
        var caller = context.GetSlapIdentity();
        var computer = mustExist || (caller.Kind == IdentityKind.Person && !caller.IsAdmin) ? await master.GetComputerAsync(reference, cancellationToken) : null;
        SlapAuthorization.DemandComputer(caller, reference, computer);
        return (master, reference);
    }
}
