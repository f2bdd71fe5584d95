using System.Net;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Tests.Api;

public class LoopbackGuardTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://127.9.9.9:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://192.168.1.10:8080", false)]
    [InlineData("http://example.com:8080", false)]
    public void Only_loopback_server_addresses_may_run_without_authentication(string url, bool loopback)
    {
        Assert.Equal(loopback, LoopbackGuard.IsLoopbackUrl(url));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void Only_loopback_callers_are_admins_in_insecure_mode(string address, bool loopback)
    {
        Assert.Equal(loopback, LoopbackGuard.IsLoopback(IPAddress.Parse(address)));
    }

    [Fact]
    public void A_missing_remote_address_is_not_loopback() => Assert.False(LoopbackGuard.IsLoopback(null));
}
