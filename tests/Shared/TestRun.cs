using System.Globalization;

namespace SlapOS.Tests;

/// <summary>
/// What this test run owns on the host. scripts/test.sh sets <c>SLAPOS_TEST_RUN_TAG</c> (3 hex digits)
/// and, after the run, reports as leaked the users, groups, network links, network namespaces and inet nftables
/// tables whose names carry it:
/// other runs on the same machine use other tags, so their live names are never blamed on this one.
/// </summary>
internal static class TestRun
{
    public const string TagVariable = "SLAPOS_TEST_RUN_TAG";

    private static readonly Lazy<string> LazyTag = new(() =>
        Environment.GetEnvironmentVariable(TagVariable) is { Length: 3 } tag && tag.All(char.IsAsciiHexDigitLower)
            ? tag
            : Random.Shared.Next(0x1000).ToString("x3", CultureInfo.InvariantCulture));

    /// <summary>The run's tag: from scripts/test.sh, or random when the tests run on their own.</summary>
    public static string Tag => LazyTag.Value;

    /// <summary>
    /// Eight lowercase hex digits for host names (users <c>sl{id}u3</c>, links <c>sb{id}</c>): the run's
    /// tag then five random digits. Short enough for a 15-character interface name.
    /// </summary>
    public static string UniqueId() => Tag + Guid.NewGuid().ToString("N")[..5];
}
