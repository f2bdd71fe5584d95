using Microsoft.Extensions.DependencyInjection;
using SlapOS.Providers.Storage;
using SlapOS.Providers.Storage.PostgreSql;
using SlapOS.Providers.Storage.Sqlite;

namespace SlapOS;

/// <summary>Chooses the master's store. A later <c>Use…</c> replaces an earlier one.</summary>
public static class MasterStoreBuilderExtensions
{
    /// <summary>Stores the master in one SQLite file (WAL), the embedded default.</summary>
    public static ISlapOSMasterBuilder UseSqlite(this ISlapOSMasterBuilder builder, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return builder.UseSqlite(o => o.Path = path);
    }

    /// <summary>Stores the master in SQLite, with options bound from <c>SlapOS:Master:Sqlite</c> then <paramref name="configure"/>.</summary>
    public static ISlapOSMasterBuilder UseSqlite(this ISlapOSMasterBuilder builder, Action<SqliteStoreOptions>? configure = null)
    {
        return builder.UseStore<SqliteStoreOptions>(SqliteStoreOptions.SectionName, configure, (sp, o) => SqliteMasterStore.Open(o.Path, sp.GetService<TimeProvider>() ?? TimeProvider.System));
    }

    /// <summary>Stores the master in PostgreSQL (several masters may share it).</summary>
    public static ISlapOSMasterBuilder UsePostgreSql(this ISlapOSMasterBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UsePostgreSql(o => o.ConnectionString = connectionString);
    }

    /// <summary>Stores the master in PostgreSQL, with options bound from <c>SlapOS:Master:PostgreSql</c> then <paramref name="configure"/>.</summary>
    public static ISlapOSMasterBuilder UsePostgreSql(this ISlapOSMasterBuilder builder, Action<PostgreSqlStoreOptions>? configure = null)
    {
        return builder.UseStore<PostgreSqlStoreOptions>(PostgreSqlStoreOptions.SectionName, configure, (sp, o) => new PostgreSqlMasterStore(o.ConnectionString, sp.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
