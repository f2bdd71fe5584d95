using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Master.Federation;

namespace SlapOS.Master.Tests.Federation;

public sealed class ForwardingRuleTests
{
    private const string Release = "https://example.com/sr/software.cfg";

    private static ExternalMasters Masters(Action<FederationOptions>? configure = null)
    {
        var options = new FederationOptions();
        var b = new ExternalMasterOptions { Url = "https://b.example/" };
        b.SoftwareReleases.Add(Release);
        options.Masters["b"] = b;
        options.LocalUrls.Add("https://a.example");
        configure?.Invoke(options);
        return new ExternalMasters(Options.Create(options), new ServiceCollection().BuildServiceProvider(), TimeProvider.System);
    }

    private static AllocationContext Request(string release = "https://example.com/other.cfg", params (string Key, string Value)[] sla) =>
        new(new InstanceRequest { Title = "t", SoftwareReleaseUrl = release, Sla = sla.ToDictionary(s => s.Key, s => s.Value) });

    [Fact]
    public void Master_url_names_a_configured_master_with_or_without_its_trailing_slash()
    {
        var rule = new MasterUrlForwardingRule(Masters());

        Assert.Equal("https://b.example/", rule.ExternalMasterFor(Request(sla: ("master_url", "https://b.example"))));
        Assert.Null(rule.ExternalMasterFor(Request()));
    }

    [Fact]
    public void Master_url_naming_this_master_stays_here_and_an_unknown_one_is_refused()
    {
        var rule = new MasterUrlForwardingRule(Masters());

        Assert.Null(rule.ExternalMasterFor(Request(sla: ("master_url", "https://a.example/"))));
        var unknown = Assert.Throws<SlapValidationException>(() => rule.ExternalMasterFor(Request(sla: ("master_url", "https://c.example/"))));
        Assert.Equal("sla.master_url", unknown.Field);
    }

    [Fact]
    public void A_listed_release_goes_to_its_master()
    {
        var rule = new SoftwareReleaseListForwardingRule(Masters());

        Assert.Equal("https://b.example/", rule.ExternalMasterFor(Request(Release)));
        Assert.Null(rule.ExternalMasterFor(Request()));
    }

    [Fact]
    public void The_forwarder_runs_rules_in_order_and_runs_none_without_external_masters()
    {
        var masters = Masters();
        var store = NSubstitute.Substitute.For<IMasterStore>();
        var forwarder = new RequestForwarder([new MasterUrlForwardingRule(masters), new SoftwareReleaseListForwardingRule(masters)], masters, store, NullLogger<RequestForwarder>.Instance);
        Assert.Equal("https://b.example/", forwarder.Route(Request(Release, ("master_url", "https://b.example/"))));
        Assert.Equal("https://b.example/", forwarder.Route(Request(Release)));
        Assert.Null(forwarder.Route(Request()));

        var none = Masters(o => o.Masters.Clear());
        var idle = new RequestForwarder([new MasterUrlForwardingRule(none)], none, store, NullLogger<RequestForwarder>.Instance);
        Assert.Null(idle.Route(Request(sla: ("master_url", "https://c.example/"))));
    }

    [Fact]
    public void A_child_request_gets_a_title_unique_on_the_external_master()
    {
        Assert.Equal("db", RequestForwarder.ExternalTitleOf(new InstanceRequest { Title = "db", SoftwareReleaseUrl = Release }));
        Assert.Equal("db (SOFTINST-1)", RequestForwarder.ExternalTitleOf(new InstanceRequest { Title = "db", RequesterReference = "SOFTINST-1", SoftwareReleaseUrl = Release }));
    }
}
