using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS.Providers.Identity;

namespace SlapOS;

/// <summary>Registers the BouncyCastle certificate authority on a master.</summary>
public static class BouncyCastleIdentityBuilderExtensions
{
    /// <summary>
    /// Makes the master a certificate authority backed by BouncyCastle, with options bound from
    /// <c>SlapOS:Master:Identity</c> (<c>Directory</c> is required) and validated at start-up.
    /// A later <c>Use…</c> of another authority wins.
    /// </summary>
    public static ISlapOSMasterBuilder UseBouncyCastleIdentity(this ISlapOSMasterBuilder builder, Action<BouncyCastleIdentityOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<BouncyCastleIdentityOptions>()
            .BindConfiguration(BouncyCastleIdentityOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICertificateAuthority, BouncyCastleCertificateAuthority>());
        return builder;
    }
}
