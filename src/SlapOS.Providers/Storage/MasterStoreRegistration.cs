using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SlapOS;

/// <summary>
/// The one way a provider registers the master's store (SQLite, PostgreSQL, SQL Server, or one written outside this
/// repository): its options bound from configuration and validated at start, then the store itself. A later store
/// replaces an earlier one whole: the earlier store and its options' validators go, so an unused store's missing
/// setting cannot stop the master from starting.
/// </summary>
public static class MasterStoreRegistration
{
    /// <summary>Chooses the master's store, replacing the store (and its options' validation) chosen before.</summary>
    /// <typeparam name="TOptions">The store's options, validated by their data annotations at start.</typeparam>
    /// <param name="builder">The master builder.</param>
    /// <param name="sectionName">The configuration section the options are bound from (e.g. <c>SlapOS:Master:Sqlite</c>).</param>
    /// <param name="configure">Applied after the configuration, when given.</param>
    /// <param name="create">Opens the store from the validated options.</param>
    /// <returns>The builder.</returns>
    public static ISlapOSMasterBuilder UseStore<TOptions>(this ISlapOSMasterBuilder builder, string sectionName, Action<TOptions>? configure, Func<IServiceProvider, TOptions, IMasterStore> create)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionName);
        ArgumentNullException.ThrowIfNull(create);
        var services = builder.Services;
        foreach (var chosen in services.Where(d => d.ServiceType == typeof(ChosenStoreOptions)).Select(d => (ChosenStoreOptions)d.ImplementationInstance!).ToList())
        {
            if (chosen.OptionsType != typeof(TOptions))
            {
                // ValidateOnStart cannot be taken back, but without validators it has nothing left to refuse.
                services.RemoveAll(typeof(IValidateOptions<>).MakeGenericType(chosen.OptionsType));
            }
        }

        services.RemoveAll<ChosenStoreOptions>();
        services.AddSingleton(new ChosenStoreOptions(typeof(TOptions)));
        var options = services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.RemoveAll<IMasterStore>();
        services.AddSingleton(sp => create(sp, sp.GetRequiredService<IOptions<TOptions>>().Value));
        return builder;
    }

    /// <summary>Which options the chosen store registered, so that the next store can take their validation away.</summary>
    private sealed record ChosenStoreOptions(Type OptionsType);
}
