using System.Reflection;
using SlapOS.Integration.Tests.MasterEngine;

namespace SlapOS.Providers.SqlServer.Tests.MasterEngine;

/// <summary>
/// Every scenario of the unchanged <see cref="MasterConformanceTests"/> (each [Fact], each [InlineData] row
/// of each [Theory]), found by reflection so none can be forgotten, run against SQL Server when
/// <c>SLAPOS_TEST_SQLSERVER</c> is set, and skipped with that reason when it is not.
/// </summary>
public sealed class SqlServerMasterConformanceTests
{
    public static TheoryData<string, string?> Scenarios()
    {
        var data = new TheoryData<string, string?>();
        foreach (var method in typeof(MasterConformanceTests).GetMethods(BindingFlags.Public | BindingFlags.Instance).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (method.GetCustomAttribute<TheoryAttribute>() is not null)
            {
                foreach (var row in method.GetCustomAttributes<InlineDataAttribute>())
                {
                    data.Add(method.Name, (string?)row.GetData(method).Single().Single());
                }
            }
            else if (method.GetCustomAttribute<FactAttribute>() is not null)
            {
                data.Add(method.Name, null);
            }
        }

        return data;
    }

    [SqlServerTheory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario(string scenario, string? argument)
    {
        var method = typeof(MasterConformanceTests).GetMethod(scenario, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"no conformance scenario '{scenario}'");
        var run = new SqlServerConformanceRun();
        try
        {
            await run.InitializeAsync();
            var result = method.Invoke(run, BindingFlags.DoNotWrapExceptions, binder: null, method.GetParameters().Length == 0 ? [] : [argument], culture: null);
            await (Task)result!;
        }
        finally
        {
            await run.DisposeAsync();
        }
    }

    [Fact]
    public void Every_conformance_scenario_is_listed_once_with_its_theory_rows()
    {
        var scenarios = Scenarios().Select(row => ((string)row[0], (string?)row[1])).ToList();

        Assert.Equal(scenarios.Count, scenarios.Distinct().Count());
        Assert.Contains(("Migrating_again_is_a_no_op_and_a_newer_schema_is_refused", null), scenarios);
        Assert.Equal(["parameters", "requester", "software_release", "software_type", "title"],
            scenarios.Where(s => s.Item1 == "Invalid_references_and_oversized_parameters_are_rejected_and_change_nothing").Select(s => s.Item2!).Order(StringComparer.Ordinal));
        var facts = typeof(MasterConformanceTests).GetMethods().Count(m => m.GetCustomAttribute<FactAttribute>() is not null and not TheoryAttribute);
        Assert.True(facts >= 25, $"only {facts} facts found on the conformance base");
        var rows = typeof(MasterConformanceTests).GetMethods().Where(m => m.GetCustomAttribute<TheoryAttribute>() is not null).Sum(m => m.GetCustomAttributes<InlineDataAttribute>().Count());
        Assert.Equal(facts + rows, scenarios.Count);
    }

    [Fact]
    public void The_sql_server_run_of_the_base_is_not_discovered_on_its_own()
    {
        // Were it public, xunit would run the base's [Fact]s on it without a server, and they would fail.
        Assert.False(typeof(SqlServerConformanceRun).IsVisible);
        Assert.True(typeof(SqlServerConformanceRun).IsSubclassOf(typeof(MasterConformanceTests)));
    }
}
