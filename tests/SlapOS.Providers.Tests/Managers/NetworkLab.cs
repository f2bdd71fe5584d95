using System.Diagnostics;
using System.Globalization;
using SlapOS.Tests;

namespace SlapOS.Providers.Tests.Managers;

/// <summary>
/// A network namespace joined to the host by a veth pair (root): the host side has <see cref="HostAddress"/>, the
/// namespace side <see cref="InsideAddress"/> and <see cref="OtherInsideAddress"/>. Clients and servers run in it as
/// small Python programs. Everything made here (namespace, links, loopback addresses, processes) goes on dispose.
/// </summary>
internal sealed class NetworkLab : IDisposable
{
    private const string Server = """
        import socket, sys
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(16); print("ready", flush=True)
        while True:
            c, peer = s.accept(); c.sendall(b"inside"); c.close()
        """;

    private const string Client = """
        import socket, sys
        try:
            c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10); print(c.recv(64).decode() or "closed")
        except Exception as e:
            print(type(e).__name__)
        """;

    private readonly List<Process> _processes = [];
    private readonly List<string> _loopbackAddresses = [];

    public NetworkLab()
    {
        var id = TestRun.UniqueId();
        Namespace = "sb" + id;
        var subnet = Random.Shared.Next(2, 250).ToString(CultureInfo.InvariantCulture);
        HostAddress = $"10.219.{subnet}.1";
        InsideAddress = $"10.219.{subnet}.2";
        OtherInsideAddress = $"10.219.{subnet}.3";
        PartitionAddress = $"10.218.{subnet}.2";
        Run("ip", "netns", "add", Namespace);
        Run("ip", "link", "add", Namespace + "h", "type", "veth", "peer", "name", Namespace + "n");
        Run("ip", "link", "set", Namespace + "n", "netns", Namespace);
        Run("ip", "addr", "add", HostAddress + "/24", "dev", Namespace + "h");
        Run("ip", "link", "set", Namespace + "h", "up");
        Inside("ip", "addr", "add", InsideAddress + "/24", "dev", Namespace + "n");
        Inside("ip", "addr", "add", OtherInsideAddress + "/24", "dev", Namespace + "n");
        Inside("ip", "link", "set", Namespace + "n", "up");
        Inside("ip", "link", "set", "lo", "up");
    }

    public string Namespace { get; }

    public string HostAddress { get; }

    public string InsideAddress { get; }

    public string OtherInsideAddress { get; }

    /// <summary>An address for a partition service on the host (added to <c>lo</c> by <see cref="AddPartitionAddress"/>).</summary>
    public string PartitionAddress { get; }

    public void AddPartitionAddress()
    {
        Run("ip", "addr", "add", PartitionAddress + "/32", "dev", "lo");
        _loopbackAddresses.Add(PartitionAddress);
    }

    /// <summary>Starts a server in the namespace that answers <c>inside</c> to every connection on <paramref name="port"/>.</summary>
    public void StartServerInside(int port)
    {
        var process = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", Namespace, "/usr/bin/python3", "-u", "-c", Server, port.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        _processes.Add(process);
        Assert.Equal("ready", process.StandardOutput.ReadLine());
    }

    /// <summary>Connects from the namespace; returns what the server said, or the Python error name (<c>ConnectionRefusedError</c>).</summary>
    public string ConnectFromInside(string address, int port) =>
        Run("ip", "netns", "exec", Namespace, "/usr/bin/python3", "-c", Client, address, port.ToString(CultureInfo.InvariantCulture));

    /// <summary>Connects from the host as <paramref name="uid"/> (through setpriv); same answers as <see cref="ConnectFromInside"/>.</summary>
    public static string ConnectFromHostAs(string uid, string address, int port) =>
        Run("setpriv", $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "/usr/bin/python3", "-c", Client, address, port.ToString(CultureInfo.InvariantCulture));

    public static string Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)}: {error.Result}");
        return output.Trim();
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
        }

        foreach (var address in _loopbackAddresses)
        {
            Run("ip", "addr", "del", address + "/32", "dev", "lo");
        }

        Run("ip", "netns", "del", Namespace);
    }

    private void Inside(string command, params string[] arguments) => Run("ip", ["netns", "exec", Namespace, command, .. arguments]);
}
