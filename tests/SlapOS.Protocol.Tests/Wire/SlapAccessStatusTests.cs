using SlapOS.Wire;

namespace SlapOS.Protocol.Tests.Wire;

/// <summary>The production master's access status sentences, written by our master and read back by our clients.</summary>
public class SlapAccessStatusTests
{
    [Theory]
    [InlineData(ReportedState.Started, null, "#access Instance correctly started")]
    [InlineData(ReportedState.Stopped, null, "#access Instance correctly stopped")]
    [InlineData(ReportedState.Destroyed, null, "#access Instance correctly destroyed")]
    [InlineData(ReportedState.Error, "buildout failed", "#error while instanciating: buildout failed")]
    public void Each_report_is_written_in_the_production_masters_words_and_read_back(ReportedState state, string? error, string text)
    {
        Assert.Equal(text, SlapAccessStatus.ToText(state, error));
        Assert.Equal((state, error), SlapAccessStatus.Parse(text));
    }

    [Fact]
    public void No_report_has_no_text()
    {
        Assert.Null(SlapAccessStatus.ToText(ReportedState.None, null));
        Assert.Equal((ReportedState.None, (string?)null), SlapAccessStatus.Parse(null));
        Assert.Equal((ReportedState.None, (string?)null), SlapAccessStatus.Parse(string.Empty));
    }

    [Theory]
    [InlineData("#error no data found for SOFTINST-42")]
    [InlineData("#access Instance correctly flying")]
    [InlineData("#building Software release in progress")]
    [InlineData("started")]
    public void A_sentence_that_says_no_report_or_is_unknown_is_no_report(string text) =>
        Assert.Equal((ReportedState.None, (string?)null), SlapAccessStatus.Parse(text));

    [Fact]
    public void An_error_of_the_production_master_without_the_usual_prefix_keeps_its_words()
    {
        Assert.Equal((ReportedState.Error, "bang called: it does not work"), SlapAccessStatus.Parse("#error bang called: it does not work"));
    }
}
