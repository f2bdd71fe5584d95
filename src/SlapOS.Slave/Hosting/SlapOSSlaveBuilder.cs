using Microsoft.Extensions.DependencyInjection;

namespace SlapOS.Slave;

internal sealed class SlapOSSlaveBuilder(IServiceCollection services) : ISlapOSSlaveBuilder
{
    public IServiceCollection Services { get; } = services;
}
