using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using SlapOS.Providers.Storage;
using SlapOS.Providers.Storage.SqlServer;

#pragma warning disable CA1062 // theory data is never null

namespace SlapOS.Providers.SqlServer.Tests.Storage;

/// <summary>The SQL Server scripts, checked without a server: same keys and files as the other dialects, and valid T-SQL.</summary>
public partial class SqlServerScriptTests
{
    private static readonly StoreSql SqlServer = SqlServerMasterStore.Scripts;

    public static TheoryData<string> QueryKeys() => [.. StoreSql.PostgreSql.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void Every_dialect_has_the_same_query_keys()
    {
        var postgres = StoreSql.PostgreSql.Keys.Order(StringComparer.Ordinal).ToList();

        Assert.True(postgres.Count >= 25, $"only {postgres.Count} PostgreSQL queries parsed");
        Assert.Equal(postgres, SqlServer.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(postgres, StoreSql.Sqlite.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_dialect_has_the_same_migration_files()
    {
        var names = SqlServer.Migrations.Select(m => (m.Version, m.Name)).ToList();

        Assert.Equal([(1, "001_initial.sql"), (2, "002_identity.sql"), (3, "003_changes.sql"), (4, "004_federation.sql"), (5, "005_shared_title.sql"), (6, "006_request_paths.sql"), (7, "007_trace_parent.sql")], names);
        Assert.Equal(StoreSql.PostgreSql.Migrations.Select(m => (m.Version, m.Name)), names);
        Assert.Equal(StoreSql.Sqlite.Migrations.Select(m => (m.Version, m.Name)), names);
        Assert.Equal(StoreSql.PostgreSql.LatestVersion, SqlServer.LatestVersion);
    }

    [Fact]
    public void The_scripts_are_embedded_under_the_shared_resource_names()
    {
        var names = typeof(SqlServerMasterStore).Assembly.GetManifestResourceNames().Order(StringComparer.Ordinal);

        Assert.Equal(["SlapOS.Providers.Storage.SqlServer.001_initial.sql", "SlapOS.Providers.Storage.SqlServer.002_identity.sql", "SlapOS.Providers.Storage.SqlServer.003_changes.sql", "SlapOS.Providers.Storage.SqlServer.004_federation.sql", "SlapOS.Providers.Storage.SqlServer.005_shared_title.sql", "SlapOS.Providers.Storage.SqlServer.006_request_paths.sql", "SlapOS.Providers.Storage.SqlServer.007_trace_parent.sql", "SlapOS.Providers.Storage.SqlServer.queries.sql"], names);
        Assert.Contains("UPDATE change_sequence", SqlServer["change.bump"], StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE instances", SqlServer.Migrations[0].Script, StringComparison.Ordinal);
        Assert.Contains("sp_getapplock", SqlServer["schema.lock"], StringComparison.Ordinal);
        Assert.Contains("READPAST", SqlServer["partition.reserve"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(QueryKeys))]
    public void Every_query_is_valid_t_sql(string key)
    {
        var sql = SqlServer[key];

        Assert.Empty(ParseErrors(sql));
        Assert.DoesNotContain("LIMIT ", sql, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("RETURNING", sql, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ON CONFLICT", sql, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(QueryKeys))]
    public void Every_query_takes_the_parameters_of_its_postgresql_twin(string key)
    {
        // The store passes the same argument objects to every dialect; PostgreSQL's are proven on a real server.
        var local = LocalVariable().Matches(SqlServer[key]).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.Equal(Parameters(StoreSql.PostgreSql[key]), Parameters(SqlServer[key]).Except(local, StringComparer.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(QueryKeys))]
    public void Every_query_names_only_tables_and_columns_the_schema_has(string key)
    {
        var (tables, columns) = Schema();
        var used = SqlFragments.Of(Parse(SqlServer[key], out _));

        Assert.True(used.Tables.Count > 0 || key is "schema.create" or "schema.lock", $"{key} names no table");
        Assert.Empty(used.Tables.Except(tables).Except(used.CommonTables));
        // Besides the schema's columns, only the MERGE source's constant column.
        Assert.Empty(used.Columns.Except(columns).Except(["one"]));
    }

    public static TheoryData<string, Type> RowQueries() => new()
    {
        { "computer.select", typeof(ComputerRow) },
        { "candidate.list", typeof(ComputerRow) },
        { "candidate.computers", typeof(ComputerRow) },
        { "partition.list", typeof(PartitionRow) },
        { "partition.get", typeof(PartitionRow) },
        { "supply.list", typeof(SupplyRow) },
        { "candidate.installed", typeof(SupplyRow) },
        { "instance.select", typeof(InstanceRow) },
        { "instance.delete", typeof(InstanceRow) },
        { "usage.list", typeof(UsageRow) },
        { "certificate.select", typeof(CertificateRow) },
        { "certificate.revoked", typeof(CertificateRow) },
        { "token.consume", typeof(OnboardingTokenRow) },
    };

    [Theory]
    [MemberData(nameof(RowQueries))]
    public void Every_selected_column_fills_a_row_property_of_its_type(string key, Type row)
    {
        // Dapper maps snake_case to the row's properties; a BIT would arrive as bool, so flags are cast to BIGINT.
        var fragments = SqlFragments.Of(Parse(SqlServer[key], out _));
        var properties = row.GetProperties().ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var elements = fragments.SelectElements.OfType<SelectScalarExpression>()
            .Select(e => (Name: e.ColumnName?.Value ?? ((ColumnReferenceExpression)e.Expression).MultiPartIdentifier.Identifiers[^1].Value, e.Expression))
            .ToList();

        Assert.NotEmpty(elements);
        Assert.All(elements, e =>
        {
            Assert.True(properties.TryGetValue(e.Name.Replace("_", "", StringComparison.Ordinal), out var property), $"{key}: '{e.Name}' fills no property of {row.Name}");
            if (e.Name is "shared" or "allocation_open" or "installed" or "admin")
            {
                Assert.Equal(typeof(long), property!.PropertyType);
                Assert.True(e.Expression is CastCall { DataType: SqlDataTypeReference { SqlDataTypeOption: SqlDataTypeOption.BigInt } }, $"{key}: '{e.Name}' is not cast to BIGINT");
            }
        });
    }

    [Fact]
    public void One_partition_and_its_own_instance_are_read_by_key()
    {
        // partition.get names the whole primary key; a partition's own instance is found on an index ending in shared.
        Assert.Contains("WHERE computer_reference = @Computer AND reference = @Reference", SqlServer["partition.get"], StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX ix_instances_partition ON instances (computer_reference, partition_reference, shared)", SqlServer.Migrations.Single(m => m.Version == 6).Script, StringComparison.Ordinal);
        Assert.Empty(ParseErrors(SqlServer.Migrations.Single(m => m.Version == 6).Script));
    }

    [Fact]
    public void An_allocation_moves_the_change_stamp_in_its_take_free_batch()
    {
        // The store runs no change.bump after computer.take-free: the batch moves the stamp only when it took a partition.
        var takeFree = SqlServer["computer.take-free"];

        Assert.Empty(ParseErrors(takeFree));
        Assert.Contains("IF @@ROWCOUNT > 0", takeFree, StringComparison.Ordinal);
        Assert.Contains("UPDATE change_sequence SET value = value + 1", takeFree, StringComparison.Ordinal);
        Assert.True(takeFree.IndexOf("free_partitions - 1", StringComparison.Ordinal) < takeFree.IndexOf("change_sequence", StringComparison.Ordinal), "the computer row is locked before the sequence row, as every writer does");
    }

    [Fact]
    public void The_queries_the_store_extends_stay_valid_t_sql()
    {
        // SqlMasterStore appends filters and orderings to these two selects.
        Assert.Empty(ParseErrors(SqlServer["computer.select"] + " WHERE reference = @Reference"));
        Assert.Empty(ParseErrors(SqlServer["computer.select"] + " ORDER BY reference"));
        Assert.Empty(ParseErrors(SqlServer["instance.select"] + " WHERE computer_reference = @Computer AND shared = 1 ORDER BY reference"));
        Assert.Empty(ParseErrors(SqlServer["instance.select"] + " WHERE requester_reference = @Requester AND title_hash = CAST(HASHBYTES('SHA2_256', CAST(@Title AS NVARCHAR(1024))) AS BINARY(32)) AND title = @Title"));
        Assert.Empty(ParseErrors(SqlServer["certificate.select"] + " WHERE admin = 1 AND not_after > @Now AND (revoked_at IS NULL OR revoked_at > @Now)"));
    }

    [Fact]
    public void Every_migration_is_valid_t_sql()
    {
        foreach (var (_, name, script) in SqlServer.Migrations)
        {
            Assert.True(ParseErrors(script) is [], $"{name}: {string.Join("; ", ParseErrors(script))}");
        }
    }

    [Fact]
    public void The_parser_check_catches_another_dialect()
    {
        // Proves the check can fail: PostgreSQL's reservation (LIMIT, FOR UPDATE SKIP LOCKED, RETURNING) is not T-SQL.
        Assert.NotEmpty(ParseErrors(StoreSql.PostgreSql["partition.reserve"]));
        Assert.NotEmpty(ParseErrors(StoreSql.PostgreSql["computer.upsert"]));
    }

    [Fact]
    public void Every_short_text_column_compares_ordinally()
    {
        var script = (TSqlScript)Parse(SqlServer.Migrations[0].Script, out _);
        var tables = script.Batches.SelectMany(b => b.Statements).OfType<CreateTableStatement>().ToList();
        var textColumns = tables.SelectMany(t => t.Definition.ColumnDefinitions.Select(c => (Table: t.SchemaObjectName.BaseIdentifier.Value, Column: c)))
            .Where(c => c.Column.DataType is SqlDataTypeReference { SqlDataTypeOption: SqlDataTypeOption.NVarChar or SqlDataTypeOption.VarChar } type
                && type.Parameters is [Literal { LiteralType: LiteralType.Integer }])
            .ToList();

        Assert.Equal(["computers", "instances", "partitions", "supplies", "usage_records"], tables.Select(t => t.SchemaObjectName.BaseIdentifier.Value).Order(StringComparer.Ordinal));
        Assert.True(textColumns.Count >= 25, $"only {textColumns.Count} text columns found");
        Assert.All(textColumns, c => Assert.True(c.Column.Collation?.Value == "Latin1_General_100_BIN2", $"{c.Table}.{c.Column.ColumnIdentifier.Value} has no binary collation"));
    }

    [Fact]
    public void Requester_and_title_are_unique()
    {
        var script = (TSqlScript)Parse(SqlServer.Migrations[0].Script, out _);
        var index = script.Batches.SelectMany(b => b.Statements).OfType<CreateIndexStatement>().Single(i => i.Name.Value == "ux_instances_requester_title");

        Assert.True(index.Unique);
        Assert.Equal(["requester_reference", "title_hash"], index.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value));
    }

    private static (HashSet<string> Tables, HashSet<string> Columns) Schema()
    {
        var script = (TSqlScript)Parse(string.Join("\n", SqlServer.Migrations.Select(m => m.Script)) + "\n" + SqlServer["schema.create"], out _);
        var statements = script.Batches.SelectMany(b => b.Statements).ToList();
        var tables = statements.SelectMany(Creates).ToList();
        var added = statements.OfType<AlterTableAddTableElementStatement>().SelectMany(a => a.Definition.ColumnDefinitions);
        return (tables.Select(t => t.SchemaObjectName.BaseIdentifier.Value).ToHashSet(StringComparer.Ordinal),
            tables.SelectMany(t => t.Definition.ColumnDefinitions).Concat(added).Select(c => c.ColumnIdentifier.Value).ToHashSet(StringComparer.Ordinal));

        static IEnumerable<CreateTableStatement> Creates(TSqlStatement statement) => statement switch
        {
            CreateTableStatement create => [create],
            IfStatement { ThenStatement: CreateTableStatement create } => [create],
            _ => [],
        };
    }

    private static IEnumerable<string> Parameters(string sql) =>
        Parameter().Matches(sql).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>A parameter, not a system function such as <c>@@ROWCOUNT</c>.</summary>
    [GeneratedRegex(@"(?<!@)@(\w+)")]
    private static partial Regex Parameter();

    /// <summary>Names the batch itself defines: declared variables and the named arguments of a procedure (<c>EXEC sp_getapplock @Resource = …</c>).</summary>
    [GeneratedRegex(@"DECLARE\s+@(\w+)|@(\w+)\s*=\s*(?:N'|-?\d)", RegexOptions.IgnoreCase)]
    private static partial Regex LocalVariable();

    private static List<string> ParseErrors(string sql)
    {
        Parse(sql, out var errors);
        return [.. errors.Select(e => $"line {e.Line}: {e.Message}")];
    }

    private static TSqlFragment Parse(string sql, out IList<ParseError> errors)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        return parser.Parse(reader, out errors);
    }
}
