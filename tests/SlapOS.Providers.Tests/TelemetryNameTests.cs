using SlapOS.Providers;

namespace SlapOS.Providers.Tests;

public class TelemetryNameTests
{
    [Fact]
    public void Telemetry_is_named_after_the_package() => Assert.Equal("SlapOS.Providers", ProvidersAssembly.TelemetryName);
}
