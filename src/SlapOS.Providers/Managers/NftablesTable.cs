using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SlapOS.Providers.Managers;

/// <summary>
/// One nftables table of the node (<c>inet &lt;name&gt;</c>) that a manager keeps for its partitions: base chains,
/// and one regular chain per partition (<c>&lt;prefix&gt;&lt;partition reference&gt;</c>) reached from the base chains by
/// jump rules. Every change is one <c>nft -f -</c> transaction, so a partition's rules are replaced atomically; the
/// table exists only while a partition has a chain in it. Changes through one instance are serialized (partitions
/// deployed in parallel read and change the same table). This is the one home of that shape for the nftables
/// managers (port redirection, firewall); each says only which rules and jumps a partition gets.
/// </summary>
internal sealed class NftablesTable(string name, string manager, string chainPrefix, IReadOnlyList<(string Name, string Definition)> baseChains) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    private const string Family = "inet";

    public string Name { get; } = name;

    /// <summary>Whether <paramref name="value"/> can name a table or chain as is: a letter, then letters, digits and '_'.</summary>
    public static bool IsIdentifier(string? value) =>
        value is { Length: > 0 and <= 64 } && char.IsAsciiLetter(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>The chain of a partition; a reference that cannot name a chain is refused.</summary>
    public string ChainOf(string partitionReference)
    {
        var chain = chainPrefix + partitionReference;
        return IsIdentifier(chain)
            ? chain
            : throw new NodeManagerException($"{manager}: partition reference '{partitionReference}' cannot name an nftables chain (letters, digits, '_').");
    }

    /// <summary>
    /// Replaces a partition's chain: creates the table and the base chains when missing, fills the partition chain
    /// with <paramref name="rules"/> and points base chains at it, one jump per entry of <paramref name="jumps"/> (a
    /// base chain and the match before <c>jump</c>, such as <c>("output", "meta skuid 1000")</c>; empty matches all),
    /// dropping the previous jumps to it.
    /// </summary>
    public async Task ReplacePartitionAsync(
        string partitionReference,
        IReadOnlyList<string> rules,
        IReadOnlyList<(string BaseChain, string Match)> jumps,
        CancellationToken cancellationToken)
    {
        var chain = ChainOf(partitionReference);
        await SerializedAsync(() => ReplaceChainLockedAsync(chain, rules, jumps, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes a partition's chain and the jumps to it; removes the whole table when no other partition has a chain
    /// in it. Nothing to remove is a success.
    /// </summary>
    public async Task RemovePartitionAsync(string partitionReference, CancellationToken cancellationToken)
    {
        var chain = ChainOf(partitionReference);
        await SerializedAsync(() => RemoveChainLockedAsync(chain, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _gate.Dispose();

    private async Task SerializedAsync(Func<Task> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await change().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReplaceChainLockedAsync(
        string chain,
        IReadOnlyList<string> rules,
        IReadOnlyList<(string BaseChain, string Match)> jumps,
        CancellationToken cancellationToken)
    {
        var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var script = new StringBuilder();
        script.Append(CultureInfo.InvariantCulture, $"add table {Family} {Name}\n");
        foreach (var (baseName, definition) in baseChains)
        {
            script.Append(CultureInfo.InvariantCulture, $"add chain {Family} {Name} {baseName} {{ {definition} }}\n");
        }

        foreach (var (baseChain, handle) in current?.JumpsTo(chain) ?? [])
        {
            script.Append(CultureInfo.InvariantCulture, $"delete rule {Family} {Name} {baseChain} handle {handle}\n");
        }

        script.Append(CultureInfo.InvariantCulture, $"add chain {Family} {Name} {chain}\n");
        script.Append(CultureInfo.InvariantCulture, $"flush chain {Family} {Name} {chain}\n");
        foreach (var rule in rules)
        {
            script.Append(CultureInfo.InvariantCulture, $"add rule {Family} {Name} {chain} {rule}\n");
        }

        foreach (var (baseChain, match) in jumps)
        {
            var jump = match.Length == 0 ? $"jump {chain}" : $"{match} jump {chain}";
            script.Append(CultureInfo.InvariantCulture, $"add rule {Family} {Name} {baseChain} {jump}\n");
        }

        await RunAsync(["-f", "-"], script.ToString(), cancellationToken).ConfigureAwait(false);
    }

    private async Task RemoveChainLockedAsync(string chain, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return;
        }

        var script = new StringBuilder();
        if (current.Chains.All(c => c == chain || !c.StartsWith(chainPrefix, StringComparison.Ordinal)))
        {
            script.Append(CultureInfo.InvariantCulture, $"delete table {Family} {Name}\n");
        }
        else if (current.Chains.Contains(chain))
        {
            foreach (var (baseChain, handle) in current.JumpsTo(chain))
            {
                script.Append(CultureInfo.InvariantCulture, $"delete rule {Family} {Name} {baseChain} handle {handle}\n");
            }

            script.Append(CultureInfo.InvariantCulture, $"delete chain {Family} {Name} {chain}\n");
        }

        if (script.Length > 0)
        {
            await RunAsync(["-f", "-"], script.ToString(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The table's chains and jump rules, or <see langword="null"/> when it does not exist.</summary>
    private async Task<NftablesListing?> ReadAsync(CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = await ExecuteAsync(["-j", "list", "table", Family, Name], null, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            if (error.Contains("No such file or directory", StringComparison.Ordinal))
            {
                return null;
            }

            throw new NodeManagerException($"{manager}: nft list table {Family} {Name} failed: {error.Trim()}");
        }

        using var document = JsonDocument.Parse(output);
        var chains = new List<string>();
        var jumps = new List<(string BaseChain, long Handle, string Target)>();
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var chain))
            {
                chains.Add(chain.GetProperty("name").GetString()!);
            }
            else if (item.TryGetProperty("rule", out var rule))
            {
                foreach (var expression in rule.GetProperty("expr").EnumerateArray())
                {
                    if (expression.TryGetProperty("jump", out var jump) || expression.TryGetProperty("goto", out jump))
                    {
                        jumps.Add((rule.GetProperty("chain").GetString()!, rule.GetProperty("handle").GetInt64(), jump.GetProperty("target").GetString()!));
                    }
                }
            }
        }

        return new NftablesListing(chains, jumps);
    }

    private async Task RunAsync(string[] arguments, string? input, CancellationToken cancellationToken)
    {
        var (exitCode, _, error) = await ExecuteAsync(arguments, input, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new NodeManagerException($"{manager}: nft refused the rules of table {Family} {Name}: {error.Trim()}\n{input}");
        }
    }

    private async Task<(int ExitCode, string Output, string Error)> ExecuteAsync(string[] arguments, string? input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("nft", arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new NodeManagerException($"{manager}: cannot run nft");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new NodeManagerException($"{manager}: cannot run nft (install the nftables package): {ex.Message}", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
    }
}
