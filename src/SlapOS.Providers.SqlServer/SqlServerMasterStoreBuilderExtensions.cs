using Microsoft.Extensions.DependencyInjection;
using SlapOS.Providers.Storage.SqlServer;

namespace SlapOS;

/// <summary>Chooses SQL Server as the master's store. Like every <c>Use…</c>, it replaces a store chosen before.</summary>
public static class SqlServerMasterStoreBuilderExtensions
{
    /// <summary>Stores the master in SQL Server or Azure SQL (several masters may share it).</summary>
    public static ISlapOSMasterBuilder UseSqlServer(this ISlapOSMasterBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseSqlServer(o => o.ConnectionString = connectionString);
    }

    /// <summary>Stores the master in SQL Server, with options bound from <c>SlapOS:Master:SqlServer</c> then <paramref name="configure"/>.</summary>
    public static ISlapOSMasterBuilder UseSqlServer(this ISlapOSMasterBuilder builder, Action<SqlServerStoreOptions>? configure = null)
    {
        return builder.UseStore<SqlServerStoreOptions>(SqlServerStoreOptions.SectionName, configure, (sp, o) => new SqlServerMasterStore(o.ConnectionString, sp.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
