using SlapOS.Master;

namespace SlapOS.Integration.Tests.Node;

/// <summary>The node daemon sleeps for its whole interval unless the master signals a change.</summary>
public sealed class NodeDaemonWakeUpTests : IAsyncLifetime
{
    private const string Computer = "COMP-WAKE";
    private LoopbackCloud cloud = null!;

    private ISlapMaster Slap => cloud.Slap;

    public async Task InitializeAsync() => cloud = await LoopbackCloud.StartAsync(Computer, node => node.UseNativeBuildout(), partitions: 1, new Dictionary<string, string?>
    {
        ["RunDaemon"] = "true",
        // Far longer than the test may take: only a wake-up can make the node act in time.
        ["SoftwareInterval"] = "01:00:00",
        ["InstanceInterval"] = "01:00:00",
        ["ReportInterval"] = "01:00:00",
    });

    public async Task DisposeAsync() => await cloud.DisposeAsync();

    [Fact]
    public async Task A_request_wakes_the_sleeping_daemon_which_deploys_it()
    {
        // The daemon formats at start: wait until the master knows the computer.
        await WaitUntilAsync(async () => (await Slap.ListPartitionsAsync(Computer, default)).Count == 1, "the daemon formatted the computer");

        var release = LoopbackCloud.HelloWeb;
        await Slap.SupplyAsync(Computer, release, SupplyState.Available, default);
        var port = LoopbackCloud.FreePort();
        var request = new InstanceRequest
        {
            Title = "woken",
            SoftwareReleaseUrl = release,
            Parameters = new Dictionary<string, string> { ["name"] = "Awake", ["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        await Slap.RequestAsync(request, default);

        await WaitUntilAsync(async () => (await Slap.RequestAsync(request, default)).ConnectionParameters.ContainsKey("url"), "the daemon deployed the instance");
        var url = (await Slap.RequestAsync(request, default)).ConnectionParameters["url"];
        using var http = new HttpClient();
        var answer = string.Empty;
        await WaitUntilAsync(
            async () =>
            {
                try
                {
                    answer = (await http.GetStringAsync(url)).Trim();
                }
                catch (HttpRequestException)
                {
                    // The daemon publishes the URL as soon as it deployed; the service may still be starting.
                }

                return answer.Length > 0;
            },
            "the service answers");
        Assert.Equal("Hello Awake", answer);

        await Slap.RequestAsync(request with { State = RequestedState.Destroyed }, default);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        // A bound on the test, not a performance assertion: the daemon's own interval is an hour.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (SlapException)
            {
                // Not there yet.
            }

            await Task.Delay(200);
        }

        Assert.Fail($"timed out waiting until {what}");
    }
}
