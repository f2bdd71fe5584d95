namespace SlapOS.Tests.Wire;

/// <summary>
/// A clone alone has the wire captures: they are read from the checkout (tests/fixtures/slap-wire), never from
/// the developers' capture directory beside it.
/// </summary>
public sealed class WireCapturesTests
{
    [Fact]
    public void The_wire_captures_are_read_from_the_checkout()
    {
        var directory = Path.GetFullPath(WireCaptures.Directory);
        Assert.StartsWith(Path.GetFullPath(RepositoryRoot.Path) + Path.DirectorySeparatorChar, directory, StringComparison.Ordinal);
        Assert.Equal(201, WireCaptures.All.Select(e => e.File).Distinct().Count(f => File.Exists(Path.Combine(directory, f))));
    }
}
