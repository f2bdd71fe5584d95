using System.ComponentModel.DataAnnotations;

namespace SlapOS.Providers.Storage.Sqlite;

/// <summary>Options of the SQLite master store (<c>SlapOS:Master:Sqlite</c>).</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Master:Sqlite";

    /// <summary>The database file (created when missing).</summary>
    [Required(ErrorMessage = "SlapOS:Master:Sqlite:Path must name the master database file")]
    public string Path { get; set; } = "";
}
