using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Wire;

namespace SlapOS.Slave;

/// <summary>
/// A master client over the SlapOS JSON API v0 (<c>POST /slapos.&lt;verb&gt;.v0.&lt;object&gt;</c>), the
/// primary API of our master. Errors <c>{"status","type","title"}</c> become <see cref="SlapException"/>s.
/// The JSON API takes a child request's requester from the client's certificate, not from the body.
/// </summary>
public sealed class JsonSlapMasterClient : ISlapMasterClient
{
    private const string Api = "json";
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 64 };

    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly long _maxAnswerBytes;

    // (computer, partition) → instance_guid, learned from computer documents: the JSON API names instances, not partitions.
    private readonly ConcurrentDictionary<(string Computer, string Partition), string> _instances = new();

    /// <summary>The change stamp each computer's last long-poll answered: the next call asks for anything newer.</summary>
    private readonly ConcurrentDictionary<string, long> _changeStamps = new(StringComparer.Ordinal);

    /// <summary>
    /// The last full answer (and its <c>ETag</c>) of each list a node polls about its computer, by endpoint and
    /// computer: the next poll sends <c>If-None-Match</c> and reads this answer again on a <c>304</c>. A master that
    /// sends no tag (a real SlapOS master) leaves it empty.
    /// </summary>
    private readonly ConcurrentDictionary<(string Endpoint, string Computer), (string Tag, string Text)> _polledLists = new();

    /// <summary>Creates the client over <paramref name="http"/> (its base address is the master URL).</summary>
    public JsonSlapMasterClient(HttpClient http, IOptions<SlapOSSlaveOptions> options, ILogger<JsonSlapMasterClient>? logger = null, IOptions<SlapMasterClientOptions>? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _maxAnswerBytes = clientOptions?.Value.MaxAnswerBytes ?? MasterHttp.DefaultMaxAnswerBytes;
    }

    /// <inheritdoc />
    public async Task<ComputerDocument> GetComputerDocumentAsync(string computerReference, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(computerReference);
        var computer = new JsonObject { ["computer_guid"] = computerReference };

        using var installationsAnswer = await CallAsync("slapos.allDocs.v0.compute_node_software_installation_list", computer, cancellationToken, pollOf: computerReference);
        var installations = ResultList(installationsAnswer)
            .Select(item => new SoftwareInstallation
            {
                ComputerReference = computerReference,
                SoftwareReleaseUrl = RequireString(item, "software_release_uri"),
                RequestedState = SlapStates.ParseSupplyState(OptionalString(item, "state") ?? "available"),
            })
            .ToList();

        using var instancesAnswer = await CallAsync("slapos.allDocs.v0.compute_node_instance_list", computer, cancellationToken, pollOf: computerReference);
        var listed = ResultList(instancesAnswer)
            .Select(item => (Guid: RequireString(item, "instance_guid"), Partition: OptionalString(item, "compute_partition_id")))
            .Where(item => !string.IsNullOrEmpty(item.Partition))
            .ToList();

        var partitions = new PartitionInstance[listed.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, listed.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, ct) => partitions[i] = await GetPartitionAsync(computerReference, listed[i].Guid, listed[i].Partition!, ct));

        foreach (var partition in partitions)
        {
            _instances[(computerReference, partition.PartitionReference)] = partition.InstanceReference!;
        }

        return new ComputerDocument(computerReference, installations, partitions);
    }

    /// <inheritdoc />
    public async Task ReportFormatAsync(ComputerFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(format);
        var partitions = new JsonArray();
        foreach (var partition in format.Partitions)
        {
            var ips = new JsonArray();
            foreach (var address in partition.Addresses)
            {
                var ip = new JsonObject { ["ip-address"] = address.Address };
                var iface = address.NetworkInterface ?? partition.Tap?.Name;
                if (iface is not null)
                {
                    ip["network-interface"] = iface;
                }

                ip["netmask"] = address.Netmask;
                ips.Add(ip);
            }

            // A tap's routable IPv4 travels as a full IP entry (slapgrid's full_ip_list: interface, address, gateway,
            // netmask, network), the only place the JSON format has for it.
            if (partition.Tap is { Ipv4Address: { } tapAddress } tap)
            {
                var ip = new JsonObject { ["ip-address"] = tapAddress, ["network-interface"] = tap.Name };
                AddIfSet(ip, "netmask", tap.Ipv4Netmask);
                AddIfSet(ip, "gateway-ip-address", tap.Ipv4Gateway);
                AddIfSet(ip, "network-address", tap.Ipv4Network);
                ips.Add(ip);
            }

            partitions.Add(new JsonObject { ["partition_id"] = partition.Reference, ["ip_list"] = ips });
        }

        using var answer = await CallAsync(
            "slapos.put.v0.compute_node_format",
            new JsonObject { ["computer_guid"] = format.ComputerReference, ["compute_partition_list"] = partitions },
            cancellationToken);
    }

    private static void AddIfSet(JsonObject json, string key, string? value)
    {
        if (value is not null)
        {
            json[key] = value;
        }
    }

    /// <inheritdoc />
    public async Task ReportSoftwareInstallationAsync(string computerReference, string softwareReleaseUrl, SoftwareInstallationState state, string? errorMessage, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(computerReference);
        ArgumentException.ThrowIfNullOrEmpty(softwareReleaseUrl);
        var body = new JsonObject { ["software_release_uri"] = softwareReleaseUrl, ["computer_guid"] = computerReference };
        string endpoint;
        if (state == SoftwareInstallationState.Error)
        {
            endpoint = "slapos.put.v0.software_installation_error";
            body["message"] = errorMessage ?? string.Empty;
        }
        else
        {
            endpoint = "slapos.put.v0.software_installation_reported_state";
            body["reported_state"] = state.ToWire();
        }

        using var answer = await CallAsync(endpoint, body, cancellationToken);
    }

    /// <inheritdoc />
    public async Task ReportInstanceStateAsync(string computerReference, string partitionReference, ReportedState state, string? errorMessage, CancellationToken cancellationToken)
    {
        var guid = await FindInstanceAsync(computerReference, partitionReference, cancellationToken);
        var body = new JsonObject { ["instance_guid"] = guid };
        string endpoint;
        switch (state)
        {
            case ReportedState.Error:
                endpoint = "slapos.put.v0.software_instance_error";
                body["message"] = errorMessage ?? string.Empty;
                break;
            case ReportedState.Started or ReportedState.Stopped or ReportedState.Destroyed:
                endpoint = "slapos.put.v0.software_instance_reported_state";
                body["reported_state"] = state.ToWire();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(state), state, "only started, stopped, destroyed and error can be reported");
        }

        using var answer = await CallAsync(endpoint, body, cancellationToken);
    }

    /// <inheritdoc />
    public async Task SetConnectionParametersAsync(string computerReference, string partitionReference, IReadOnlyDictionary<string, string> parameters, string? sharedInstanceReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);

        // A host publishes for a shared instance under the shared instance's own guid.
        var guid = sharedInstanceReference ?? await FindInstanceAsync(computerReference, partitionReference, cancellationToken);
        var connection = new JsonObject();
        foreach (var (key, value) in parameters)
        {
            connection[key] = value;
        }

        using var answer = await CallAsync(
            "slapos.put.v0.software_instance_connection_parameter",
            new JsonObject { ["instance_guid"] = guid, ["connection_parameter_dict"] = connection },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CertificatePair?> GetPartitionCertificateAsync(string computerReference, string partitionReference, CancellationToken cancellationToken)
    {
        var guid = await FindInstanceAsync(computerReference, partitionReference, cancellationToken);
        using var answer = await CallAsync("slapos.get.v0.software_instance_certificate", new JsonObject { ["instance_guid"] = guid }, cancellationToken);
        return PairOf(answer.RootElement);
    }

    /// <inheritdoc />
    public async Task<CertificatePair?> RenewComputerCertificateAsync(string computerReference, CancellationToken cancellationToken)
    {
        using var answer = await CallAsync("slapos.post.v0.compute_node_certificate", new JsonObject { ["computer_guid"] = computerReference }, cancellationToken);
        return PairOf(answer.RootElement);
    }

    private static CertificatePair? PairOf(JsonElement root)
    {
        var certificate = root.TryGetProperty("certificate", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        var key = root.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        return string.IsNullOrEmpty(certificate) || string.IsNullOrEmpty(key) ? null : new CertificatePair(certificate, key);
    }

    /// <inheritdoc />
    public async Task BangAsync(string computerReference, string partitionReference, string message, CancellationToken cancellationToken)
    {
        var guid = await FindInstanceAsync(computerReference, partitionReference, cancellationToken);
        using var answer = await CallAsync(
            "slapos.put.v0.software_instance_bang",
            new JsonObject { ["instance_guid"] = guid, ["message"] = message ?? string.Empty },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<SoftwareInstance> RequestInstanceAsync(InstanceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var body = new JsonObject
        {
            ["title"] = request.Title,
            ["software_release_uri"] = request.SoftwareReleaseUrl,
            ["software_type"] = request.SoftwareType,
        };
        if (request.Shared)
        {
            body["shared"] = true;
        }

        body["state"] = request.State.ToWire();
        body["parameters"] = ToJson(request.Parameters);
        body["sla_parameters"] = ToJson(request.Sla);

        var headers = new StrongBox<HttpResponseHeaders?>();
        using var answer = await CallAsync("slapos.post.v0.software_instance", body, cancellationToken, isRequest: true, headers);
        var root = answer.RootElement;
        var reference = RequireString(root, "instance_guid");
        var state = OptionalString(root, "state");
        var status = OptionalString(root, "access_status_message");
        return new SoftwareInstance
        {
            Reference = reference,
            Title = OptionalString(root, "title") ?? request.Title,
            RequesterReference = request.RequesterReference,
            RootReference = request.RequesterReference == InstanceRequest.RootRequester ? reference : request.RequesterReference,
            SoftwareReleaseUrl = OptionalString(root, "software_release_uri") ?? request.SoftwareReleaseUrl,
            SoftwareType = OptionalString(root, "software_type") ?? request.SoftwareType,
            Parameters = Strings(root, "parameters"),
            Sla = request.Sla,
            RequestedState = state is null ? request.State : SlapStates.ParseRequestedState(state),
            Shared = root.TryGetProperty("shared", out var shared) && shared.ValueKind == JsonValueKind.True,
            ComputerReference = OptionalString(root, "computer_guid"),
            PartitionReference = OptionalString(root, "compute_partition_id"),
            ConnectionParameters = Strings(root, "connection_parameters"),
            Timestamp = Timestamp(root, Header(headers.Value, SlapHeaders.Timestamp)),
            ReportedState = ReportedStateOf(Header(headers.Value, SlapHeaders.ReportedState), status),
            ErrorMessage = string.IsNullOrEmpty(status) ? null : status,
        };
    }

    /// <inheritdoc />
    public async Task ReportUsageAsync(UsageReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var answer = await CallAsync(
            "slapos.post.v0.compute_node_usage",
            new JsonObject { ["computer_guid"] = report.ComputerReference, ["tioxml"] = TioXml.WriteForMaster(report) },
            cancellationToken);
    }

    /// <summary>One long-poll call: well under the resilience handler's attempt timeout.</summary>
    private static readonly TimeSpan LongPollSlice = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Long-polls our master's <c>slapos.wait.v0.compute_node_change</c> in slices shorter than one attempt's
    /// timeout until <paramref name="timeout"/>; a SlapOS master without it (404) just waits the timeout out.
    /// </summary>
    public async Task<bool> WaitForChangeAsync(string computerReference, InstanceTimestamp? since, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        for (var remaining = timeout; remaining > TimeSpan.Zero; remaining = deadline - DateTimeOffset.UtcNow)
        {
            var slice = remaining < LongPollSlice ? remaining : LongPollSlice;
            var body = new JsonObject { ["computer_guid"] = computerReference, ["timeout"] = slice.TotalSeconds };
            if (since is { } known)
            {
                body["timestamp"] = known.ToString();
            }

            // The first wait knows no stamp: a change made since the node's last run would be taken as the baseline
            // and missed. Learn the stamp at once and answer "changed", so the node runs once more and then waits on it.
            var first = !_changeStamps.TryGetValue(computerReference, out var seen);
            if (first)
            {
                body["timeout"] = 0;
            }
            else
            {
                body["change_stamp"] = seen;
            }

            try
            {
                using var answer = await CallAsync("slapos.wait.v0.compute_node_change", body, cancellationToken);
                if (answer.RootElement.TryGetProperty("change_stamp", out var stamp) && stamp.TryGetInt64(out var stored))
                {
                    _changeStamps[computerReference] = stored;
                }

                if (first || (answer.RootElement.TryGetProperty("changed", out var changed) && changed.ValueKind == JsonValueKind.True))
                {
                    return true;
                }
            }
            catch (SlapException e) when (e.Kind is SlapErrorKind.NotFound or SlapErrorKind.NoCapacity)
            {
                await Task.Delay(remaining, cancellationToken);
                return false;
            }
        }

        return false;
    }

    private async Task<PartitionInstance> GetPartitionAsync(string computer, string guid, string partition, CancellationToken cancellationToken)
    {
        var headers = new StrongBox<HttpResponseHeaders?>();
        using var answer = await CallAsync("slapos.get.v0.software_instance", new JsonObject { ["instance_guid"] = guid }, cancellationToken, headers: headers);
        var root = answer.RootElement;
        var timestamp = Timestamp(root, Header(headers.Value, SlapHeaders.Timestamp));

        using var sharedAnswer = await CallAsync("slapos.allDocs.v0.instance_node_instance_list", new JsonObject { ["instance_guid"] = guid }, cancellationToken);
        var shared = ResultList(sharedAnswer)
            .Where(item => OptionalString(item, "state") != "destroyed")
            .Select(item => new SharedInstanceEntry(
                RequireString(item, "instance_guid"),
                OptionalString(item, "title") ?? RequireString(item, "instance_guid"),
                OptionalString(item, "software_type") ?? InstanceRequest.DefaultSoftwareType,
                Strings(item, "parameters"),
                timestamp))
            .ToList();

        var addresses = new List<PartitionAddress>();
        if (root.TryGetProperty("ip_list", out var ipList) && ipList.ValueKind == JsonValueKind.Array)
        {
            foreach (var ip in ipList.EnumerateArray())
            {
                if (ip.ValueKind == JsonValueKind.Array && ip.GetArrayLength() >= 2)
                {
                    addresses.Add(new PartitionAddress(ip[1].GetString() ?? string.Empty, string.Empty, ip[0].GetString()));
                }
            }
        }

        return new PartitionInstance
        {
            ComputerReference = computer,
            PartitionReference = partition,
            InstanceReference = guid,
            Title = OptionalString(root, "title"),
            RootTitle = OptionalString(root, "root_instance_title"),
            SoftwareReleaseUrl = RequireString(root, "software_release_uri"),
            SoftwareType = OptionalString(root, "software_type") ?? InstanceRequest.DefaultSoftwareType,
            RequestedState = SlapStates.ParseRequestedState(OptionalString(root, "state") ?? "started"),
            Parameters = Strings(root, "parameters"),
            SharedInstances = shared,
            Addresses = addresses,
            Timestamp = timestamp,
            ConnectionParameters = Strings(root, "connection_parameters"),
            TraceParent = Header(headers.Value, SlapHeaders.TraceParent) is { } traceParent && SlapTraceContext.TryParse(traceParent, out _) ? traceParent : null,
        };
    }

    private async Task<string> FindInstanceAsync(string computer, string partition, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(computer);
        ArgumentException.ThrowIfNullOrEmpty(partition);
        if (_instances.TryGetValue((computer, partition), out var guid))
        {
            return guid;
        }

        using var answer = await CallAsync("slapos.allDocs.v0.compute_node_instance_list", new JsonObject { ["computer_guid"] = computer }, cancellationToken, pollOf: computer);
        foreach (var item in ResultList(answer))
        {
            if (OptionalString(item, "compute_partition_id") is { } p)
            {
                _instances[(computer, p)] = RequireString(item, "instance_guid");
            }
        }

        return _instances.TryGetValue((computer, partition), out guid)
            ? guid
            : throw new SlapNotFoundException("instance of partition", computer + "/" + partition);
    }

    /// <summary>
    /// Calls <paramref name="endpoint"/>. With <paramref name="pollOf"/> (the computer a polled list is about), the
    /// answer is kept with its <c>ETag</c>, the next call sends <c>If-None-Match</c>, and a <c>304</c> reads the kept
    /// answer again.
    /// </summary>
    private async Task<JsonDocument> CallAsync(string endpoint, JsonObject body, CancellationToken cancellationToken, bool isRequest = false, StrongBox<HttpResponseHeaders?>? headers = null, string? pollOf = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, Json.MediaType!),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        string? keptText = null;
        if (pollOf is not null && _polledLists.TryGetValue((endpoint, pollOf), out var kept))
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", kept.Tag);
            keptText = kept.Text;
        }

        using var response = await MasterHttp.SendAsync(_http, request, cancellationToken);
        MasterClientLog.Answered(_logger, Api, endpoint, (int)response.StatusCode);
        if (headers is not null)
        {
            headers.Value = response.Headers;
        }

        if (keptText is not null && response.StatusCode == HttpStatusCode.NotModified)
        {
            return JsonDocument.Parse(keptText, ReadOptions);
        }

        var text = await MasterHttp.ReadTextAsync(response, _maxAnswerBytes, cancellationToken);
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(text.Length == 0 ? "{}" : text, ReadOptions);
        }
        catch (JsonException) when (!MasterHttp.IsSuccess(response.StatusCode))
        {
            // An HTML error page (routing errors): keep the text as the reason.
        }
        catch (JsonException ex)
        {
            throw new SlapException(SlapErrorKind.Validation, $"{endpoint}: the master's answer is not JSON: {MasterHttp.Shorten(text)}", ex);
        }

        if (MasterHttp.IsSuccess(response.StatusCode))
        {
            if (pollOf is not null && response.Headers.ETag is { } tag)
            {
                _polledLists[(endpoint, pollOf)] = (tag.ToString(), text);
            }

            return document!;
        }

        using (document)
        {
            var reason = document is not null && document.RootElement.ValueKind == JsonValueKind.Object && OptionalString(document.RootElement, "title") is { } title
                ? title
                : MasterHttp.Shorten(text);
            // Our master names the precise kind in the X-SlapOS-Error-Kind header (and "kind", outside its slapproxy
            // profile); "type" is the HTTP reason, as SlapOS sends it.
            var type = Header(response.Headers, SlapHeaders.ErrorKind);
            type ??= document is not null && document.RootElement.ValueKind == JsonValueKind.Object
                ? OptionalString(document.RootElement, "kind") ?? OptionalString(document.RootElement, "type")
                : null;
            MasterClientLog.Refused(_logger, Api, endpoint, (int)response.StatusCode, reason);
            throw Error(response.StatusCode, type, $"{endpoint}: {reason}", isRequest);
        }
    }

    private static SlapException Error(HttpStatusCode status, string? type, string message, bool isRequest)
    {
        // SlapOS answers "no free partition" as a 403 Forbidden.
        if (isRequest && (int)status is 403 or 404 && message.Contains("No free", StringComparison.OrdinalIgnoreCase))
        {
            return new SlapException(SlapErrorKind.NoCapacity, message);
        }

        // A root with live children: SlapOS refuses to free it yet (403); the node must keep the partition.
        if (message.Contains("Not destroying yet", StringComparison.Ordinal))
        {
            return new SlapException(SlapErrorKind.Conflict, message);
        }

        // Our master names the kind in "type"; SlapOS's own master only gives the HTTP reason.
        if (type is not null && Enum.TryParse<SlapErrorKind>(type, ignoreCase: false, out var kind) && Enum.IsDefined(kind))
        {
            return kind switch
            {
                SlapErrorKind.Forbidden => new SlapForbiddenException(message),
                _ => new SlapException(kind, message),
            };
        }

        return status switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new SlapException(SlapErrorKind.Validation, message),
            HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => new SlapForbiddenException(message),
            HttpStatusCode.NotFound => new SlapException(isRequest ? SlapErrorKind.NoCapacity : SlapErrorKind.NotFound, message),
            HttpStatusCode.RequestTimeout => new SlapException(SlapErrorKind.NotReady, message),
            HttpStatusCode.Conflict => new SlapException(SlapErrorKind.Conflict, message),
            _ => new SlapException(SlapErrorKind.Validation, message),
        };
    }

    private static JsonElement.ArrayEnumerator ResultList(JsonDocument document) =>
        document.RootElement.ValueKind == JsonValueKind.Object
        && document.RootElement.TryGetProperty("result_list", out var list)
        && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray()
            : throw new SlapException(SlapErrorKind.Validation, "the master's answer has no result_list");

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> values)
    {
        var result = new JsonObject();
        foreach (var (key, value) in values)
        {
            result[key] = value;
        }

        return result;
    }

    private static Dictionary<string, string> Strings(JsonElement element, string name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                result[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Null => string.Empty,
                    _ => property.Value.GetRawText(),
                };
            }
        }

        return result;
    }

    private static string? Header(HttpResponseHeaders? headers, string name) =>
        headers is not null && headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>
    /// What the instance's node last reported: our master's <see cref="SlapHeaders.ReportedState"/>, else what
    /// SlapOS's <c>access_status_message</c> says (<see cref="SlapAccessStatus"/>), else not known.
    /// </summary>
    private static ReportedState ReportedStateOf(string? reported, string? accessStatus) =>
        reported is not null ? SlapStates.ReportedStateOf(reported) : SlapAccessStatus.Parse(accessStatus).State;

    /// <summary>
    /// Our master's exact timestamp when given (two changes within one second must differ), else
    /// SlapOS's <c>processing_timestamp</c> in whole seconds.
    /// </summary>
    private static InstanceTimestamp Timestamp(JsonElement element, string? exact)
    {
        if (exact is not null)
        {
            try
            {
                return InstanceTimestamp.Parse(exact);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                // Not ours: fall back to SlapOS's field.
            }
        }

        return element.TryGetProperty("processing_timestamp", out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var seconds)
            ? new InstanceTimestamp((long)(seconds * 1_000_000m))
            : default;
    }

    private static string RequireString(JsonElement element, string name) =>
        OptionalString(element, name) ?? throw new SlapException(SlapErrorKind.Validation, $"the master's answer has no '{name}'");

    private static string? OptionalString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
