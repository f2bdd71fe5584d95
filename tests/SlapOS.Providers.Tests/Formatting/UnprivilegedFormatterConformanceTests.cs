using Microsoft.Extensions.Options;
using SlapOS.Providers.Formatting;

namespace SlapOS.Providers.Tests.Formatting;

/// <summary>The formatter contract, run against the unprivileged formatter.</summary>
public sealed class UnprivilegedFormatterConformanceTests : PartitionFormatterConformanceTests
{
    protected override IPartitionFormatter CreateFormatter() => new UnprivilegedFormatter(Options.Create(new UnprivilegedFormatterOptions()));
}
