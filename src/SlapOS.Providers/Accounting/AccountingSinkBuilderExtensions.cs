using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS.Providers.Accounting;

namespace SlapOS;

/// <summary>
/// Registers accounting sinks on a master or a node. Sinks add up (each report goes to every sink);
/// adding the same sink twice (same kind and path) registers it once.
/// </summary>
public static class AccountingSinkBuilderExtensions
{
    /// <summary>Appends every usage record as one JSON line to <paramref name="path"/>.</summary>
    public static ISlapOSMasterBuilder AddJsonLinesAccountingSink(this ISlapOSMasterBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddJsonLines(builder.Services, path);
        return builder;
    }

    /// <summary>Appends every usage record as one JSON line to <paramref name="path"/>.</summary>
    public static ISlapOSSlaveBuilder AddJsonLinesAccountingSink(this ISlapOSSlaveBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddJsonLines(builder.Services, path);
        return builder;
    }

    /// <summary>Writes every usage report as a TioXML file in <paramref name="directory"/>.</summary>
    public static ISlapOSMasterBuilder AddTioXmlAccountingSink(this ISlapOSMasterBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddTioXml(builder.Services, directory);
        return builder;
    }

    /// <summary>Writes every usage report as a TioXML file in <paramref name="directory"/>.</summary>
    public static ISlapOSSlaveBuilder AddTioXmlAccountingSink(this ISlapOSSlaveBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddTioXml(builder.Services, directory);
        return builder;
    }

    /// <summary>Publishes usage on the <c>SlapOS.Accounting</c> meter (for OpenTelemetry).</summary>
    public static ISlapOSMasterBuilder AddMeterAccountingSink(this ISlapOSMasterBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAccountingSink, MeterAccountingSink>());
        return builder;
    }

    /// <summary>Publishes usage on the <c>SlapOS.Accounting</c> meter (for OpenTelemetry).</summary>
    public static ISlapOSSlaveBuilder AddMeterAccountingSink(this ISlapOSSlaveBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAccountingSink, MeterAccountingSink>());
        return builder;
    }

    private static void AddJsonLines(IServiceCollection services, string path)
    {
        var full = FullPath(path, nameof(path));
        if (TryMark(services, new AccountingSinkRegistration("json-lines", full)))
        {
            services.AddSingleton<IAccountingSink>(_ => new JsonLinesAccountingSink(full));
        }
    }

    private static void AddTioXml(IServiceCollection services, string directory)
    {
        var full = FullPath(directory, nameof(directory));
        if (TryMark(services, new AccountingSinkRegistration("tioxml", full)))
        {
            services.TryAddSingleton(TimeProvider.System);
            services.AddSingleton<IAccountingSink>(sp => new TioXmlAccountingSink(full, sp.GetRequiredService<TimeProvider>()));
        }
    }

    private static string FullPath(string path, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path, name);
        return Path.GetFullPath(path);
    }

    private static bool TryMark(IServiceCollection services, AccountingSinkRegistration registration)
    {
        if (services.Any(d => d.ServiceType == typeof(AccountingSinkRegistration) && Equals(d.ImplementationInstance, registration)))
        {
            return false;
        }

        services.AddSingleton(registration);
        return true;
    }
}
