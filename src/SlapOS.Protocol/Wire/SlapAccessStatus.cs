namespace SlapOS.Wire;

/// <summary>
/// SlapOS's access status text: what the production master says about an instance's last report, in the XML
/// <c>_access_status</c> of a partition (read by the slap library's <c>ComputerPartition.getAccessStatus()</c>) and the
/// JSON <c>access_status_message</c>. <c>#access Instance correctly started</c> (or <c>stopped</c>, <c>destroyed</c>),
/// <c>#error while instanciating: MESSAGE</c> for an error report, <c>#error no data found for REFERENCE</c> before any.
/// The one home of these sentences: our master writes them, our clients (XML and JSON) read them back.
/// </summary>
public static class SlapAccessStatus
{
    private const string Access = "#access ";
    private const string Error = "#error ";
    private const string Correctly = "Instance correctly ";
    private const string WhileInstanciating = "while instanciating: ";

    /// <summary>The text for a reported state (and the error of an error report); <see langword="null"/> before any report.</summary>
    public static string? ToText(ReportedState state, string? errorMessage) => state switch
    {
        ReportedState.None => null,
        ReportedState.Error => Error + WhileInstanciating + (errorMessage ?? "error"),
        _ => Access + Correctly + state.ToWire(),
    };

    /// <summary>
    /// The reported state and error message a text says: <see cref="ReportedState.None"/> for no text, for
    /// <c>#error no data found …</c> and for any sentence this rule does not know; any other <c>#error …</c> is an error
    /// whose message is the text after the marker (and after <c>while instanciating: </c>).
    /// </summary>
    public static (ReportedState State, string? ErrorMessage) Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return (ReportedState.None, null);
        }

        if (text.StartsWith(Access + Correctly, StringComparison.Ordinal))
        {
            var state = SlapStates.ReportedStateOf(text[(Access.Length + Correctly.Length)..].Trim());
            return state is ReportedState.Error ? (ReportedState.None, null) : (state, null);
        }

        if (text.StartsWith(Error, StringComparison.Ordinal) && !text.StartsWith(Error + "no data found", StringComparison.Ordinal))
        {
            var message = text[Error.Length..];
            return (ReportedState.Error, message.StartsWith(WhileInstanciating, StringComparison.Ordinal) ? message[WhileInstanciating.Length..] : message);
        }

        return (ReportedState.None, null);
    }
}
