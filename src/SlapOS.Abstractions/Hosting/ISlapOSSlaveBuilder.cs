using Microsoft.Extensions.DependencyInjection;

namespace SlapOS;

/// <summary>Configures a SlapOS node host; returned by <c>AddSlapOSSlave</c>. Extension methods add providers.</summary>
public interface ISlapOSSlaveBuilder
{
    /// <summary>The host's services.</summary>
    IServiceCollection Services { get; }
}
