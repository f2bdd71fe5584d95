using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace SlapOS.Integration.Tests.Samples;

/// <summary>
/// The master host sample, started with the README's command line (as its built program), answers the
/// JSON and XML APIs and stops cleanly on SIGTERM.
/// </summary>
public sealed class MasterHostSampleTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("slapos-masterhost-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task The_master_host_answers_both_apis_and_stops_cleanly_on_sigterm()
    {
        var url = $"http://127.0.0.1:{MasterHostProgram.FreePort()}";
        var start = new ProcessStartInfo("dotnet", [MasterHostProgram.Path, "--urls", url, "--SlapOS:Master:Security:Mode=InsecureLoopback", $"--SlapOS:Master:Sqlite:Path={Path.Combine(directory, "master.db")}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        using var host = Process.Start(start)!;
        var output = host.StandardOutput.ReadToEndAsync();
        var error = host.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            await MasterHostProgram.WaitUntilListeningAsync(http, host);

            var format = await http.PostAsync("/slapos.put.v0.compute_node_format", new StringContent("""{"computer_guid": "COMP-HOST", "compute_partition_list": [{"partition_id": "slappart0"}]}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, format.StatusCode);
            var document = await http.GetAsync("/getFullComputerInformation?computer_id=COMP-HOST");
            Assert.Equal(HttpStatusCode.OK, document.StatusCode);
            Assert.StartsWith("<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"Computer\">", await document.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            Assert.Equal(0, Kill(host.Id, 15));
            await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, host.ExitCode);
            Assert.Contains("Application is shutting down", await output, StringComparison.Ordinal);
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }

            _ = await error;
        }
    }


    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
