using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SlapOS.Slave.Tests.MasterClient;

/// <summary>
/// A tiny in-memory master speaking the JSON API v0, just enough to run <see cref="MasterClientConformanceTests"/>
/// against the JSON client. Errors are <c>{"status","type","title"}</c>, with "no free partition" a 403 as in SlapOS.
/// </summary>
internal sealed class FakeJsonMaster : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<string>> _computers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _instances = new(StringComparer.Ordinal);
    private long _clock = 1_700_000_000;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
        lock (_lock)
        {
            var (status, answer) = Handle(request.RequestUri!.AbsolutePath.Trim('/'), body);
            return new HttpResponseMessage(status) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/json") };
        }
    }

    private (HttpStatusCode, JsonObject) Handle(string endpoint, JsonObject body)
    {
        switch (endpoint)
        {
            case "slapos.put.v0.compute_node_format":
                _computers[(string)body["computer_guid"]!] = body["compute_partition_list"]!.AsArray().Select(p => (string)p!["partition_id"]!).ToList();
                return Success("Formatted");
            case "slapos.allDocs.v0.compute_node_software_installation_list":
                return Known(body, _ => new JsonObject { ["result_list"] = new JsonArray() });
            case "slapos.allDocs.v0.compute_node_instance_list":
                return Known(body, computer => new JsonObject
                {
                    ["result_list"] = new JsonArray(_instances.Values.Where(i => (string)i["computer_guid"]! == computer).Select(i => (JsonNode)new JsonObject
                    {
                        ["title"] = i["title"]!.DeepClone(),
                        ["instance_guid"] = i["instance_guid"]!.DeepClone(),
                        ["state"] = i["state"]!.DeepClone(),
                        ["compute_partition_id"] = i["compute_partition_id"]!.DeepClone(),
                        ["software_release_uri"] = i["software_release_uri"]!.DeepClone(),
                    }).ToArray()),
                });
            case "slapos.get.v0.software_instance":
                return _instances.TryGetValue((string)body["instance_guid"]!, out var found) ? (HttpStatusCode.OK, (JsonObject)found.DeepClone()) : Error(403, "Forbidden", "unknown instance");
            case "slapos.allDocs.v0.instance_node_instance_list":
                return (HttpStatusCode.OK, new JsonObject { ["result_list"] = new JsonArray() });
            case "slapos.post.v0.software_instance":
                return Request(body);
            case "slapos.put.v0.software_instance_connection_parameter":
                return Update(body, i => i["connection_parameters"] = body["connection_parameter_dict"]!.DeepClone());
            case "slapos.put.v0.software_instance_bang":
                return Update(body, i => i["processing_timestamp"] = ++_clock);
            case "slapos.put.v0.software_instance_reported_state" or "slapos.put.v0.software_instance_error":
                return Update(body, _ => { });
            case "slapos.put.v0.software_installation_reported_state" or "slapos.put.v0.software_installation_error" or "slapos.post.v0.compute_node_usage":
                return Success("Ignored");
            default:
                return Error(404, "Not Found", "no such endpoint");
        }
    }

    private (HttpStatusCode, JsonObject) Request(JsonObject body)
    {
        var title = (string)body["title"]!;
        var guid = title + "______0";
        var parameters = body["parameters"]?.DeepClone() ?? new JsonObject();
        var state = (string?)body["state"] ?? "started";
        if (_instances.TryGetValue(guid, out var existing))
        {
            if (!JsonNode.DeepEquals(existing["parameters"], parameters) || (string)existing["state"]! != state)
            {
                existing["parameters"] = parameters;
                existing["state"] = state;
                existing["processing_timestamp"] = ++_clock;
            }

            return (HttpStatusCode.OK, (JsonObject)existing.DeepClone());
        }

        var computer = (string?)body["sla_parameters"]?["computer_guid"];
        var free = computer is null || !_computers.TryGetValue(computer, out var partitions)
            ? null
            : partitions.FirstOrDefault(p => !_instances.Values.Any(i => (string)i["computer_guid"]! == computer && (string)i["compute_partition_id"]! == p));
        if (free is null)
        {
            return Error(403, "Forbidden", "No free computer partition found for: " + title);
        }

        var instance = new JsonObject
        {
            ["title"] = title,
            ["instance_guid"] = guid,
            ["software_release_uri"] = body["software_release_uri"]!.DeepClone(),
            ["software_type"] = body["software_type"]!.DeepClone(),
            ["state"] = state,
            ["connection_parameters"] = new JsonObject(),
            ["parameters"] = parameters,
            ["shared"] = false,
            ["root_instance_title"] = title,
            ["ip_list"] = new JsonArray(),
            ["full_ip_list"] = new JsonArray(),
            ["sla_parameters"] = new JsonObject(),
            ["computer_guid"] = computer,
            ["compute_partition_id"] = free,
            ["processing_timestamp"] = ++_clock,
            ["access_status_message"] = string.Empty,
        };
        _instances[guid] = instance;
        return (HttpStatusCode.OK, (JsonObject)instance.DeepClone());
    }

    private (HttpStatusCode, JsonObject) Known(JsonObject body, Func<string, JsonObject> answer)
    {
        var computer = (string)body["computer_guid"]!;
        return _computers.ContainsKey(computer) ? (HttpStatusCode.OK, answer(computer)) : Error(403, "Forbidden", computer + " is not registered.");
    }

    private (HttpStatusCode, JsonObject) Update(JsonObject body, Action<JsonObject> change)
    {
        if (!_instances.TryGetValue((string)body["instance_guid"]!, out var instance))
        {
            return Error(403, "Forbidden", "unknown instance");
        }

        change(instance);
        return Success("Updated");
    }

    private static (HttpStatusCode, JsonObject) Success(string title) =>
        (HttpStatusCode.OK, new JsonObject { ["type"] = "success", ["title"] = title });

    private static (HttpStatusCode, JsonObject) Error(int status, string type, string title) =>
        ((HttpStatusCode)status, new JsonObject { ["status"] = status, ["type"] = type, ["title"] = title });
}
