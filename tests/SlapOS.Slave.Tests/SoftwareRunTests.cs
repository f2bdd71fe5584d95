using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Tests;

public sealed class SoftwareRunTests : IDisposable
{
    private const string Other = "https://example.invalid/other/software.cfg";
    private readonly NodeFixture _node = new();

    public void Dispose() => _node.Dispose();

    private void Supply(string url, SupplyState state = SupplyState.Available, SoftwareInstallationState? reported = null) =>
        _node.Software.Add(new SoftwareInstallation
        {
            ComputerReference = NodeFixture.Computer,
            SoftwareReleaseUrl = url,
            RequestedState = state,
            ReportedState = reported,
        });

    [Fact]
    public async Task Installed_release_the_master_knows_is_skipped()
    {
        _node.MarkInstalled();
        Supply(NodeFixture.ReleaseUrl, reported: SoftwareInstallationState.Available);

        var result = await _node.Agent.SoftwareAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        Assert.Equal(NodeItemStatus.Skipped, Assert.Single(result.Outcomes).Status);
        Assert.Empty(_node.Installer.ReceivedCalls());
        await _node.Master.DidNotReceiveWithAnyArgs().ReportSoftwareInstallationAsync(default!, default!, default, default, default);
    }

    [Fact]
    public async Task Installed_release_the_master_does_not_know_is_reported_available_once_without_building()
    {
        _node.MarkInstalled();
        Supply(NodeFixture.ReleaseUrl, reported: SoftwareInstallationState.Building);

        await _node.Agent.SoftwareAsync();

        Assert.Empty(_node.Installer.ReceivedCalls());
        await _node.Master.Received(1).ReportSoftwareInstallationAsync(NodeFixture.Computer, NodeFixture.ReleaseUrl, SoftwareInstallationState.Available, null, Arg.Any<CancellationToken>());
        await _node.Master.DidNotReceive().ReportSoftwareInstallationAsync(NodeFixture.Computer, NodeFixture.ReleaseUrl, SoftwareInstallationState.Building, Arg.Any<string?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task New_release_is_reported_building_installed_then_reported_available()
    {
        Supply(NodeFixture.ReleaseUrl);

        var result = await _node.Agent.SoftwareAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        Received.InOrder(() =>
        {
            _node.Master.ReportSoftwareInstallationAsync(NodeFixture.Computer, NodeFixture.ReleaseUrl, SoftwareInstallationState.Building, null, Arg.Any<CancellationToken>());
            _node.Installer.InstallSoftwareAsync(
                Arg.Is<SoftwareBuild>(b => b.SoftwareReleaseUrl == NodeFixture.ReleaseUrl && b.InstallDirectory == _node.SoftwarePath(NodeFixture.ReleaseUrl)),
                Arg.Any<CancellationToken>());
            _node.Master.ReportSoftwareInstallationAsync(NodeFixture.Computer, NodeFixture.ReleaseUrl, SoftwareInstallationState.Available, null, Arg.Any<CancellationToken>());
        });
    }

    [Fact]
    public async Task Failed_build_reports_its_log_tail_and_the_next_release_is_still_installed()
    {
        Supply(NodeFixture.ReleaseUrl);
        Supply(Other);
        _node.Installer.InstallSoftwareAsync(Arg.Is<SoftwareBuild>(b => b.SoftwareReleaseUrl == NodeFixture.ReleaseUrl), Arg.Any<CancellationToken>())
            .ThrowsAsync(new SoftwareInstallerException("buildout failed", "Getting distribution for 'foo'.\nError: Couldn't find a distribution for 'foo'."));

        var result = await _node.Agent.SoftwareAsync();

        Assert.Equal(NodeExitCode.Failure, result.ExitCode);
        Assert.Equal([NodeItemStatus.Failed, NodeItemStatus.Done], result.Outcomes.Select(o => o.Status));
        await _node.Master.Received(1).ReportSoftwareInstallationAsync(NodeFixture.Computer, NodeFixture.ReleaseUrl, SoftwareInstallationState.Error,
            Arg.Is<string>(m => m.Contains("Couldn't find a distribution for 'foo'", StringComparison.Ordinal)), Arg.Any<CancellationToken>());
        await _node.Master.DidNotReceive().ReportSoftwareInstallationAsync(NodeFixture.Computer, NodeFixture.ReleaseUrl, SoftwareInstallationState.Available, Arg.Any<string?>(), Arg.Any<CancellationToken>());
        await _node.Master.Received(1).ReportSoftwareInstallationAsync(NodeFixture.Computer, Other, SoftwareInstallationState.Available, null, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Release_supplied_destroyed_is_removed_and_reported_destroyed()
    {
        _node.MarkInstalled();
        Supply(NodeFixture.ReleaseUrl, SupplyState.Destroyed, SoftwareInstallationState.Available);

        var result = await _node.Agent.SoftwareAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        Received.InOrder(() =>
        {
            _node.Installer.RemoveSoftwareAsync(Arg.Is<SoftwareBuild>(b => b.SoftwareReleaseUrl == NodeFixture.ReleaseUrl), Arg.Any<CancellationToken>());
            _node.Master.ReportSoftwareInstallationAsync(NodeFixture.Computer, NodeFixture.ReleaseUrl, SoftwareInstallationState.Destroyed, null, Arg.Any<CancellationToken>());
        });
    }

    [Fact]
    public async Task Release_already_removed_and_reported_is_not_removed_again()
    {
        Supply(NodeFixture.ReleaseUrl, SupplyState.Destroyed, SoftwareInstallationState.Destroyed);

        var result = await _node.Agent.SoftwareAsync();

        Assert.Equal(NodeItemStatus.Skipped, Assert.Single(result.Outcomes).Status);
        Assert.Empty(_node.Installer.ReceivedCalls());
    }

    [Fact]
    public async Task Hostile_release_url_fails_that_release_only()
    {
        Supply("https://example.invalid/../../etc/software.cfg");
        Supply(Other);

        var result = await _node.Agent.SoftwareAsync();

        Assert.Equal([NodeItemStatus.Failed, NodeItemStatus.Done], result.Outcomes.Select(o => o.Status));
        await _node.Installer.Received(1).InstallSoftwareAsync(Arg.Any<SoftwareBuild>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Unreachable_master_gives_exit_code_3()
    {
        _node.Master.GetComputerDocumentAsync(NodeFixture.Computer, Arg.Any<CancellationToken>())
            .ThrowsAsync(new MasterUnreachableException("no route to host"));

        var result = await _node.Agent.SoftwareAsync();

        Assert.Equal(NodeExitCode.Offline, result.ExitCode);
        Assert.Empty(_node.Installer.ReceivedCalls());
    }
}
