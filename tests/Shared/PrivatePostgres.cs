using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace SlapOS.Tests;

/// <summary>
/// A PostgreSQL server of the caller's own (Debian binaries, as scripts/test.sh starts one), so that it may be
/// killed: initdb into a temp directory as user postgres when run as root, 127.0.0.1 and a given port. One home for
/// the integration tests (linked) and the ScaleDriver's failover scenario (linked): failures are exceptions, which
/// a test reports as its failure.
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

    /// <summary>
    /// One server, with bounds a loaded 2-core machine meets: a first connection also loads the server's types (it took
    /// more than 3 s under load), and a refused connection fails at once whatever the bound.
    /// </summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=15;Command Timeout=30";

    public static async Task<PrivatePostgres> StartAsync(int port, string settings = "")
    {
        var server = new PrivatePostgres(port, settings);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(server._root, (UnixFileMode)0x1ED);
        }

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
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(server._root, (UnixFileMode)0x1ED);
        }

        Directory.CreateDirectory(server.DataDirectory);
        await server.AsPostgresAsync("chown", "postgres:postgres", server.DataDirectory, root: true);
        await server.AsPostgresAsync(Bin + "/pg_basebackup", "-D", server.DataDirectory, "-d",
            $"host=127.0.0.1 port={primary.Port} user=postgres application_name={applicationName}", "-R", "-X", "stream", "--no-sync");
        await server.AsPostgresAsync("chmod", "700", server.DataDirectory); // PostgreSQL refuses a data directory others may read
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>
    /// A primary listing <paramref name="standbyName"/> in <c>synchronous_standby_names</c> on <paramref name="primaryPort"/>
    /// and that standby on <paramref name="standbyPort"/>, returned once it streams synchronously: a commit the primary
    /// acknowledges is on the standby too.
    /// </summary>
    public static async Task<(PrivatePostgres Primary, PrivatePostgres Standby)> StartSynchronousPairAsync(int primaryPort, int standbyPort, string standbyName = "slapos_standby")
    {
        var primary = await StartAsync(primaryPort, $"-c synchronous_standby_names={standbyName}");
        try
        {
            var standby = await StartStandbyAsync(primary, standbyPort, standbyName);
            try
            {
                await using var connection = new NpgsqlConnection(primary.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT sync_state FROM pg_stat_replication WHERE application_name = @n", connection);
                command.Parameters.AddWithValue("n", standbyName);
                var bound = Stopwatch.StartNew();
                while (await command.ExecuteScalarAsync() as string != "sync")
                {
                    Check(bound.Elapsed < TimeSpan.FromMinutes(2), $"the standby {standbyName} did not stream synchronously within two minutes");
                    await Task.Delay(50);
                }

                return (primary, standby);
            }
            catch
            {
                await standby.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await primary.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// What an operator gives every master: both servers, and "connect to the one that is primary" (rechecked every
    /// second, short timeouts so that a dead primary is noticed quickly).
    /// </summary>
    public static string MultiHostConnectionString(PrivatePostgres primary, PrivatePostgres standby) =>
        $"Host=127.0.0.1:{primary.Port},127.0.0.1:{standby.Port};Username=postgres;Database=postgres;"
        + "Target Session Attributes=primary;Host Recheck Seconds=1;Timeout=3;Command Timeout=10";

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
        Check(!File.Exists(stat) || File.ReadAllText(stat).Split(") ")[1].StartsWith('Z'), $"postmaster {pid} still runs after kill -9");
        using var probe = new System.Net.Sockets.TcpClient();
        try
        {
            await probe.ConnectAsync("127.0.0.1", Port);
            Check(false, $"port {Port} still accepts connections after kill -9 of postmaster {pid}");
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Refused: nothing serves there any more.
        }

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
            catch (InvalidOperationException)
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
        Check(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed: {await output}{await error}");
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
