using System.Diagnostics;
using System.Globalization;

namespace SlapOS.Integration.Tests.ScaleOut;

/// <summary>
/// A PostgreSQL server of the test's own (Debian binaries, as scripts/test.sh starts one), so that the test may
/// kill it: initdb into a temp directory as user postgres when run as root, 127.0.0.1 and a given port.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _root = Directory.CreateTempSubdirectory("slapos-pg-").FullName;

    private readonly string _settings;

    private PrivatePostgres(int port, string settings = "")
    {
        Port = port;
        _settings = settings;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_root, "data");

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=10";

    public static async Task<PrivatePostgres> StartAsync(int port, string settings = "")
    {
        var server = new PrivatePostgres(port, settings);
        File.SetUnixFileMode(server._root, (UnixFileMode)0x1ED);
        Directory.CreateDirectory(server.DataDirectory);
        await server.AsPostgresAsync("chown", "postgres:postgres", server.DataDirectory, root: true);
        await server.AsPostgresAsync(Bin + "/initdb", "-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "--no-sync");
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts (again) the server on its data directory.</summary>
    public Task StartAgainAsync() => AsPostgresAsync(Bin + "/pg_ctl", "-D", DataDirectory, "-w", "-t", "30", "-l", Path.Combine(DataDirectory, "server.log"), "-o",
        $"-c listen_addresses=127.0.0.1 -p {Port} -k {DataDirectory} -c fsync=off {_settings}".TrimEnd(), "start");

    /// <summary>
    /// A streaming standby of <paramref name="primary"/>, as an operator makes one: <c>pg_basebackup -R</c> (which writes
    /// <c>standby.signal</c> and a <c>primary_conninfo</c> naming this standby <paramref name="applicationName"/>, the
    /// name the primary's <c>synchronous_standby_names</c> lists), then started on <paramref name="port"/>.
    /// </summary>
    public static async Task<PrivatePostgres> StartStandbyAsync(PrivatePostgres primary, int port, string applicationName)
    {
        var server = new PrivatePostgres(port);
        File.SetUnixFileMode(server._root, (UnixFileMode)0x1ED);
        Directory.CreateDirectory(server.DataDirectory);
        await server.AsPostgresAsync("chown", "postgres:postgres", server.DataDirectory, root: true);
        await server.AsPostgresAsync(Bin + "/pg_basebackup", "-D", server.DataDirectory, "-d",
            $"host=127.0.0.1 port={primary.Port} user=postgres application_name={applicationName}", "-R", "-X", "stream", "--no-sync");
        await server.AsPostgresAsync("chmod", "700", server.DataDirectory); // PostgreSQL refuses a data directory others may read
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Promotes this standby to primary (<c>pg_ctl promote</c>, waiting until it accepts writes).</summary>
    public Task PromoteAsync() => AsPostgresAsync(Bin + "/pg_ctl", "-D", DataDirectory, "-w", "-t", "60", "promote");

    /// <summary>kill -9 of the postmaster, as a crash would: its backends exit with it. Returns the pid killed.</summary>
    public async Task<int> KillAsync()
    {
        var pid = int.Parse((await File.ReadAllLinesAsync(Path.Combine(DataDirectory, "postmaster.pid")))[0], CultureInfo.InvariantCulture);
        using (var postmaster = Process.GetProcessById(pid))
        {
            postmaster.Kill();
            await postmaster.WaitForExitAsync();
        }

        await Task.Delay(200);
        return pid;
    }

    /// <summary>
    /// kill -9 of the postmaster and of every process it started (backends, WAL sender), as the loss of the machine
    /// would: no orphaned backend goes on answering. Returns the postmaster's pid, proven gone.
    /// </summary>
    public async Task<int> KillServerAndBackendsAsync()
    {
        var pid = int.Parse((await File.ReadAllLinesAsync(Path.Combine(DataDirectory, "postmaster.pid")))[0], CultureInfo.InvariantCulture);
        var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        foreach (var process in children.Prepend(pid))
        {
            try
            {
                using var victim = Process.GetProcessById(process);
                victim.Kill();
                await victim.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Already gone with the postmaster.
            }
        }

        // Gone, or a zombie nobody reaped yet: either way it serves nothing, and its port refuses connections.
        var stat = $"/proc/{pid}/stat";
        Assert.True(!File.Exists(stat) || File.ReadAllText(stat).Split(") ")[1].StartsWith('Z'), $"postmaster {pid} still runs after kill -9");
        using var probe = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync("127.0.0.1", Port));
        return pid;
    }

    public async ValueTask DisposeAsync()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (File.Exists(pidFile))
        {
            try
            {
                await AsPostgresAsync(Bin + "/pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "10", "stop");
            }
            catch (Xunit.Sdk.XunitException)
            {
                // Still there: kill the server this test started, by its pid.
                if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
                {
                    try
                    {
                        Process.GetProcessById(pid).Kill();
                    }
                    catch (ArgumentException)
                    {
                        // Already gone.
                    }
                }
            }
        }

        Directory.Delete(_root, recursive: true);
    }

    private async Task AsPostgresAsync(string program, params string[] arguments) => await AsPostgresAsync(program, arguments, root: false);

    private async Task AsPostgresAsync(string program, string a, string b, bool root) => await AsPostgresAsync(program, [a, b], root);

    private async Task AsPostgresAsync(string program, string[] arguments, bool root)
    {
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot && !root ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
        if (asRoot && !root)
        {
            foreach (var word in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(word);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed: {await output}{await error}");
    }
}
