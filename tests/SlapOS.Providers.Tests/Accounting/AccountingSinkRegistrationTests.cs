using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using SlapOS.Providers.Accounting;

namespace SlapOS.Providers.Tests.Accounting;

public sealed class AccountingSinkRegistrationTests
{
    [Fact]
    public void Several_sinks_add_up_and_adding_the_same_sink_twice_registers_it_once()
    {
        var services = new ServiceCollection();
        var master = Substitute.For<ISlapOSMasterBuilder>();
        master.Services.Returns(services);
        var root = Path.Combine(Path.GetTempPath(), "slapos-sinks-" + Guid.NewGuid().ToString("N"));

        master.AddJsonLinesAccountingSink(Path.Combine(root, "a.jsonl"))
            .AddJsonLinesAccountingSink(Path.Combine(root, "a.jsonl"))
            .AddJsonLinesAccountingSink(Path.Combine(root, "b.jsonl"))
            .AddTioXmlAccountingSink(Path.Combine(root, "tioxml"))
            .AddTioXmlAccountingSink(Path.Combine(root, "tioxml"))
            .AddMeterAccountingSink()
            .AddMeterAccountingSink();

        using var provider = services.BuildServiceProvider();
        var sinks = provider.GetServices<IAccountingSink>().ToList();
        Assert.Equal(2, sinks.OfType<JsonLinesAccountingSink>().Count());
        Assert.Single(sinks.OfType<TioXmlAccountingSink>());
        Assert.Single(sinks.OfType<MeterAccountingSink>());
        Assert.False(Directory.Exists(root), "registering a sink must not touch the disk");
    }

    [Fact]
    public void Sinks_register_on_a_node_too()
    {
        var services = new ServiceCollection();
        var slave = Substitute.For<ISlapOSSlaveBuilder>();
        slave.Services.Returns(services);

        slave.AddMeterAccountingSink().AddTioXmlAccountingSink(Path.GetTempPath()).AddJsonLinesAccountingSink(Path.Combine(Path.GetTempPath(), "usage.jsonl"));

        using var provider = services.BuildServiceProvider();
        Assert.Equal(3, provider.GetServices<IAccountingSink>().Count());
    }
}
