namespace SlapOS.Abstractions.Tests;

public class SoftwareReleaseTests
{
    [Theory]
    // hashlib.md5(url.encode()).hexdigest(), as slapgrid names install directories.
    [InlineData("https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg", "5a79e996a1f428a6c1aeb046c336eb0f")]
    public void Install_directory_is_the_md5_hex_of_the_url(string url, string md5)
    {
        var release = new SoftwareRelease(url);

        Assert.Equal(md5, release.InstallDirectoryName);
    }

    [Fact]
    public void Install_directory_matches_known_md5_values()
    {
        // md5("") and md5("abc") from RFC 1321's test suite.
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", SoftwareRelease.ComputeInstallDirectoryName(string.Empty));
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", SoftwareRelease.ComputeInstallDirectoryName("abc"));
    }

    [Fact]
    public void A_release_with_a_bad_url_cannot_be_created()
    {
        var error = Assert.Throws<SlapValidationException>(() => new SoftwareRelease("../../etc"));
        Assert.Equal("software_release", error.Field);
    }

    [Fact]
    public void Software_build_paths_follow_the_slapos_layout()
    {
        var build = new SoftwareBuild("http://example.com/sr/kvm/software.cfg", "/opt/slapgrid");

        Assert.Equal(Path.Combine("/opt/slapgrid", SoftwareRelease.ComputeInstallDirectoryName(build.SoftwareReleaseUrl)), build.InstallDirectory);
        Assert.Equal(Path.Combine(build.InstallDirectory, ".completed"), build.CompletedMarker);
    }
}
