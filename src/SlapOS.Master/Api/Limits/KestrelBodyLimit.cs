using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Api.Limits;

/// <summary>
/// Kestrel accepts no body larger than the largest endpoint limit, so a body sent where nothing reads
/// it (a GET, an unknown path) is bounded too; each endpoint then applies its own, smaller limit.
/// </summary>
internal sealed class KestrelBodyLimit(IOptions<SlapOSMasterLimitsOptions> limits) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options) => options.Limits.MaxRequestBodySize = limits.Value.Largest + 1;
}
