using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SlapOS.Tests;

namespace SlapOS.Integration.Tests.Samples;

/// <summary>The master host sample as a built program, for tests that run it as a real process.</summary>
internal static class MasterHostProgram
{
    /// <summary>The sample's built program (scripts/test.sh builds the solution in Release first).</summary>
    public static string Path => SamplePath("SlapOS.Samples.MasterHost");

    /// <summary>A sample's built program, by project name (scripts/test.sh builds the solution in Release first).</summary>
    public static string SamplePath(string sample)
    {
        var program = RepositoryRoot.Combine("samples", sample, "bin", "Release", "net10.0", sample + ".dll");
        Assert.True(File.Exists(program), $"{program} is missing: build the solution in Release (scripts/test.sh does)");
        return program;
    }

    /// <summary>A loopback port free at the time of the call.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Waits until <paramref name="host"/> answers on <paramref name="http"/>, failing if it exits first.</summary>
    public static async Task WaitUntilListeningAsync(HttpClient http, Process host)
    {
        // A bound on the test, not a timing assertion: the host usually answers within a second or two.
        for (var attempt = 0; attempt < 300; attempt++)
        {
            Assert.False(host.HasExited, "the master host exited at start");
            try
            {
                await http.GetAsync("/getRunId");
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        Assert.Fail("the master host did not start listening");
    }
}
