using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using SlapOS.Master.Allocation;
using SlapOS.Master.Telemetry;
using SlapOS.Master.Tests.Allocation;

namespace SlapOS.Master.Tests;

public sealed class RequestSemanticsTests : IDisposable
{
    private const string Release = "https://lab.example/software.cfg";
    private readonly IMasterStore _store = Substitute.For<IMasterStore>();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    private readonly MasterTelemetry _telemetry = new();

    public void Dispose() => _telemetry.Dispose();

    private SlapMaster Master()
    {
        var pipeline = new AllocationPipeline([], AllocationPipelineTests.Options(), _store, NullLogger<AllocationPipeline>.Instance);
        return new SlapMaster(_store, pipeline, _telemetry, _time, NullLogger<SlapMaster>.Instance, Microsoft.Extensions.Options.Options.Create(new SlapOSMasterOptions()));
    }

    [Fact]
    public async Task An_allocation_is_counted_and_every_request_is_timed()
    {
        using var allocations = new MetricCollector<long>(_telemetry.Allocations);
        using var durations = new MetricCollector<double>(_telemetry.RequestDuration);
        _store.ListAllocationCandidatesAsync(Release, Arg.Any<CancellationToken>()).Returns([AllocationPipelineTests.Candidate("COMP-1", 1)]);
        _store.TryReservePartitionAsync("COMP-1", Arg.Any<SoftwareInstance>(), Arg.Any<CancellationToken>())
            .Returns(call => call.Arg<SoftwareInstance>() with { ComputerReference = "COMP-1", PartitionReference = "slappart0" });

        var instance = await Master().RequestAsync(new InstanceRequest { Title = "new", SoftwareReleaseUrl = Release }, default);
        await Assert.ThrowsAsync<SlapValidationException>(() => Master().RequestAsync(new InstanceRequest { Title = "", SoftwareReleaseUrl = Release }, default));

        Assert.Equal("slappart0", instance.PartitionReference);
        Assert.Equal(1, allocations.LastMeasurement?.Value);
        Assert.Single(durations.GetMeasurementSnapshot());
    }

    private static SoftwareInstance Existing(Dictionary<string, string>? sla = null) => new()
    {
        Reference = "SOFTINST-1",
        Title = "db",
        RequesterReference = "root",
        RootReference = "SOFTINST-1",
        SoftwareReleaseUrl = Release,
        Parameters = new Dictionary<string, string> { ["size"] = "10" },
        Sla = sla ?? [],
        ComputerReference = "COMP-1",
        PartitionReference = "slappart0",
        Timestamp = new InstanceTimestamp(1_000_000),
        Version = 4,
    };

    [Fact]
    public async Task An_identical_re_request_writes_nothing()
    {
        _store.FindInstanceAsync("root", "db", false, Arg.Any<CancellationToken>()).Returns(Existing());

        var result = await Master().RequestAsync(new InstanceRequest { Title = "db", SoftwareReleaseUrl = Release, Parameters = new Dictionary<string, string> { ["size"] = "10" }, Sla = new Dictionary<string, string> { ["computer_guid"] = "COMP-9" } }, default);

        Assert.Equal(new InstanceTimestamp(1_000_000), result.Timestamp);
        await _store.DidNotReceiveWithAnyArgs().TryUpdateInstanceAsync(default!, default);
        await _store.DidNotReceiveWithAnyArgs().TryReservePartitionAsync(default!, default!, default);
    }

    [Fact]
    public async Task A_changed_parameter_bumps_the_timestamp_from_the_time_provider_and_retries_a_concurrent_change()
    {
        _store.FindInstanceAsync("root", "db", false, Arg.Any<CancellationToken>()).Returns(Existing());
        _store.GetInstanceAsync("SOFTINST-1", Arg.Any<CancellationToken>()).Returns(Existing() with { Version = 5 });
        _store.TryUpdateInstanceAsync(Arg.Is<SoftwareInstance>(i => i.Version == 4), Arg.Any<CancellationToken>()).Returns((SoftwareInstance?)null);
        _store.TryUpdateInstanceAsync(Arg.Is<SoftwareInstance>(i => i.Version == 5), Arg.Any<CancellationToken>()).Returns(call => call.Arg<SoftwareInstance>() with { Version = 6 });

        var result = await Master().RequestAsync(new InstanceRequest { Title = "db", SoftwareReleaseUrl = Release, Parameters = new Dictionary<string, string> { ["size"] = "20" } }, default);

        Assert.Equal(("20", 6L), (result.Parameters["size"], result.Version));
        Assert.Equal(InstanceTimestamp.Next(_time.GetUtcNow()), result.Timestamp);
        Assert.Equal(("COMP-1", "slappart0"), (result.ComputerReference, result.PartitionReference));
    }

    [Fact]
    public async Task A_lost_creation_race_is_served_as_a_re_request()
    {
        _store.FindInstanceAsync("root", "db", false, Arg.Any<CancellationToken>()).Returns((SoftwareInstance?)null, Existing());
        _store.ListAllocationCandidatesAsync(Release, Arg.Any<CancellationToken>()).Returns([AllocationPipelineTests.Candidate("COMP-1", 1)]);
        _store.TryReservePartitionAsync("COMP-1", Arg.Any<SoftwareInstance>(), Arg.Any<CancellationToken>())
            .Returns<SoftwareInstance?>(_ => throw new SlapException(SlapErrorKind.Conflict, "duplicate"));

        var result = await Master().RequestAsync(new InstanceRequest { Title = "db", SoftwareReleaseUrl = Release, Parameters = new Dictionary<string, string> { ["size"] = "10" } }, default);

        Assert.Equal("SOFTINST-1", result.Reference);
    }
}
