namespace SlapOS.Providers.Tests.Managers;

/// <summary>
/// The tests that change the host's nftables ruleset run one at a time, so each can check that the whole ruleset is
/// identical before and after it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NftablesCollection
{
    public const string Name = "nftables";

    public static string Ruleset() => NetworkLab.Run("nft", "list", "ruleset");

    public static bool TableExists(string table)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("nft", ["list", "table", "inet", table]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    public static string Table(string table) => NetworkLab.Run("nft", "list", "table", "inet", table);

    public static string UniqueTable() => "sb" + SlapOS.Tests.TestRun.UniqueId();
}
