using Microsoft.Extensions.DependencyInjection;

namespace SlapOS.Master;

internal sealed class SlapOSMasterBuilder(IServiceCollection services) : ISlapOSMasterBuilder
{
    public IServiceCollection Services { get; } = services;
}
