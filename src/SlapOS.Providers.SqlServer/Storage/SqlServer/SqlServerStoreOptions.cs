using System.ComponentModel.DataAnnotations;

namespace SlapOS.Providers.Storage.SqlServer;

/// <summary>Options of the SQL Server master store (<c>SlapOS:Master:SqlServer</c>).</summary>
public sealed class SqlServerStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Master:SqlServer";

    /// <summary>The Microsoft.Data.SqlClient connection string.</summary>
    [Required(ErrorMessage = "SlapOS:Master:SqlServer:ConnectionString must be set")]
    public string ConnectionString { get; set; } = "";
}
