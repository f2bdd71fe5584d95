using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Wire;

namespace SlapOS.Slave;

/// <summary>
/// A master client over the legacy SlapOS XML API (form posts and GETs, xml_marshaller answers), as the
/// Python slap library calls it: use it to join a real SlapOS master or slapproxy.
/// 404 is "not found" (or, for a request, "no free partition"), 408 "not ready yet".
/// </summary>
public sealed partial class XmlSlapMasterClient : ISlapMasterClient
{
    private const string Api = "xml";
    private readonly HttpClient _http;
    private readonly SlapOSSlaveOptions _options;
    private readonly ILogger _logger;
    private readonly long _maxAnswerBytes;

    // Instance reference → (computer, partition), learned from computer documents: the XML API names a
    // requesting instance by its partition.
    private readonly Dictionary<string, (string Computer, string Partition)> _partitions = new(StringComparer.Ordinal);
    private readonly Lock _partitionsLock = new();

    /// <summary>Creates the client over <paramref name="http"/> (its base address is the master URL).</summary>
    public XmlSlapMasterClient(HttpClient http, IOptions<SlapOSSlaveOptions> options, ILogger<XmlSlapMasterClient>? logger = null, IOptions<SlapMasterClientOptions>? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _maxAnswerBytes = clientOptions?.Value.MaxAnswerBytes ?? MasterHttp.DefaultMaxAnswerBytes;
    }

    /// <inheritdoc />
    public async Task<ComputerDocument> GetComputerDocumentAsync(string computerReference, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(computerReference);
        using var request = new HttpRequestMessage(HttpMethod.Get, "getFullComputerInformation?computer_id=" + Uri.EscapeDataString(computerReference));
        var value = await SendForMarshalAsync(request, "getFullComputerInformation", () => new SlapNotFoundException("computer", computerReference), cancellationToken);
        var document = SlapWireObjects.ReadComputer(value);
        lock (_partitionsLock)
        {
            foreach (var partition in document.Partitions.Where(p => p.InstanceReference is not null))
            {
                _partitions[partition.InstanceReference!] = (partition.ComputerReference, partition.PartitionReference);
            }
        }

        return document;
    }

    /// <inheritdoc />
    public async Task<CertificatePair?> GetPartitionCertificateAsync(string computerReference, string partitionReference, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Get,
            "getComputerPartitionCertificate?computer_id=" + Uri.EscapeDataString(computerReference) + "&computer_partition_id=" + Uri.EscapeDataString(partitionReference));
        var value = await SendForMarshalAsync(request, "getComputerPartitionCertificate", () => new SlapNotFoundException("partition", partitionReference), cancellationToken);
        return PartitionCertificateOf(value as System.Collections.IDictionary);
    }

    /// <summary>The pair of a <c>{certificate, key}</c> answer; an empty one means the master has no CA.</summary>
    internal static CertificatePair? PartitionCertificateOf(System.Collections.IDictionary? answer)
    {
        var certificate = answer?["certificate"] as string;
        var key = answer?["key"] as string;
        return string.IsNullOrEmpty(certificate) || string.IsNullOrEmpty(key) ? null : new CertificatePair(certificate, key);
    }

    /// <inheritdoc />
    public Task ReportFormatAsync(ComputerFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(format);
        return PostAsync(
            "loadComputerConfigurationFromXML",
            [new("xml", SlapMarshal.Write(SlapWireObjects.ToFormatDictionary(format)))],
            () => new SlapNotFoundException("computer", format.ComputerReference),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task ReportSoftwareInstallationAsync(string computerReference, string softwareReleaseUrl, SoftwareInstallationState state, string? errorMessage, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(computerReference);
        ArgumentException.ThrowIfNullOrEmpty(softwareReleaseUrl);
        var endpoint = state switch
        {
            SoftwareInstallationState.Building => "buildingSoftwareRelease",
            SoftwareInstallationState.Available => "availableSoftwareRelease",
            SoftwareInstallationState.Error => "softwareReleaseError",
            SoftwareInstallationState.Destroyed => "destroyedSoftwareRelease",
            _ => throw new ArgumentOutOfRangeException(nameof(state)),
        };
        List<KeyValuePair<string, string>> fields = [new("url", softwareReleaseUrl), new("computer_id", computerReference)];
        if (state == SoftwareInstallationState.Error)
        {
            fields.Add(new("error_log", errorMessage ?? string.Empty));
        }

        return PostAsync(endpoint, fields, () => new SlapNotFoundException("software release", softwareReleaseUrl), cancellationToken);
    }

    /// <inheritdoc />
    public Task ReportInstanceStateAsync(string computerReference, string partitionReference, ReportedState state, string? errorMessage, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(computerReference);
        ArgumentException.ThrowIfNullOrEmpty(partitionReference);
        var endpoint = state switch
        {
            ReportedState.Started => "startedComputerPartition",
            ReportedState.Stopped => "stoppedComputerPartition",
            ReportedState.Destroyed => "destroyedComputerPartition",
            ReportedState.Error => "softwareInstanceError",
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, "only started, stopped, destroyed and error can be reported"),
        };
        List<KeyValuePair<string, string>> fields = [new("computer_id", computerReference), new("computer_partition_id", partitionReference)];
        if (state == ReportedState.Error)
        {
            fields.Add(new("error_log", errorMessage ?? string.Empty));
        }

        return ReportAsync();

        async Task ReportAsync()
        {
            var answer = await PostForTextAsync(endpoint, fields, _ => new SlapNotFoundException("partition", partitionReference), cancellationToken);

            // SlapOS answers these refusals with a 200 and a sentence.
            if (answer.StartsWith("Not destroying yet", StringComparison.Ordinal))
            {
                throw new SlapException(SlapErrorKind.Conflict, $"{endpoint}: {MasterHttp.Shorten(answer)}");
            }

            if (answer.StartsWith("Unknown partition", StringComparison.Ordinal))
            {
                throw new SlapNotFoundException("partition", partitionReference);
            }
        }
    }

    /// <inheritdoc />
    public Task SetConnectionParametersAsync(string computerReference, string partitionReference, IReadOnlyDictionary<string, string> parameters, string? sharedInstanceReference, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(computerReference);
        ArgumentException.ThrowIfNullOrEmpty(partitionReference);
        ArgumentNullException.ThrowIfNull(parameters);
        return PostAsync(
            "setComputerPartitionConnectionXml",
            [
                new("computer_id", computerReference),
                new("computer_partition_id", partitionReference),
                new("connection_xml", SlapMarshal.Write(SlapWireObjects.ToDictionary(parameters))),

                // The slap library sends Python's None as the text "None".
                new("slave_reference", sharedInstanceReference ?? "None"),
            ],
            () => new SlapNotFoundException("partition", partitionReference),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task BangAsync(string computerReference, string partitionReference, string message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(computerReference);
        ArgumentException.ThrowIfNullOrEmpty(partitionReference);
        return PostAsync(
            "softwareInstanceBang",
            [new("computer_id", computerReference), new("computer_partition_id", partitionReference), new("message", message ?? string.Empty)],
            () => new SlapNotFoundException("partition", partitionReference),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<SoftwareInstance> RequestInstanceAsync(InstanceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var parameters = SlapMarshal.Write(SlapWireObjects.ToDictionary(request.Parameters));
        var filter = SlapMarshal.Write(SlapWireObjects.ToDictionary(request.Sla));
        var state = SlapMarshal.Write(request.State.ToWire());
        var shared = SlapMarshal.Write(request.Shared);
        List<KeyValuePair<string, string>> fields;
        if (request.RequesterReference == InstanceRequest.RootRequester)
        {
            // OpenOrder.request field order.
            fields =
            [
                new("software_release", request.SoftwareReleaseUrl), new("partition_reference", request.Title),
                new("partition_parameter_xml", parameters), new("filter_xml", filter), new("software_type", request.SoftwareType),
                new("state", state), new("shared_xml", shared),
            ];
        }
        else
        {
            // ComputerPartition.request: the requester is named by its partition.
            var (computer, partition) = await FindPartitionAsync(request.RequesterReference, cancellationToken);
            fields =
            [
                new("computer_id", computer), new("computer_partition_id", partition), new("software_release", request.SoftwareReleaseUrl),
                new("software_type", request.SoftwareType), new("partition_reference", request.Title), new("shared_xml", shared),
                new("partition_parameter_xml", parameters), new("filter_xml", filter), new("state", state),
            ];
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, "requestComputerPartition") { Content = new FormUrlEncodedContent(fields) };
        var value = await SendForMarshalAsync(message, "requestComputerPartition", reason => new SlapException(SlapErrorKind.NoCapacity, reason), cancellationToken);
        return SlapWireObjects.ReadSoftwareInstance(value, request);
    }

    /// <inheritdoc />
    public Task ReportUsageAsync(UsageReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return PostAsync(
            "useComputer",
            [new("computer_id", report.ComputerReference), new("use_string", TioXml.WriteForMaster(report))],
            () => new SlapNotFoundException("computer", report.ComputerReference),
            cancellationToken);
    }

    private async Task<(string Computer, string Partition)> FindPartitionAsync(string instanceReference, CancellationToken cancellationToken)
    {
        lock (_partitionsLock)
        {
            if (_partitions.TryGetValue(instanceReference, out var known))
            {
                return known;
            }
        }

        await GetComputerDocumentAsync(_options.ComputerReference, cancellationToken);
        lock (_partitionsLock)
        {
            return _partitions.TryGetValue(instanceReference, out var found)
                ? found
                : throw new SlapNotFoundException("requesting instance on this computer", instanceReference);
        }
    }

    private Task PostAsync(string endpoint, List<KeyValuePair<string, string>> fields, Func<SlapException> notFound, CancellationToken cancellationToken) =>
        PostAsync(endpoint, fields, _ => notFound(), cancellationToken);

    private async Task PostAsync(string endpoint, List<KeyValuePair<string, string>> fields, Func<string, SlapException> notFound, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(fields) };
        using var response = await SendAsync(request, endpoint, notFound, cancellationToken);
    }

    private async Task<string> PostForTextAsync(string endpoint, List<KeyValuePair<string, string>> fields, Func<string, SlapException> notFound, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(fields) };
        using var response = await SendAsync(request, endpoint, notFound, cancellationToken);
        return await MasterHttp.ReadTextAsync(response, _maxAnswerBytes, cancellationToken);
    }

    private Task<object?> SendForMarshalAsync(HttpRequestMessage request, string operation, Func<SlapException> notFound, CancellationToken cancellationToken) =>
        SendForMarshalAsync(request, operation, _ => notFound(), cancellationToken);

    private async Task<object?> SendForMarshalAsync(HttpRequestMessage request, string operation, Func<string, SlapException> notFound, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, operation, notFound, cancellationToken);
        await using var body = await MasterHttp.OpenAsync(response, _maxAnswerBytes, cancellationToken);
        return await SlapMarshal.ReadAsync(body, SlapMarshalLimits.Default with { MaxDocumentSize = _maxAnswerBytes, MaxElements = 10_000_000 }, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string operation, Func<string, SlapException> notFound, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation("Accept", "*/*");
        var response = await MasterHttp.SendAsync(_http, request, cancellationToken);
        var status = (int)response.StatusCode;
        MasterClientLog.Answered(_logger, Api, operation, status);
        if (MasterHttp.IsSuccess(response.StatusCode))
        {
            return response;
        }

        using (response)
        {
            var reason = Reason(await MasterHttp.ReadTextAsync(response, _maxAnswerBytes, cancellationToken), operation, status);
            MasterClientLog.Refused(_logger, Api, operation, status, reason);
            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound => notFound(reason),
                HttpStatusCode.RequestTimeout => new SlapException(SlapErrorKind.NotReady, reason),
                HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => new SlapForbiddenException(reason),
                HttpStatusCode.Conflict => new SlapException(SlapErrorKind.Conflict, reason),
                _ => new SlapException(SlapErrorKind.Validation, reason),
            };
        }
    }

    /// <summary>The message of an error page: Werkzeug puts it in the last <c>&lt;p&gt;</c>; plain text is taken as is.</summary>
    private static string Reason(string body, string operation, int status)
    {
        var paragraphs = Paragraph().Matches(body);
        var text = paragraphs.Count > 0 ? WebUtility.HtmlDecode(paragraphs[^1].Groups[1].Value) : body;
        text = MasterHttp.Shorten(text);
        return text.Length > 0 ? $"{operation}: {text}" : FormattableString.Invariant($"{operation}: the master answered {status}");
    }

    [GeneratedRegex("<p>(.*?)</p>", RegexOptions.Singleline | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Paragraph();
}
