using System.Text.Json;

namespace SlapOS.Cli.Tests;

public sealed class NodeCommandTests(LiveMaster master) : IClassFixture<LiveMaster>, IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("slapos-cli-node-").FullName;

    public void Dispose()
    {
        // Stop what the node started before removing its files.
        _ = master.RunAsync(["request", "cli-node-hello", Release, "--state", "destroyed"]).GetAwaiter().GetResult();
        _ = master.RunAsync(NodeWithoutConfiguration("instance")).GetAwaiter().GetResult();
        _ = master.RunAsync(NodeWithoutConfiguration("report")).GetAwaiter().GetResult();
        Directory.Delete(root, recursive: true);
    }

    private static string Release => Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");

    private string[] Node(string command) =>
    [
        "node", command, "--computer-id", "COMP-CLI-NODE", "--partition-amount", "2",
        "--instance-root", Path.Combine(root, "srv"), "--software-root", Path.Combine(root, "opt"),
        "--node-cfg", Path.Combine(root, "missing-is-an-error.cfg"),
    ];

    private string[] NodeWithoutConfiguration(string command) =>
        Node(command).Where(a => !a.StartsWith("--node-cfg", StringComparison.Ordinal) && !a.EndsWith(".cfg", StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task Node_commands_format_install_and_deploy_a_requested_instance()
    {
        var args = NodeWithoutConfiguration("format");
        var format = await master.RunAsync(args);
        Assert.True(format.ExitCode == 0, format.Error + format.Output);
        Assert.Contains("[format] COMP-CLI-NODE: uploading", format.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await master.RunAsync("supply", Release, "COMP-CLI-NODE")).ExitCode);
        Assert.Equal(0, (await master.RunAsync("request", "cli-node-hello", Release, "--sla", "computer_guid=COMP-CLI-NODE", "--parameters", "name=Cli", $"port={FreePort()}")).ExitCode);

        var software = await master.RunAsync([.. args[..1], "software", .. args[2..]]);
        Assert.True(software.ExitCode == 0, software.Error + software.Output);
        Assert.Contains("building", software.Output, StringComparison.Ordinal);

        var instance = await master.RunAsync([.. args[..1], "instance", .. args[2..]]);
        Assert.True(instance.ExitCode == 0, instance.Error + instance.Output);
        Assert.Contains("[instance] slappart0: deploying", instance.Output, StringComparison.Ordinal);

        var info = await master.RunAsync("service", "info", "cli-node-hello", "--json");
        using var document = JsonDocument.Parse(info.Output);
        Assert.StartsWith("http://127.", document.RootElement.GetProperty("connection_parameters").GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_node_configuration_file_is_one_line_and_exit_code_two()
    {
        var result = await master.RunAsync(Node("software"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("missing-is-an-error.cfg' does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_computer_id_the_node_says_what_is_missing()
    {
        var configuration = Path.Combine(root, "slapos.cfg");
        await File.WriteAllTextAsync(configuration, $"[slapos]\ninstance_root = {root}\n");

        var result = await master.RunAsync("node", "software", "--node-cfg", configuration);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("node configuration is incomplete", result.Error, StringComparison.Ordinal);
        Assert.Contains("ComputerReference", result.Error, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
