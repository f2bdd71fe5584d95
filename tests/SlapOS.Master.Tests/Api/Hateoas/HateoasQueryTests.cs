using SlapOS.Master.Api.Hateoas;

namespace SlapOS.Master.Tests.Api.Hateoas;

public sealed class HateoasQueryTests
{
    [Theory]
    [InlineData("portal_type:\"Instance Tree\" AND validation_state:validated", (int)HateoasSearchKind.InstanceTrees)]
    [InlineData("portal_type:\"Hosting Subscription\" AND validation_state:validated", (int)HateoasSearchKind.InstanceTrees)]
    [InlineData("portal_type:\"Compute Node\" AND validation_state:validated", (int)HateoasSearchKind.Computers)]
    [InlineData("portal_type:\"Computer\" AND validation_state:validated", (int)HateoasSearchKind.Computers)]
    [InlineData("portal_type:(\"Software Instance\", \"Slave Instance\") AND validation_state:validated", (int)HateoasSearchKind.Instances)]
    public void The_portal_types_the_cli_sends_are_understood(string text, int kind)
    {
        var query = HateoasQuery.Parse(text);

        Assert.Equal(new HateoasQuery((HateoasSearchKind)kind, null, null, null), query);
    }

    [Fact]
    public void Exact_title_reference_and_tree_title_terms_are_read_unquoted()
    {
        Assert.Equal("root-inst", HateoasQuery.Parse("portal_type:\"Instance Tree\" AND validation_state:validated AND title:=\"root-inst\"")!.Title);
        Assert.Equal("COMP-1", HateoasQuery.Parse("portal_type:\"Compute Node\" AND validation_state:validated AND reference:=\"COMP-1\"")!.Reference);
        Assert.Equal("my tree", HateoasQuery.Parse("portal_type:(\"Software Instance\", \"Slave Instance\") AND validation_state:validated AND default_specialise_title:=\"my tree\"")!.TreeTitle);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("portal_type:\"Software Installation\"")]
    [InlineData("portal_type:(\"Instance Tree\", \"Compute Node\")")]
    [InlineData("title:=\"x\"")]
    [InlineData("portal_type:\"Instance Tree\" AND validation_state:invalidated")]
    [InlineData("portal_type:\"Instance Tree\" AND portal_type:\"Compute Node\"")]
    [InlineData("portal_type:\"Instance Tree\" AND title:\"partial\"")]
    [InlineData("portal_type:\"Instance Tree\" OR title:=\"x\"")]
    public void Anything_else_is_refused(string? text)
    {
        Assert.Null(HateoasQuery.Parse(text));
    }
}
