using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Accounting;
using SlapOS.Master.Api.Json;
using SlapOS.Master.Api.Security;
using SlapOS.Master.Compatibility;
using SlapOS.Wire;

namespace SlapOS.Master.Api.Xml;

/// <summary>
/// The legacy XML slap API, as real slapgrid nodes and the slap library call it: same paths, same
/// form fields, same answers. Unlike slapproxy, every report is kept and a missing optional field is no error.
/// </summary>
internal static class XmlApiEndpoints
{
    private static readonly string RunId = Guid.NewGuid().ToString("N");

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        Get(endpoints, "/getFullComputerInformation", GetComputerAsync);
        Get(endpoints, "/getComputerInformation", GetComputerAsync);
        Get(endpoints, "/registerComputerPartition", RegisterPartitionAsync);
        Get(endpoints, "/getComputerPartitionCertificate", PartitionCertificateAsync);
        Get(endpoints, "/getComputerPartitionStatus", PartitionStatusAsync);
        Get(endpoints, "/getSoftwareReleaseListFromSoftwareProduct", SoftwareReleaseListAsync);
        Get(endpoints, "/getRunId", (_, _, _) => Task.FromResult(RunId));
        Post(endpoints, "/loadComputerConfigurationFromXML", FormatAsync);
        Post(endpoints, "/supplySupply", SupplyAsync);
        Post(endpoints, "/requestComputerPartition", RequestAsync);
        Post(endpoints, "/setComputerPartitionConnectionXml", SetConnectionAsync);
        Post(endpoints, "/buildingSoftwareRelease", (c, r, t) => SoftwareReportAsync(c, r, SoftwareInstallationState.Building, "Ignored", t));
        Post(endpoints, "/availableSoftwareRelease", (c, r, t) => SoftwareReportAsync(c, r, SoftwareInstallationState.Available, "Ignored", t));
        Post(endpoints, "/softwareReleaseError", (c, r, t) => SoftwareReportAsync(c, r, SoftwareInstallationState.Error, "Ignored", t));
        Post(endpoints, "/destroyedSoftwareRelease", (c, r, t) => SoftwareReportAsync(c, r, SoftwareInstallationState.Destroyed, "OK", t));
        Post(endpoints, "/startedComputerPartition", (c, r, t) => InstanceReportAsync(c, r, ReportedState.Started, t));
        Post(endpoints, "/stoppedComputerPartition", (c, r, t) => InstanceReportAsync(c, r, ReportedState.Stopped, t));
        Post(endpoints, "/softwareInstanceError", (c, r, t) => InstanceReportAsync(c, r, ReportedState.Error, t));
        Post(endpoints, "/destroyedComputerPartition", DestroyedAsync);
        Post(endpoints, "/softwareInstanceBang", BangAsync);
        Post(endpoints, "/softwareInstanceRename", RenameAsync);
        Post(endpoints, "/computerBang", ComputerBangAsync);
        Post(endpoints, "/useComputer", UseComputerAsync);
    }

    private static void Get(IEndpointRouteBuilder endpoints, string path, XmlApiHandler handler) =>
        endpoints.MapGet(path, SlapIdentityGate.Wrap(XmlApiPipeline.Create(handler))).WithDisplayName($"SlapOS XML {path}");

    private static void Post(IEndpointRouteBuilder endpoints, string path, XmlApiHandler handler) =>
        endpoints.MapPost(path, SlapIdentityGate.Wrap(XmlApiPipeline.Create(handler))).WithDisplayName($"SlapOS XML {path}");

    private static ISlapMaster Master(HttpContext context) => context.RequestServices.GetRequiredService<ISlapMaster>();

    /// <summary>The computer named by <paramref name="field"/>, once the caller may act on it.</summary>
    private static async Task<string> ComputerAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken, string field = "computer_id")
    {
        var reference = SlapReference.Validate(request.Required(field), field);
        var caller = context.GetSlapIdentity();
        var computer = caller.Kind == IdentityKind.Person && !caller.IsAdmin ? await Master(context).GetComputerAsync(reference, cancellationToken) : null;
        SlapAuthorization.DemandComputer(caller, reference, computer);
        return reference;
    }

    /// <summary>The partition named by the request, once the caller may act on it (its node, the instance itself, or an administrator).</summary>
    private static async Task<(string Computer, string Partition)> PartitionAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken, string computerField = "computer_id", string partitionField = "computer_partition_id")
    {
        var computer = SlapReference.Validate(request.Required(computerField), computerField);
        var partition = SlapproxyProfile.PartitionReference(context, request.Required(partitionField), partitionField);
        var caller = context.GetSlapIdentity();
        if (caller.Kind == IdentityKind.Partition)
        {
            var instance = await Master(context).GetPartitionInstanceAsync(computer, partition, cancellationToken);
            SlapAuthorization.DemandInstance(caller, instance, treeOwner: string.Empty);
        }
        else
        {
            SlapAuthorization.DemandComputer(caller, computer);
        }

        return (computer, partition);
    }

    private static async Task<string> GetComputerAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var computer = await ComputerAsync(context, request, cancellationToken);
        var document = await Master(context).GetComputerDocumentAsync(computer, cancellationToken);
        return SlapMarshal.Write(SlapWireObjects.ToComputer(document));
    }

    private static async Task<string> RegisterPartitionAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var (computer, partition) = await PartitionAsync(context, request, cancellationToken, "computer_reference", "computer_partition_reference");
        var found = await Master(context).GetPartitionDocumentAsync(computer, partition, cancellationToken);
        return SlapMarshal.Write(SlapWireObjects.ToComputerPartition(found));
    }

    /// <summary>
    /// The releases of a software product. This master keeps no product catalogue, so the list is empty; as
    /// slapproxy, exactly one of <c>software_product_reference</c> and <c>software_release_url</c> must be given.
    /// </summary>
    private static Task<string> SoftwareReleaseListAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var product = request.Optional("software_product_reference");
        var release = request.Optional("software_release_url");
        if ((product is null) == (release is null))
        {
            throw new SlapValidationException("software_product_reference", "give either software_product_reference or software_release_url, not both and not neither");
        }

        return Task.FromResult(SlapMarshal.Write(new List<object?>()));
    }

    private static async Task<string> PartitionCertificateAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var (computer, partition) = await PartitionAsync(context, request, cancellationToken);
        var found = await Master(context).FindPartitionAsync(computer, partition, cancellationToken);
        if (found is { State: PartitionState.Free } || (found is null && SlapproxyProfile.IsOn(context)))
        {
            // A free partition holds no instance, so no identity to certify: the empty pair, as slapproxy answers;
            // in the slapproxy profile also for a partition not formatted yet (slapproxy answers it for any partition).
            return SlapMarshal.Write(new Dictionary<object, object?> { ["certificate"] = string.Empty, ["key"] = string.Empty });
        }

        var instance = await Master(context).GetPartitionInstanceAsync(computer, partition, cancellationToken);
        var (key, certificate) = await CertificateRenewal.IssueAsync(context.RequestServices, new SlapIdentity(IdentityKind.Partition, instance.Reference), cancellationToken);
        return SlapMarshal.Write(new Dictionary<object, object?> { ["certificate"] = certificate, ["key"] = key });
    }

    private static async Task<string> PartitionStatusAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var (computer, partition) = await PartitionAsync(context, request, cancellationToken);
        var instance = await Master(context).GetPartitionInstanceAsync(computer, partition, cancellationToken);
        var status = instance.ReportedState == ReportedState.None ? "No report yet." : instance.ReportedState.ToWire();
        return SlapMarshal.Write(instance.ErrorMessage is { } error ? $"{status}: {error}" : status);
    }

    private static async Task<string> FormatAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        ComputerFormat format;
        try
        {
            format = SlapWireObjects.ReadComputerFormat(XmlApiPipeline.ReadMarshal(request, "xml") ?? throw new SlapValidationException("xml", "is required"));
        }
        catch (SlapMarshalException e)
        {
            throw new SlapValidationException("xml", e.Message);
        }

        // `slapos node format` posts only the document: the computer is the one it describes (slapproxy also
        // ignores a form computer_id that names another one).
        var fromDocument = request.Optional("computer_id") is null || SlapproxyProfile.IsOn(context);
        var computer = await ComputerAsync(context, fromDocument ? request.With("computer_id", format.ComputerReference) : request, cancellationToken);
        if (format.ComputerReference != computer)
        {
            throw new SlapValidationException("xml", $"describes computer '{format.ComputerReference}', not '{computer}'");
        }

        await Master(context).FormatComputerAsync(format, cancellationToken);
        return "done";
    }

    private static async Task<string> SupplyAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var computer = await ComputerAsync(context, request, cancellationToken);
        var url = SlapproxyProfile.SoftwareRelease(context, request.Required("url"), "url");
        var state = SlapStates.ParseSupplyState(request.Optional("state") ?? "available");
        await Master(context).SupplyAsync(computer, url, state, cancellationToken);
        return $"Supplied {PythonRepr.Quote(url)} to be {state.ToWire()}";
    }

    private static async Task<string> RequestAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var master = Master(context);
        var caller = context.GetSlapIdentity();

        // A partition requests a child of its own instance; anyone else requests a root.
        string requester;
        if (request.Optional("computer_id") is not null && request.Optional("computer_partition_id") is not null)
        {
            var (computer, partition) = await PartitionAsync(context, request, cancellationToken);
            requester = await RequesterPartitionAsync(context, master, computer, partition, cancellationToken) ?? SlapAuthorization.RequesterOf(caller);
        }
        else
        {
            requester = SlapAuthorization.RequesterOf(caller);
        }

        var stateValue = XmlApiPipeline.ReadMarshal(request, "state");
        if (request.Optional("state") is null)
        {
            throw new SlapValidationException("state", "is required");
        }

        var instanceRequest = new InstanceRequest
        {
            Title = request.Required("partition_reference"),
            RequesterReference = requester,
            SoftwareReleaseUrl = request.Required("software_release"),
            SoftwareType = request.Optional("software_type") ?? InstanceRequest.DefaultSoftwareType,
            Parameters = XmlApiPipeline.ReadParameters(request, "partition_parameter_xml"),
            Sla = XmlApiPipeline.ReadParameters(request, "filter_xml"),
            State = stateValue is string word ? SlapStates.ParseRequestedState(word) : RequestedState.Started,
            Shared = XmlApiPipeline.ReadMarshal(request, "shared_xml") is true,
        };

        if (SlapproxySimpleFrontend.Answer(context, instanceRequest) is { } frontend)
        {
            return SlapMarshal.Write(SlapWireObjects.ToSoftwareInstance(frontend, []));
        }

        // A forwarded instance destroyed through this request loses its record here (its external master took the
        // destruction): the answer still says where it lived, as the slap library needs a computer and partition.
        var destroyedForwarded = instanceRequest.State == RequestedState.Destroyed
            && await master.FindInstanceAsync(instanceRequest.RequesterReference, instanceRequest.Title, cancellationToken) is { } existing
            ? await Federation.ForwardedInstances.FindAsync(context.RequestServices, existing, cancellationToken)
            : null;
        var instance = await master.RequestAsync(instanceRequest, cancellationToken);
        IReadOnlyList<PartitionAddress> addresses = [];
        if (instance is { ComputerReference: { } c, PartitionReference: { } p })
        {
            addresses = (await master.FindPartitionAsync(c, p, cancellationToken))?.Addresses ?? [];
        }

        var answer = SlapWireObjects.ToSoftwareInstance(instance, addresses);
        var forwardedHere = await Federation.ForwardedInstances.FindAsync(context.RequestServices, instance, cancellationToken)
            ?? (destroyedForwarded?.InstanceReference == instance.Reference ? destroyedForwarded : null);
        if (forwardedHere is { } forwarded)
        {
            // As slapproxy answers a forwarded request: the external master's partition, and where that master is.
            answer.State[Federation.ForwardedInstances.MasterUrlAttribute] = forwarded.MasterUrl;
            answer.State["slap_computer_id"] = forwarded.ExternalComputerReference;
            answer.State["slap_computer_partition_id"] = forwarded.ExternalPartitionReference;
        }

        return SlapMarshal.Write(answer);
    }

    /// <summary>
    /// The instance a partition holds, as requester; in the slapproxy profile a partition that holds none
    /// requests at the top level (<see langword="null"/>), as slapproxy's requests do.
    /// </summary>
    private static async Task<string?> RequesterPartitionAsync(HttpContext context, ISlapMaster master, string computer, string partition, CancellationToken cancellationToken)
    {
        try
        {
            return (await master.GetPartitionInstanceAsync(computer, partition, cancellationToken)).Reference;
        }
        catch (SlapNotFoundException) when (SlapproxyProfile.IsOn(context))
        {
            return null;
        }
    }

    private static async Task<string> SetConnectionAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var (computer, partition) = await PartitionAsync(context, request, cancellationToken);
        if (request.Optional("connection_xml") is null)
        {
            throw new SlapValidationException("connection_xml", "is required");
        }

        var parameters = XmlApiPipeline.ReadParameters(request, "connection_xml");
        await Master(context).PublishConnectionParametersAsync(computer, partition, parameters, request.Optional("slave_reference"), cancellationToken);
        return "done";
    }

    private static async Task<string> SoftwareReportAsync(HttpContext context, XmlApiRequest request, SoftwareInstallationState state, string answer, CancellationToken cancellationToken)
    {
        var computer = await ComputerAsync(context, request, cancellationToken);
        var url = SlapproxyProfile.SoftwareRelease(context, request.Required("url"), "url");
        await Master(context).ReportSoftwareInstallationAsync(computer, url, state, state == SoftwareInstallationState.Error ? request.Optional("error_log") ?? "unknown error" : null, cancellationToken);
        return answer;
    }

    private static async Task<string> InstanceReportAsync(HttpContext context, XmlApiRequest request, ReportedState state, CancellationToken cancellationToken)
    {
        var (computer, partition) = await PartitionAsync(context, request, cancellationToken);
        if (request.Optional("slave_reference") is not null)
        {
            // A report about a shared instance says nothing of its host partition's own state.
            return "Ignored";
        }

        await Master(context).ReportInstanceStateAsync(computer, partition, state, state == ReportedState.Error ? request.Optional("error_log") ?? "unknown error" : null, cancellationToken);
        return "Ignored";
    }

    private static async Task<string> DestroyedAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var (computer, partition) = await PartitionAsync(context, request, cancellationToken);
        try
        {
            await Master(context).ReportDestroyedAsync(computer, partition, cancellationToken);
        }
        catch (SlapException e) when (e.Kind is SlapErrorKind.Conflict or SlapErrorKind.NotFound or SlapErrorKind.NotReady)
        {
            // SlapOS answers these with a 200 and a sentence ("Not destroying yet because…" while children
            // hold partitions); its client treats anything else as a failure and would stop destroying.
            return e.Kind == SlapErrorKind.NotFound ? $"Unknown partition '{partition}' on '{computer}'" : e.Message;
        }

        return "OK";
    }

    private static async Task<string> BangAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var (computer, partition) = await PartitionAsync(context, request, cancellationToken);
        await Master(context).BangAsync(computer, partition, request.Optional("message"), cancellationToken);
        return "OK";
    }

    private static async Task<string> RenameAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var (computer, partition) = await PartitionAsync(context, request, cancellationToken);
        try
        {
            await Master(context).RenameAsync(computer, partition, request.Required("new_name"), cancellationToken);
        }
        catch (SlapNotFoundException)
        {
            return $"Unknown partition '{partition}' on '{computer}'";
        }

        return "done";
    }

    private static async Task<string> ComputerBangAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var computer = await ComputerAsync(context, request, cancellationToken);
        await Master(context).BangComputerAsync(computer, request.Optional("message"), cancellationToken);
        return SlapMarshal.Write(string.Empty);
    }

    private static async Task<string> UseComputerAsync(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken)
    {
        var computer = await ComputerAsync(context, request, cancellationToken);
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var report = TioXmlUsageReader.Read(computer, request.Required("use_string"), time.GetUtcNow());
        await Master(context).RecordUsageAsync(report, cancellationToken);
        return "Ignored";
    }
}
