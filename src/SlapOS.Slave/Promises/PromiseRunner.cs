using System.Text.Json;
using Microsoft.Extensions.Options;
using SlapOS.Slave.Processes;

namespace SlapOS.Slave.Promises;

/// <summary>
/// Runs a partition's promises (<c>etc/promise/*</c>, exit 0 = healthy) side by side, each with the
/// promise timeout, and writes each result as JSON under <c>&lt;partition&gt;/.slapgrid/promise</c>.
/// </summary>
internal sealed class PromiseRunner(ExecutableRunner runner, IOptions<SlapOSSlaveOptions> options, TimeProvider time)
{
    public const string ResultFolder = ".slapgrid/promise";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<IReadOnlyList<PromiseResult>> RunAsync(string partitionPath, string? user, CancellationToken cancellationToken)
    {
        var promises = PartitionExecutables.List(partitionPath, PartitionExecutables.PromiseFolder);
        if (promises.Count == 0)
        {
            return [];
        }

        var results = await Task.WhenAll(promises.Select(p => RunOneAsync(partitionPath, p, user, cancellationToken))).ConfigureAwait(false);
        var folder = Path.Combine(partitionPath, ResultFolder);
        Directory.CreateDirectory(folder);
        foreach (var result in results)
        {
            var file = Path.Combine(folder, result.Name + ".status.json");
            var temporary = file + ".tmp";
            await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(result, Json), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, file, overwrite: true);
        }

        return results;
    }

    private async Task<PromiseResult> RunOneAsync(string partitionPath, string promise, string? user, CancellationToken cancellationToken)
    {
        var start = time.GetUtcNow();
        var run = await runner.RunAsync(promise, partitionPath, user, options.Value.PromiseTimeout, cancellationToken).ConfigureAwait(false);
        return new PromiseResult(Path.GetFileName(promise), promise, run.Succeeded, run.ExitCode, run.TimedOut, run.Output, start, time.GetUtcNow());
    }
}
