namespace SlapOS.Integration.Tests.Api;

/// <summary>A <see cref="LoopbackMaster"/> with small body limits from configuration, and its portal mapped.</summary>
public sealed class SmallLimitsMaster : LoopbackMaster
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["SlapOS:Master:Limits:MaxJsonBodyBytes"] = "4096",
        ["SlapOS:Master:Limits:MaxXmlBodyBytes"] = "8192",
        ["SlapOS:Master:Limits:MaxPortalBodyBytes"] = "2048",
    };

    protected override bool MapPortal => true;
}
