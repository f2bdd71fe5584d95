using Microsoft.Extensions.DependencyInjection;

namespace SlapOS;

/// <summary>Configures a SlapOS master host; returned by <c>AddSlapOSMaster</c>. Extension methods add providers.</summary>
public interface ISlapOSMasterBuilder
{
    /// <summary>The host's services.</summary>
    IServiceCollection Services { get; }
}
