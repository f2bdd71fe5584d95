using System.Diagnostics;

namespace SlapOS.Cli.Tests;

public class CliProcessTests
{
    [Fact]
    public async Task Help_names_the_tool_and_exits_zero()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "SlapOS.Cli.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--help"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("slapos", output, StringComparison.Ordinal);
    }
}
