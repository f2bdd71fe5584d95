namespace SlapOS.Abstractions.Tests;

public class NoFreePartitionExceptionTests
{
    [Fact]
    public void The_message_explains_what_each_policy_eliminated()
    {
        var error = new NoFreePartitionException("X", 1000, [
            new PolicyElimination("computer_guid", 990, 10),
            new PolicyElimination("capacity", 0, 10),
            new PolicyElimination("max_price", 10, 0),
        ]);

        Assert.Equal("no free partition for 'X': 1000 candidates; computer_guid eliminated 990; max_price eliminated 10", error.Message);
        Assert.Equal(SlapErrorKind.NoCapacity, error.Kind);
    }
}
