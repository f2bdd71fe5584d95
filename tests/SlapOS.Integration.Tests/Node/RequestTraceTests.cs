using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Slave.Agent;
using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Node;

/// <summary>
/// One trace from request to process: a request sent over HTTP with a W3C <c>traceparent</c> leaves its trace
/// context with the instance; the node (another host, over the JSON API) deploys the partition in a span of the
/// same trace. Real master, node, native buildout and supervisor on loopback; an <see cref="ActivityListener"/>
/// stands for the OpenTelemetry SDK.
/// </summary>
public sealed class RequestTraceTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Sources = ["SlapOS.Master", "SlapOS.Slave", "Microsoft.AspNetCore", TestSourceName];

    private const string TestSourceName = "SlapOS.Tests.RequestTrace";

    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly ConcurrentQueue<Activity> stopped = new();
    private readonly ActivityListener listener;
    private LoopbackCloud cloud = null!;

    public RequestTraceTests()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => Sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    private string MasterUrl => cloud.Master.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    public async Task InitializeAsync()
    {
        cloud = await LoopbackCloud.StartAsync("COMP-TRACE21", node => node.UseNativeBuildout(), partitions: 1);
        Assert.Equal(NodeExitCode.Ok, (await cloud.Agent.FormatAsync()).ExitCode);
        await cloud.Slap.SupplyAsync(cloud.Computer, LoopbackCloud.HelloWeb, SupplyState.Available, default);
    }

    public async Task DisposeAsync() => await cloud.DisposeAsync();

    public void Dispose() => listener.Dispose();

    [Fact]
    public async Task A_json_request_trace_id_reaches_the_node_deployment_span()
    {
        // The client's own span: its trace id is what the operator looks up.
        ActivityTraceId traceId;
        using (var client = TestSource.StartActivity("client request"))
        {
            Assert.NotNull(client);
            traceId = client.TraceId;
            using var http = new HttpClient { BaseAddress = new Uri(MasterUrl) };
            using var message = new HttpRequestMessage(HttpMethod.Post, "/slapos.post.v0.software_instance")
            {
                Content = JsonContent.Create(new Dictionary<string, object>
                {
                    ["title"] = "trace21-hello",
                    ["software_release_uri"] = LoopbackCloud.HelloWeb,
                    ["software_type"] = "default",
                    ["parameters"] = new Dictionary<string, string> { ["name"] = "Trace", ["port"] = LoopbackCloud.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) },
                }),
            };
            message.Headers.Add("traceparent", client.Id);
            using var answer = await http.SendAsync(message);
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
            Assert.True(answer.Headers.TryGetValues(SlapHeaders.TraceParent, out var given));
            Assert.Equal(traceId.ToHexString(), given.Single().Split('-')[1]);
        }

        // The master's request span is in the client's trace, and its context is what the instance keeps.
        var requestSpan = Assert.Single(stopped, a => a.OperationName == "slapos.master.request" && a.TraceId == traceId);
        var instance = await cloud.Slap.FindInstanceAsync(InstanceRequest.RootRequester, "trace21-hello", default);
        Assert.NotNull(instance);
        Assert.Equal(requestSpan.Id, instance.TraceParent);

        // The node, in its own runs (no ambient trace), installs the release and deploys the partition.
        Assert.Null(Activity.Current);
        Assert.Equal(NodeExitCode.Ok, (await cloud.Agent.SoftwareAsync()).ExitCode);
        var run = await cloud.Agent.InstanceAsync();
        Assert.True(run.ExitCode == NodeExitCode.Ok, run.Message ?? string.Join("; ", run.Outcomes));

        var deploy = Assert.Single(stopped, a => a.OperationName == "slapos.slave.instance.deploy" && a.TraceId == traceId);
        Assert.Equal(requestSpan.SpanId, deploy.ParentSpanId);
        Assert.Equal(instance.PartitionReference, deploy.GetTagItem("slapos.partition"));
        Assert.Equal("Done", deploy.GetTagItem("slapos.status"));

        // The node's run span is linked, not the parent; the release's install span links to the request.
        var instanceRun = Assert.Single(stopped, a => a.OperationName == "slapgrid instance" && deploy.Links.Any(l => l.Context.SpanId == a.SpanId));
        Assert.NotEqual(traceId, instanceRun.TraceId);
        var install = Assert.Single(stopped, a => a.OperationName == "slapos.slave.software.install" && (string?)a.GetTagItem("slapos.software_release") == LoopbackCloud.HelloWeb && a.Links.Any(l => l.Context.TraceId == traceId));
        Assert.Equal("Done", install.GetTagItem("slapos.status"));
    }

    [Fact]
    public async Task An_xml_request_keeps_the_trace_context_of_its_http_call()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var traceParent = $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        using var http = new HttpClient { BaseAddress = new Uri(MasterUrl) };
        using var message = new HttpRequestMessage(HttpMethod.Post, "/requestComputerPartition")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["software_release"] = LoopbackCloud.HelloWeb,
                ["partition_reference"] = "trace21-xml",
                ["partition_parameter_xml"] = SlapMarshal.Write(new Dictionary<string, object?>()),
                ["state"] = SlapMarshal.Write("started"),
            }),
        };
        message.Headers.Add("traceparent", traceParent);
        using var answer = await http.SendAsync(message);
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());

        var instance = await cloud.Slap.FindInstanceAsync(InstanceRequest.RootRequester, "trace21-xml", default);
        Assert.NotNull(instance);
        Assert.True(SlapTraceContext.TryParse(instance.TraceParent, out var stored));
        Assert.Equal(traceId, stored.TraceId);

        // What the node fetches carries it too (the JSON client reads the response header).
        var document = await cloud.Node.Services.GetRequiredService<ISlapMasterClient>().GetComputerDocumentAsync(cloud.Computer, default);
        Assert.Equal(instance.TraceParent, document.Partitions.Single(p => p.InstanceReference == instance.Reference).TraceParent);
    }
}
