namespace SlapOS.Providers.Managers;

/// <summary>What <c>nft -j list table</c> says of a table: its chains, and its jump (or goto) rules with their handles.</summary>
internal sealed record NftablesListing(List<string> Chains, List<(string BaseChain, long Handle, string Target)> Jumps)
{
    /// <summary>The rules that jump to <paramref name="chain"/>, by chain and handle.</summary>
    public IEnumerable<(string BaseChain, long Handle)> JumpsTo(string chain) =>
        Jumps.Where(j => j.Target == chain).Select(j => (j.BaseChain, j.Handle));
}
