using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Tests;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>binary-cache</c> scenario: one release whose build compiles C sources with gcc and writes a payload.
/// Node 1 builds it and uploads it to a binary cache service on loopback (Kestrel); node 2 installs it from the
/// cache; node 3 only builds (no cache). Wall-clock time of each install, per run.
/// </summary>
internal static class BinaryCacheScenario
{
    public static async Task<int> RunAsync(Options options)
    {
        var sources = options.Int("--sources", 40);
        var payloadMiB = options.Int("--payload-mib", 32);
        var runs = options.Int("--runs", 3);
        Measure.PrintConditions("binary-cache", string.Create(CultureInfo.InvariantCulture,
            $"load: release built by the native buildout installer: gcc -O2 on {sources} generated C files (one part) and {payloadMiB} MiB of random payload; cache service in-process on loopback (Kestrel, HTTP, basic auth), storage on the same disk; archive tar.gz; {runs} runs, fresh software roots per run"));
        Console.WriteLine("| run | node 3: build only s | node 1: build + archive + upload s | node 2: install from cache s | archive MiB | builds run on nodes 3, 1, 2 |");
        Console.WriteLine("|---|---|---|---|---|---|");
        for (var run = 1; run <= runs; run++)
        {
            var root = Directory.CreateTempSubdirectory("slapos-bench-cache-").FullName;
            try
            {
                await RunOnceAsync(root, run, sources, payloadMiB);
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }

        return 0;
    }

    private static async Task RunOnceAsync(string root, int run, int sources, int payloadMiB)
    {
        var release = WriteRelease(root, sources, payloadMiB);
        await using var cache = await LoopbackBinaryCache.StartAsync(root, "bench");

        var counter = Path.Combine(root, "release", "builds");
        int Builds() => File.Exists(counter) ? File.ReadAllLines(counter).Length : 0;
        var buildOnly = await TimeAsync(LoopbackBinaryCache.Node(root, "node3", cache: null), release, root, "node3");
        var builds3 = Builds();
        var buildAndUpload = await TimeAsync(LoopbackBinaryCache.Node(root, "node1", cache, upload: true), release, root, "node1");
        var builds1 = Builds() - builds3;
        var fromCache = await TimeAsync(LoopbackBinaryCache.Node(root, "node2", cache), release, root, "node2");
        var builds2 = Builds() - builds3 - builds1;
        var archive = Directory.EnumerateFiles(Path.Combine(cache.StorageDirectory, "shacache"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1048576.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {run} | {buildOnly:F2} | {buildAndUpload:F2} | {fromCache:F2} | {archive:F1} | {builds3}, {builds1}, {builds2} |"));
    }

    private static async Task<double> TimeAsync(ServiceProvider node, string release, string root, string name)
    {
        await using (node)
        {
            var installer = node.GetRequiredService<ISoftwareInstaller>();
            var started = Stopwatch.GetTimestamp();
            await installer.InstallSoftwareAsync(new SoftwareBuild(release, Path.Combine(root, name + "-software")), CancellationToken.None);
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
    }

    private static string WriteRelease(string root, int sources, int payloadMiB)
    {
        var directory = Path.Combine(root, "release");
        var source = Path.Combine(directory, "src");
        Directory.CreateDirectory(source);
        for (var i = 0; i < sources; i++)
        {
            // Enough code per file for the optimiser to work on (unrolled loops over generated functions).
            var functions = string.Join("\n", Enumerable.Range(0, 200).Select(f =>
                $"double f{i}_{f}(double x) {{ double s = 0; for (int k = 0; k < {f + 10}; k++) s += x * k / (k + {f + 1}.0); return s; }}"));
            File.WriteAllText(Path.Combine(source, $"unit{i}.c"), functions + "\n");
        }

        var profile = Path.Combine(directory, "software.cfg");
        File.WriteAllText(profile, $$"""
            [buildout]
            parts = build

            [build]
            recipe = plone.recipe.command
            command = echo built >> {{Path.Combine(directory, "builds")}} && mkdir -p ${buildout:directory}/lib ${buildout:directory}/share && for f in {{source}}/*.c; do gcc -O2 -c $f -o ${buildout:directory}/lib/$(basename $f .c).o || exit 1; done && head -c {{payloadMiB * 1048576}} /dev/urandom > ${buildout:directory}/share/payload
            stop-on-error = true
            """.ReplaceLineEndings("\n"));
        File.WriteAllText(Path.Combine(directory, "instance.cfg"), "[buildout]\nparts =\n");
        return profile;
    }
}
