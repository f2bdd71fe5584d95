namespace SlapOS.Providers.SqlServer.Tests;

/// <summary>A theory that needs a real SQL Server: skipped, saying why, unless <c>SLAPOS_TEST_SQLSERVER</c> is set.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SqlServerTheoryAttribute : TheoryAttribute
{
    public SqlServerTheoryAttribute()
    {
        if (SqlServerDatabase.ConnectionString is null)
        {
            Skip = SqlServerDatabase.SkipReason;
        }
    }
}
