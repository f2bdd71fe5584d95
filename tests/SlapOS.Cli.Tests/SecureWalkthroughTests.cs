using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Tests;

/// <summary>
/// The README's secure walkthrough, run as a user would: the sample master host and node host as real processes,
/// the CLI as a tool (<c>dotnet SlapOS.Cli.dll</c>), mutual TLS on loopback, nothing in-process. From a fresh
/// master to the hello-web instance's published URL answering, then the node's certificate revoked with the CLI and refused.
/// </summary>
public sealed class SecureWalkthroughTests : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly string root = Directory.CreateTempSubdirectory("slapos-secure-").FullName;
    private readonly List<Process> daemons = [];

    private static string Dll(string name) => Path.Combine(AppContext.BaseDirectory, name + ".dll");

    private static string Release => Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");

    public void Dispose()
    {
        foreach (var process in daemons)
        {
            try
            {
                // The node host's supervised services are its children: the whole tree goes.
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            process.Dispose();
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task From_a_fresh_master_to_an_answering_instance_over_mutual_tls()
    {
        var (apiPort, onboardingPort, servicePort) = (FreePort(), FreePort(), FreePort());
        var api = $"https://127.0.0.1:{apiPort}";
        var onboarding = $"https://127.0.0.1:{onboardingPort}";
        string[] masterConfiguration =
        [
            $"--SlapOS:Master:Identity:Directory={Path.Combine(root, "ca")}", $"--SlapOS:Master:Sqlite:Path={Path.Combine(root, "master.db")}",
            "--MasterHost:Address=127.0.0.1", $"--MasterHost:ApiPort={apiPort}", $"--MasterHost:OnboardingPort={onboardingPort}",
        ];

        // 1. Start the master: it says which address serves what, and that nobody can administer it yet.
        var master = Start(Dll("SlapOS.Samples.MasterHost"), masterConfiguration);
        var pinLine = await master.WaitForAsync("pin it with --ca-sha256");
        Assert.Contains(master.Lines, l => l.Contains($"mutual TLS: a client certificate from this master's CA is required): {api}", StringComparison.Ordinal));
        Assert.Contains(master.Lines, l => l.Contains($"Onboarding (no client certificate", StringComparison.Ordinal) && l.EndsWith(onboarding, StringComparison.Ordinal));
        Assert.Contains(master.Lines, l => l.Contains("No administrator certificate was ever issued", StringComparison.Ordinal));
        var pin = pinLine.Split("SHA-256 ")[1].Split(' ')[0];

        // 2. Bootstrap the first administrator, locally, with the master's configuration; a second run keeps the files.
        var admin = Path.Combine(root, "admin");
        var issued = await RunAsync(Dll("SlapOS.Samples.MasterHost"), ["admin", "issue", "--person", "root", "--out", admin, "--master-url", api, .. masterConfiguration]);
        Assert.True(issued.ExitCode == 0, issued.Error + issued.Output);
        Assert.Contains("Issued an administrator certificate for 'root'", issued.Output, StringComparison.Ordinal);
        Assert.Contains($"slapos configure client --master-url {api}", issued.Output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(admin, "client.key")));
        var certificate = await File.ReadAllTextAsync(Path.Combine(admin, "client.crt"));
        var again = await RunAsync(Dll("SlapOS.Samples.MasterHost"), [.. masterConfiguration, "admin", "issue", "--person", "root", "--out", admin]);
        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        Assert.Contains("Kept the valid administrator certificate", again.Output, StringComparison.Ordinal);
        Assert.Equal(certificate, await File.ReadAllTextAsync(Path.Combine(admin, "client.crt")));

        // 3. Configure the client with that certificate.
        var cfg = Path.Combine(root, "slapos-client.cfg");
        await SlaposAsync("configure", "client", "--cfg", cfg, "--master-url", api,
            "--key-file", Path.Combine(admin, "client.key"), "--cert-file", Path.Combine(admin, "client.crt"), "--master-ca-file", Path.Combine(admin, "ca.crt"));

        // 4. A one-time token for a new computer; 5. the node registers with it (CA pinned from the master's log).
        var token = (await SlaposAsync("computer", "token", "COMP-SECURE", "--cfg", cfg)).Trim();
        var ssl = Path.Combine(root, "node-ssl");
        var registered = await SlaposAsync("node", "register", "--token", token, "--computer-id", "COMP-SECURE", "--master-url", api,
            "--onboarding-url", onboarding, "--certificate-dir", ssl, "--ca-sha256", pin);
        Assert.Contains($"key_file = {Path.Combine(ssl, "computer.key")}", registered, StringComparison.Ordinal);

        // 6. Start the node host with the computer's certificate.
        // Copied here beside the test, the node host resolves its Microsoft.Extensions.* assemblies through the test's
        // own dependency manifest (they come from the ASP.NET Core framework here, not as files of its own).
        var node = Start("exec",
        [
            "--runtimeconfig", Path.Combine(AppContext.BaseDirectory, "SlapOS.Cli.Tests.runtimeconfig.json"),
            "--depsfile", Path.Combine(AppContext.BaseDirectory, "SlapOS.Cli.Tests.deps.json"), Dll("SlapOS.Samples.SlaveHost"),
            "--SlapOS:Slave:ComputerReference=COMP-SECURE", $"--SlapOS:Slave:MasterUrl={api}",
            $"--SlapOS:Slave:MasterClient:KeyFile={Path.Combine(ssl, "computer.key")}",
            $"--SlapOS:Slave:MasterClient:CertificateFile={Path.Combine(ssl, "computer.crt")}",
            $"--SlapOS:Slave:MasterClient:CaCertificateFile={Path.Combine(ssl, "ca.crt")}",
            $"--SlapOS:Slave:InstanceRoot={Path.Combine(root, "srv")}", $"--SlapOS:Slave:SoftwareRoot={Path.Combine(root, "opt")}",
            "--SlapOS:Slave:PartitionAmount=2", "--SlapOS:Slave:UnprivilegedFormatter:Ipv4Range=127.55.20.0/24",
        ]);

        // The node formats its partitions at start: requests find a free partition from then on.
        await node.WaitForAsync("slapgrid format finished with exit code 0");

        // 7. Supply; 8. request; 9. the connection parameters, once the node has converged.
        await SlaposAsync("supply", Release, "COMP-SECURE", "--cfg", cfg);
        await SlaposAsync("request", "hello", Release, "--cfg", cfg, "--sla", "computer_guid=COMP-SECURE",
            "--parameters", "name=Secure", $"port={servicePort.ToString(CultureInfo.InvariantCulture)}");
        string? url = null;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (url is null && DateTime.UtcNow < deadline)
        {
            var info = JsonNode.Parse(await SlaposAsync("service", "info", "hello", "--cfg", cfg, "--json"));
            url = info?["connection_parameters"]?["url"]?.GetValue<string>();
            if (url is null)
            {
                await Task.Delay(1000);
            }
        }

        Assert.True(url is not null, "no url published in 3 minutes; node log:\n" + string.Join('\n', node.Lines.TakeLast(40)));
        // The node publishes the URL as soon as it deployed; supervisord may still be starting the service.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string? answer = null;
        HttpRequestException? refused = null;
        for (var until = DateTime.UtcNow.AddMinutes(1); answer is null && DateTime.UtcNow < until;)
        {
            try
            {
                answer = (await http.GetStringAsync(new Uri(url))).Trim();
            }
            catch (HttpRequestException e)
            {
                refused = e;
                await Task.Delay(500);
            }
        }

        Assert.True(answer is not null, $"{url} did not answer in a minute: {refused?.Message}");
        Assert.Equal("Hello Secure", answer);

        // Without a certificate the API is out of reach: the handshake fails.
        using var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.PostAsync(new Uri($"{api}/slapos.allDocs.WIP.compute_node_list"), new StringContent("{}")));

        // 10. The node's key is stolen: revoke its certificate with the CLI. The master refuses it from its next call on.
        var nodeCall = $$"""{"kind": "computer", "reference": "COMP-SECURE"}""";
        using (var before = NodeClient(ssl))
        using (var accepted = await before.PostAsync(new Uri($"{api}/slapos.allDocs.v0.certificate_list"), new StringContent(nodeCall, System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        var revoked = await SlaposAsync("computer", "revoke", "COMP-SECURE", "--reason", "key_compromise", "--cfg", cfg);
        Assert.Contains("certificate(s) of computer 'COMP-SECURE'", revoked, StringComparison.Ordinal);
        Assert.Contains("revoked", await SlaposAsync("certificate", "list", "computer", "COMP-SECURE", "--cfg", cfg), StringComparison.Ordinal);

        // Polled with a bound (nothing measured): a new connection each time, with the node's own files.
        string? refusal = null;
        for (var until = DateTime.UtcNow.AddMinutes(1); refusal is null && DateTime.UtcNow < until;)
        {
            using var client = NodeClient(ssl);
            try
            {
                using var response = await client.PostAsync(new Uri($"{api}/slapos.allDocs.v0.certificate_list"), new StringContent(nodeCall, System.Text.Encoding.UTF8, "application/json"));
                refusal = response.StatusCode == HttpStatusCode.Forbidden ? "403 " + await response.Content.ReadAsStringAsync() : null;
            }
            catch (HttpRequestException e)
            {
                refusal = "handshake refused: " + e.Message;
            }

            if (refusal is null)
            {
                await Task.Delay(500);
            }
        }

        Assert.True(refusal is not null, "the revoked node certificate was still accepted after a minute");
    }

    /// <summary>An HTTP client presenting the node's certificate (the files <c>slapos node register</c> wrote), trusting only the master's CA.</summary>
    private static HttpClient NodeClient(string ssl)
    {
        var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(ssl, "ca.crt")));
        using var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(Path.Combine(ssl, "computer.crt"), Path.Combine(ssl, "computer.key"));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
            {
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return presented is not null && chain.Build(presented);
            },
        };
        handler.ClientCertificates.Add(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
            pem.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null));
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    [Fact]
    public async Task Admin_issue_is_refused_with_one_line_to_a_caller_who_cannot_read_the_ca_key()
    {
        string[] configuration = [$"--SlapOS:Master:Identity:Directory={Path.Combine(root, "ca")}", $"--SlapOS:Master:Sqlite:Path={Path.Combine(root, "master.db")}"];
        var first = await RunAsync(Dll("SlapOS.Samples.MasterHost"), ["admin", "issue", "--person", "root", "--out", Path.Combine(root, "admin"), .. configuration]);
        Assert.True(first.ExitCode == 0, first.Error);

        // The CA key is 0600: another user cannot read it. As root (which reads everything), the key is handed to
        // nobody and the command runs as root with every capability dropped, so the checkout's directories stay
        // reachable wherever the clone lives.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(root, "ca", "ca.key")));
        File.SetUnixFileMode(root, (UnixFileMode)0b111_111_111);
        string[] command = [Dll("SlapOS.Samples.MasterHost"), "admin", "issue", "--person", "mallory", "--out", Path.Combine(root, "stolen"),
            configuration[0], $"--SlapOS:Master:Sqlite:Path={Path.Combine(root, "other.db")}"];
        var asOther = Environment.UserName == "root"
            ? new ProcessStartInfo("setpriv", ["--inh-caps=-all", "--bounding-set=-all", "env", $"HOME={root}", "DOTNET_CLI_HOME=" + root, "dotnet", .. command])
            : new ProcessStartInfo("dotnet", command);
        if (Environment.UserName == "root")
        {
            File.SetUnixFileMode(Path.Combine(root, "ca", "ca.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var chown = Process.Start("chown", ["65534:65534", Path.Combine(root, "ca", "ca.key")])!;
            await chown.WaitForExitAsync();
            Assert.Equal(0, chown.ExitCode);
        }
        else
        {
            File.SetUnixFileMode(Path.Combine(root, "ca", "ca.key"), UnixFileMode.None);
        }

        asOther.RedirectStandardOutput = true;
        asOther.RedirectStandardError = true;
        asOther.WorkingDirectory = root;
        using var process = Process.Start(asOther)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(CommandTimeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }

        Assert.Equal(1, process.ExitCode);
        var message = (await error).Trim();
        Assert.StartsWith("slapos master: cannot read the certificate authority's key", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        Assert.Single(message.Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(root, "stolen")));
        _ = await output;
    }

    private async Task<string> SlaposAsync(params string[] args)
    {
        var (code, output, error) = await RunAsync(Dll("SlapOS.Cli"), args);
        Assert.True(code == 0, $"slapos {string.Join(' ', args)} exited {code}: {error}{output}");
        return output;
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string dll, string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(' ', args)} did not end in {CommandTimeout}");
        }

        return (process.ExitCode, await output, await error);
    }

    private Daemon Start(string dllOrExec, string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [dllOrExec, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        var process = Process.Start(start)!;
        daemons.Add(process);
        var daemon = new Daemon(process);
        process.OutputDataReceived += (_, e) => daemon.Add(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A long-running process and the lines it printed.</summary>
    private sealed class Daemon(Process process)
    {
        private readonly ConcurrentQueue<string> lines = new();

        public IReadOnlyCollection<string> Lines => lines;

        public void Add(string? line)
        {
            if (line is not null)
            {
                lines.Enqueue(line.Trim());
            }
        }

        public async Task<string> WaitForAsync(string text)
        {
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                if (lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
                {
                    return line;
                }

                await Task.Delay(200);
            }

            throw new TimeoutException($"'{text}' not printed (exited: {process.HasExited}):\n{string.Join('\n', lines)}");
        }
    }
}
