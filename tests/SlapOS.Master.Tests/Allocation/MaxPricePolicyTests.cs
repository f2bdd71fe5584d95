using SlapOS.Master.Allocation.Policies;

namespace SlapOS.Master.Tests.Allocation;

public class MaxPricePolicyTests
{
    [Fact]
    public void Keeps_computers_at_or_under_the_ceiling_and_scores_the_cheapest_highest()
    {
        var policy = new MaxPricePolicy();
        var context = AllocationPipelineTests.Context(new() { ["max_price"] = "1.5" });
        var cheap = AllocationPipelineTests.Candidate("CHEAP", 1, attributes: new() { ["price"] = "0.5" });
        var exact = AllocationPipelineTests.Candidate("EXACT", 1, attributes: new() { ["price"] = "1.5" });
        var dear = AllocationPipelineTests.Candidate("DEAR", 1, attributes: new() { ["price"] = "3" });
        var free = AllocationPipelineTests.Candidate("FREE", 1);

        Assert.Equal(["CHEAP", "EXACT", "FREE"], policy.Filter(context, [cheap, exact, dear, free]).Select(c => c.Computer.Reference));
        Assert.True(policy.Score(context, cheap) > policy.Score(context, exact));
        Assert.Null(policy.Score(AllocationPipelineTests.Context(), cheap));
    }
}
