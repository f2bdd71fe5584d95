using SlapOS.Integration.Tests.Api;

namespace SlapOS.Integration.Tests.Federation;

/// <summary>
/// Master A of a federation test: a loopback master (SQLite, no computer of its own) that forwards to the
/// external masters its settings name, over our JSON master client; more forwarding rules can be added.
/// </summary>
public sealed class ForwardingMaster(IReadOnlyDictionary<string, string> settings, Action<ISlapOSMasterBuilder>? configure = null) : LoopbackMaster
{
    protected override IReadOnlyDictionary<string, string> Settings => settings;

    protected override bool MapPortal => true;

    protected override void Configure(ISlapOSMasterBuilder master)
    {
        master.UseJsonExternalMasters();
        configure?.Invoke(master);
    }
}
