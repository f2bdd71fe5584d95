using Microsoft.Playwright;

namespace SlapOS.Integration.Tests.Portal;

/// <summary>
/// The operator's pages in a real headless Chromium (insecure loopback mode: the admin): instance actions behind a
/// confirmation, memory and disk charts, the tree graph, the allocation explanation and the capacity view.
/// </summary>
public sealed class PortalOperationsBrowserTests : PortalBrowserTestBase
{
    [Fact]
    public async Task Stopping_and_destroying_an_instance_from_its_tree_asks_for_confirmation_first()
    {
        await Page.GotoAsync(Cloud.Url + "/portal/trees/" + Cloud.AliceRoot.Reference);

        await Page.GetByRole(AriaRole.Link, new() { Name = "Stop alice-db", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Stop alice-db?" })).ToBeVisibleAsync();
        Assert.Equal(RequestedState.Started, (await Cloud.Master.GetInstanceAsync(Cloud.AliceChild.Reference, default)).RequestedState);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Yes, stop alice-db" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Asked for alice-db to be stopped");
        Assert.Equal(RequestedState.Stopped, (await Cloud.Master.GetInstanceAsync(Cloud.AliceChild.Reference, default)).RequestedState);

        await Page.GetByRole(AriaRole.Link, new() { Name = "Destroy alice-web", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Destroy alice-web?" })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText("1 descendant instance(s) are destroyed with it")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync("instance-destroy-confirm-1280x800");

        // The browser will not submit without the data-loss box ticked (no script: the field is required).
        await Page.GetByRole(AriaRole.Button, new() { Name = "Yes, destroy alice-web" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Destroy alice-web?" })).ToBeVisibleAsync();
        Assert.Equal(RequestedState.Started, (await Cloud.Master.GetInstanceAsync(Cloud.AliceRoot.Reference, default)).RequestedState);

        await Page.GetByLabel("I understand that the data of alice-web").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Yes, destroy alice-web" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Asked for alice-web to be destroyed");
        Assert.Equal(RequestedState.Destroyed, (await Cloud.Master.GetInstanceAsync(Cloud.AliceRoot.Reference, default)).RequestedState);
        Assert.Equal(RequestedState.Destroyed, (await Cloud.Master.GetInstanceAsync(Cloud.AliceChild.Reference, default)).RequestedState);
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Start alice-web", Exact = true })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Memory_and_disk_charts_are_drawn_beside_the_cpu_chart()
    {
        await Page.GotoAsync(Cloud.Url + "/portal/usage");

        await Assertions.Expect(Page.Locator("#usage-trees svg polyline").First).ToBeVisibleAsync();
        await Assertions.Expect(Page.Locator("#usage-trees-memory svg polyline").First).ToBeVisibleAsync();
        await Assertions.Expect(Page.Locator("#usage-trees-disk svg polyline").First).ToBeVisibleAsync();
        await Assertions.Expect(Page.Locator("#usage-computers-memory svg polyline").First).ToBeVisibleAsync();
        Assert.Contains("128 MiB", await Page.Locator("#usage-trees-memory + details").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("2 MiB", await Page.Locator("#usage-trees-disk + details").TextContentAsync(), StringComparison.Ordinal);

        // Side by side: the memory chart starts to the right of the CPU chart, on the same row.
        var cpu = await Page.Locator("#usage-trees").BoundingBoxAsync();
        var memory = await Page.Locator("#usage-trees-memory").BoundingBoxAsync();
        Assert.True(memory!.X > cpu!.X + cpu.Width - 1 && Math.Abs(memory.Y - cpu.Y) < 1, $"memory chart at ({memory.X},{memory.Y}), CPU chart at ({cpu.X},{cpu.Y})");
        await Browser.ScreenshotAsync("usage-1280x800");

        await Page.GotoAsync(Cloud.Url + "/portal/computers/COMP-A");
        await Assertions.Expect(Page.Locator("#usage-computer-memory svg polyline").First).ToBeVisibleAsync();
        await Assertions.Expect(Page.Locator("#usage-computer-disk svg polyline").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_instance_tree_is_drawn_as_a_graph()
    {
        await Page.GotoAsync(Cloud.Url + "/portal/trees/" + Cloud.AliceRoot.Reference);

        var graph = Page.Locator("#tree-graph svg");
        await Assertions.Expect(graph).ToBeVisibleAsync();
        await Assertions.Expect(graph.Locator("g.node")).ToHaveCountAsync(2);
        await Assertions.Expect(graph.Locator("path.edge")).ToHaveCountAsync(1);
        var child = graph.Locator($"g.node[data-instance='{Cloud.AliceChild.Reference}']");
        await Assertions.Expect(child).ToContainTextAsync("alice-db");
        await Assertions.Expect(child).ToContainTextAsync("error");
        var root = await graph.Locator($"g.node[data-instance='{Cloud.AliceRoot.Reference}'] rect").BoundingBoxAsync();
        var leaf = await child.Locator("rect").BoundingBoxAsync();
        Assert.True(leaf!.X > root!.X + root.Width, "the child is drawn to the right of its requester");
        await Browser.ScreenshotAsync("tree-graph-1280x800");
    }

    [Fact]
    public async Task A_pending_request_shows_the_allocation_explanation_beside_it()
    {
        await Page.GotoAsync(Cloud.Url + "/portal/request");
        await Page.GetByLabel("Software release URL").FillAsync(PortalMaster.Release);
        await Page.GetByLabel("Title").FillAsync("mars-bound");
        await Page.GetByLabel("SLA").FillAsync("region=mars");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Request" }).ClickAsync();

        var explanation = Page.GetByRole(AriaRole.Complementary, new() { Name = "Why it is pending" });
        await Assertions.Expect(explanation).ToBeVisibleAsync();
        await Assertions.Expect(explanation.GetByRole(AriaRole.Row, new() { Name = "attributes 2 0 COMP-A, COMP-B" })).ToBeVisibleAsync();
        await Assertions.Expect(explanation.GetByRole(AriaRole.Link, new() { Name = "COMP-B", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(explanation).ToContainTextAsync("Nothing was left after attributes");
        var form = await Page.Locator("form.card").BoundingBoxAsync();
        var aside = await explanation.BoundingBoxAsync();
        Assert.True(aside!.X > form!.X + form.Width - 1, "the explanation sits beside the form");
        await Browser.ScreenshotAsync("request-explained-1280x800");
    }

    [Fact]
    public async Task The_capacity_view_shows_used_reserved_and_free_partitions_per_computer()
    {
        await Page.GotoAsync(Cloud.Url + "/portal/computers");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Capacity", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Capacity" })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Img, new() { Name = "2 used, 0 reserved, 1 free of 3" })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Img, new() { Name = "1 used, 0 reserved, 1 free of 2" })).ToBeVisibleAsync();

        // alice-db is destroyed (its partition is reserved until the node wipes it) and COMP-B is filled up.
        await Cloud.Master.RequestAsync(new InstanceRequest
        {
            Title = "alice-db", RequesterReference = Cloud.AliceRoot.Reference, SoftwareReleaseUrl = PortalMaster.Release,
            Sla = Cloud.AliceChild.Sla, State = RequestedState.Destroyed,
        }, default);
        await Cloud.Master.RequestAsync(new InstanceRequest
        {
            Title = "bob-cache", RequesterReference = PortalMaster.Bob, SoftwareReleaseUrl = PortalMaster.Release,
            Sla = new Dictionary<string, string> { ["computer_guid"] = PortalMaster.ComputerB },
        }, default);
        await Page.ReloadAsync();

        var compA = Page.Locator("tr[data-computer='COMP-A']");
        var compB = Page.Locator("tr[data-computer='COMP-B']");
        await Assertions.Expect(compA.GetByRole(AriaRole.Img, new() { Name = "1 used, 1 reserved, 1 free of 3" })).ToBeVisibleAsync();
        await Assertions.Expect(compB.GetByRole(AriaRole.Img, new() { Name = "2 used, 0 reserved, 0 free of 2" })).ToBeVisibleAsync();
        await Assertions.Expect(compB).ToContainTextAsync("full");
        await Assertions.Expect(Page.Locator("#capacity-totals")).ToContainTextAsync("Full computers1");
        Assert.Equal("COMP-B", await Page.Locator("#capacity tbody tr").First.GetAttributeAsync("data-computer"));
        await Browser.ScreenshotAsync("capacity-1280x800");
    }
}
