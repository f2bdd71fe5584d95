using System.ComponentModel.DataAnnotations;

namespace SlapOS.Providers.Storage.PostgreSql;

/// <summary>Options of the PostgreSQL master store (<c>SlapOS:Master:PostgreSql</c>).</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Master:PostgreSql";

    /// <summary>The Npgsql connection string.</summary>
    [Required(ErrorMessage = "SlapOS:Master:PostgreSql:ConnectionString must be set")]
    public string ConnectionString { get; set; } = "";
}
