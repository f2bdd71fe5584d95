namespace SlapOS.Abstractions.Tests;

public class InstanceTreeTests
{
    private static SoftwareInstance Instance(string reference, string requester, string root) => new()
    {
        Reference = reference,
        Title = reference,
        RequesterReference = requester,
        RootReference = root,
        SoftwareReleaseUrl = "https://example.com/sr/kvm/software.cfg",
    };

    [Fact]
    public void Children_are_the_instances_requested_by_an_instance()
    {
        var root = Instance("R", "person-1", "R");
        var a = Instance("A", "R", "R");
        var b = Instance("B", "R", "R");
        var grandChild = Instance("C", "A", "R");
        var tree = new InstanceTree(root, [root, a, b, grandChild]);

        Assert.Equal(["A", "B"], tree.ChildrenOf(root).Select(i => i.Reference).Order());
        Assert.Equal(["C"], tree.ChildrenOf(a).Select(i => i.Reference));
        Assert.Equal("person-1", tree.Owner);
        Assert.True(root.IsRoot);
        Assert.False(a.IsRoot);
    }
}
