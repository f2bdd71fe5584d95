using Microsoft.Data.SqlClient;

namespace SlapOS.Providers.SqlServer.Tests;

/// <summary>
/// A SQL Server given by <c>SLAPOS_TEST_SQLSERVER</c> (a connection string with the right to create
/// databases). No SQL Server can run on the machines this suite is built on, so tests that need one are
/// skipped, with this reason, when the variable is not set.
/// </summary>
internal static class SqlServerDatabase
{
    public const string EnvironmentVariable = "SLAPOS_TEST_SQLSERVER";

    public const string SkipReason = $"{EnvironmentVariable} is not set: these tests need a real SQL Server (none can run on the build machines; see docs/sqlserver.md).";

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : null;

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix, string? collation = null)
    {
        var server = ConnectionString ?? throw new InvalidOperationException(SkipReason);
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var connection = new SqlConnection(server))
        {
            await connection.OpenAsync();
            // Names cannot be parameters in DDL: quoted by the server from parameters instead.
            await using var command = new SqlCommand(
                "DECLARE @sql NVARCHAR(400) = N'CREATE DATABASE ' + QUOTENAME(@Name) + CASE WHEN @Collation IS NULL THEN N'' ELSE N' COLLATE ' + @Collation END; " +
                "IF @Collation IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sys.fn_helpcollations() WHERE name = @Collation) THROW 51000, N'unknown collation', 1; " +
                "EXEC (@sql);", connection);
            command.Parameters.AddWithValue("@Name", name);
            command.Parameters.AddWithValue("@Collation", (object?)collation ?? DBNull.Value);
            await command.ExecuteNonQueryAsync();
        }

        return new SqlConnectionStringBuilder(server) { InitialCatalog = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing what still uses it.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        if (string.IsNullOrEmpty(connectionString) || ConnectionString is not { } server)
        {
            return;
        }

        var name = new SqlConnectionStringBuilder(connectionString).InitialCatalog;
        SqlConnection.ClearAllPools();
        await using var connection = new SqlConnection(server);
        await connection.OpenAsync();
        await using var command = new SqlCommand(
            "DECLARE @sql NVARCHAR(400) = N'ALTER DATABASE ' + QUOTENAME(@Name) + N' SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE ' + QUOTENAME(@Name); " +
            "IF DB_ID(@Name) IS NOT NULL EXEC (@sql);", connection);
        command.Parameters.AddWithValue("@Name", name);
        await command.ExecuteNonQueryAsync();
    }
}
