namespace SlapOS.Integration.Tests.Api;

/// <summary>A loopback master in the slapproxy compatibility profile (default computer <c>computer</c>).</summary>
public sealed class SlapproxyProfileMaster : LoopbackMaster
{
    public const string DefaultComputer = "computer";

    protected override string Profile => "Slapproxy";
}
