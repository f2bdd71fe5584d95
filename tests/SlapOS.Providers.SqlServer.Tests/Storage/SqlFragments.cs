using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace SlapOS.Providers.SqlServer.Tests.Storage;

/// <summary>What a parsed T-SQL fragment refers to: the tables and columns a server would bind.</summary>
internal sealed class SqlFragments : TSqlFragmentVisitor
{
    public HashSet<string> Tables { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Columns { get; } = new(StringComparer.Ordinal);

    public List<SelectElement> SelectElements { get; } = [];

    /// <summary>Names of common table expressions: tables only within their statement.</summary>
    public HashSet<string> CommonTables { get; } = new(StringComparer.Ordinal);

    public static SqlFragments Of(TSqlFragment fragment)
    {
        var visitor = new SqlFragments();
        fragment.Accept(visitor);
        return visitor;
    }

    public override void Visit(NamedTableReference node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Tables.Add(node.SchemaObject.BaseIdentifier.Value);
        base.Visit(node);
    }

    public override void Visit(ColumnReferenceExpression node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.MultiPartIdentifier is { Identifiers: [.., var last] })
        {
            Columns.Add(last.Value);
        }

        base.Visit(node);
    }

    public override void Visit(CommonTableExpression node)
    {
        ArgumentNullException.ThrowIfNull(node);
        CommonTables.Add(node.ExpressionName.Value);
        base.Visit(node);
    }

    public override void Visit(SelectScalarExpression node)
    {
        SelectElements.Add(node);
        base.Visit(node);
    }
}
