namespace SlapOS.Abstractions.Tests;

public class SlapStatesTests
{
    [Theory]
    [InlineData("started", RequestedState.Started)]
    [InlineData("stopped", RequestedState.Stopped)]
    [InlineData("destroyed", RequestedState.Destroyed)]
    public void Requested_states_round_trip_through_their_wire_words(string word, RequestedState state)
    {
        Assert.Equal(state, SlapStates.ParseRequestedState(word));
        Assert.Equal(word, state.ToWire());
    }

    [Fact]
    public void An_unknown_supply_state_names_the_field_and_the_choices()
    {
        var error = Assert.Throws<SlapValidationException>(() => SlapStates.ParseSupplyState("bogus"));

        Assert.Equal("state", error.Field);
        Assert.Contains("available, destroyed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("building", SoftwareInstallationState.Building)]
    [InlineData("available", SoftwareInstallationState.Available)]
    [InlineData("error", SoftwareInstallationState.Error)]
    [InlineData("destroyed", SoftwareInstallationState.Destroyed)]
    public void Installation_states_round_trip(string word, SoftwareInstallationState state)
    {
        Assert.Equal(state, SlapStates.ParseInstallationState(word));
        Assert.Equal(word, state.ToWire());
    }

    // The store, the portal, the XML status line and the JSON client each wrote this mapping by hand.
    [Theory]
    [InlineData("none", ReportedState.None)]
    [InlineData("started", ReportedState.Started)]
    [InlineData("stopped", ReportedState.Stopped)]
    [InlineData("destroyed", ReportedState.Destroyed)]
    [InlineData("error", ReportedState.Error)]
    public void Reported_states_round_trip_through_their_wire_words(string word, ReportedState state)
    {
        Assert.Equal(word, state.ToWire());
        Assert.Equal(state, SlapStates.ReportedStateOf(word));
    }

    [Fact]
    public void An_unknown_word_is_no_report_and_no_installation_state()
    {
        Assert.Equal(ReportedState.None, SlapStates.ReportedStateOf("Started"));
        Assert.Equal(ReportedState.None, SlapStates.ReportedStateOf(null));
        Assert.Null(SlapStates.InstallationStateOf("installing"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ReportedState)42).ToWire());
    }
}
