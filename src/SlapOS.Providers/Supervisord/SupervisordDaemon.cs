using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SlapOS.Providers.Supervision;

namespace SlapOS.Providers.Supervisord;

/// <summary>
/// The node's supervisord: started when it is not running (it daemonizes itself and survives the
/// host), reached over XML-RPC on its unix socket, and shut down on request.
/// </summary>
internal sealed class SupervisordDaemon : IDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(50);

    private readonly SupervisordOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly XmlRpcClient client;
    private readonly SemaphoreSlim startGate = new(1, 1);

    public SupervisordDaemon(SupervisordOptions options, ILogger logger, TimeProvider time)
    {
        this.options = options;
        this.logger = logger;
        this.time = time;
        client = new XmlRpcClient(options.SocketPath, options.DaemonTimeout);
    }

    public Task<object?> CallAsync(string method, CancellationToken cancellationToken, params object?[] parameters) =>
        client.CallAsync(method, parameters, cancellationToken);

    /// <summary>Every process supervisord knows.</summary>
    public async Task<IReadOnlyList<SupervisordProcessInfo>> GetAllProcessInfoAsync(CancellationToken cancellationToken)
    {
        var all = await CallAsync("supervisor.getAllProcessInfo", cancellationToken) as List<object?> ?? [];
        return [.. all.Select(SupervisordProcessInfo.Parse)];
    }

    /// <summary>Whether supervisord answers on the socket.</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(options.SocketPath))
        {
            return false;
        }

        try
        {
            await CallAsync("supervisor.getPID", cancellationToken);
            return true;
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return false;
        }
    }

    /// <summary>Starts supervisord with this node's configuration unless it already answers.</summary>
    public async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        if (await IsRunningAsync(cancellationToken))
        {
            return;
        }

        await startGate.WaitAsync(cancellationToken);
        try
        {
            if (await IsRunningAsync(cancellationToken))
            {
                return;
            }

            Directory.CreateDirectory(options.IncludeDirectory);
            var config = SupervisordConfig.Main(options);
            if (!File.Exists(options.ConfigFile) || await File.ReadAllTextAsync(options.ConfigFile, cancellationToken) != config)
            {
                await File.WriteAllTextAsync(options.ConfigFile, config, cancellationToken);
            }

            await StartAsync(cancellationToken);
        }
        finally
        {
            startGate.Release();
        }
    }

    /// <summary>
    /// Shuts supervisord down (it stops every program first), waits for it to exit, kills it by pid
    /// when it does not, then kills what is left of the programs' process groups.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        int? pid = ReadPidFile();
        var programs = new List<int>();
        if (await IsRunningAsync(cancellationToken))
        {
            pid = await CallAsync("supervisor.getPID", cancellationToken) as int? ?? pid;
            programs.AddRange((await GetAllProcessInfoAsync(cancellationToken)).Where(p => p.Pid > 0).Select(p => p.Pid));
            try
            {
                await CallAsync("supervisor.shutdown", cancellationToken);
            }
            catch (HttpRequestException)
            {
                // It may close the connection as it goes down.
            }
        }

        if (pid is int daemon && PosixProcess.ReadStartTicks(daemon) is not null)
        {
            if (!await WaitAsync(() => PosixProcess.ReadStartTicks(daemon) is null, options.DaemonTimeout, cancellationToken))
            {
                SupervisordLog.DaemonKilled(logger, daemon);
                PosixProcess.SignalGroupAndLeader(daemon, PosixProcess.SignalKill); // a session leader: its group is itself
                await WaitAsync(() => PosixProcess.ReadStartTicks(daemon) is null, TimeSpan.FromSeconds(5), cancellationToken);
            }

            SupervisordLog.DaemonStopped(logger, daemon);
        }

        foreach (var program in programs.Where(PosixProcess.GroupExists))
        {
            PosixProcess.SignalGroupOnly(program, PosixProcess.SignalKill);
        }
    }

    public void Dispose()
    {
        client.Dispose();
        startGate.Dispose();
    }

    /// <summary>Waits (polling) until <paramref name="condition"/> holds; false at the deadline.</summary>
    public async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (!condition())
        {
            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(ProbeInterval, time, cancellationToken);
        }

        return true;
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.SupervisordPath)
        {
            ArgumentList = { "--configuration", options.ConfigFile },
            WorkingDirectory = options.Directory,
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var launcher = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {options.SupervisordPath}.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.DaemonTimeout);

        // supervisord forks: the launcher exits once the daemon is detached (stdio closed), or at once on a config error.
        var output = launcher.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = launcher.StandardError.ReadToEndAsync(timeout.Token);
        await launcher.WaitForExitAsync(timeout.Token);
        if (launcher.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"supervisord exited with code {launcher.ExitCode}: {(await errors).Trim()} {(await output).Trim()} {LogTail()}".Trim());
        }

        if (!await WaitUntilAnswersAsync(cancellationToken))
        {
            throw new InvalidOperationException($"supervisord did not answer on {options.SocketPath} within {options.DaemonTimeout}. {LogTail()}".Trim());
        }

        SupervisordLog.DaemonStarted(logger, ReadPidFile() ?? 0, options.ConfigFile);
    }

    private async Task<bool> WaitUntilAnswersAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.DaemonTimeout;
        while (!await IsRunningAsync(cancellationToken))
        {
            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(ProbeInterval, time, cancellationToken);
        }

        return true;
    }

    private int? ReadPidFile()
    {
        try
        {
            return int.TryParse(File.ReadAllText(options.PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string LogTail()
    {
        try
        {
            var lines = File.ReadAllLines(options.LogFile);
            return "Log: " + string.Join(" | ", lines.Skip(Math.Max(0, lines.Length - 5)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
