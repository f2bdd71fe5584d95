using System.Diagnostics;
using System.Globalization;

namespace SlapOS.ScaleDriver;

/// <summary>A master started by the driver in its own process (<c>serve</c> mode), stopped when disposed.</summary>
internal sealed class MasterProcess : IAsyncDisposable
{
    private readonly Process _process;
    private bool _stopped;

    private MasterProcess(Process process, string url, double setupSeconds)
    {
        _process = process;
        Url = url;
        SetupSeconds = setupSeconds;
    }

    public string Url { get; }

    public double SetupSeconds { get; }

    public int Pid => _process.Id;

    public double CpuSeconds => Measure.CpuSeconds(_process.Id);

    public double PeakRssMiB => Measure.PeakRssMiB(_process.Id);

    public static async Task<MasterProcess> StartAsync(IEnumerable<string> serveArguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        var self = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.FileName = self;
            start.ArgumentList.Add(typeof(MasterProcess).Assembly.Location);
        }
        else
        {
            start.FileName = self;
        }

        start.ArgumentList.Add("serve");
        foreach (var argument in serveArguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancel.Token) is { } line)
            {
                if (line.StartsWith("ready ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    return new MasterProcess(process, parts[1], double.Parse(parts[2], CultureInfo.InvariantCulture));
                }
            }

            throw new InvalidOperationException("the master process exited before it was ready");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>kill -9 of the master process, as the loss of its machine would (its counters are lost with it).</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        Tail = "killed";
    }

    /// <summary>What the master printed when it stopped (its counters), once disposed.</summary>
    public string Tail { get; private set; } = string.Empty;

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (_process.HasExited)
        {
            _process.Dispose();
            return;
        }

        try
        {
            _process.StandardInput.Close();
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            Tail = (await _process.StandardOutput.ReadToEndAsync(cancel.Token)).Trim();
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
