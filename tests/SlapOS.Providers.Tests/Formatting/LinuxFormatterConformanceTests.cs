namespace SlapOS.Providers.Tests.Formatting;

/// <summary>The formatter contract, run as root against the root formatter with real users, a bridge, addresses and taps.</summary>
public sealed class LinuxFormatterConformanceTests : PartitionFormatterConformanceTests, IAsyncLifetime
{
    private readonly RootNode node = new();

    public Task InitializeAsync()
    {
        RootNode.RequireRoot();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => node.CleanupAsync(InstanceRoot);

    protected override IPartitionFormatter CreateFormatter() => node.Create(tap: true);
}
