namespace SlapOS.Wire;

/// <summary>
/// The form of a legacy <c>requestComputerPartition</c> call, parsed for a master. Missing
/// <c>partition_parameter_xml</c>, <c>filter_xml</c>, <c>shared_xml</c> or <c>software_type</c> take their
/// defaults (slapproxy answers 500 there); a missing <c>state</c>, title or release is a validation error.
/// </summary>
/// <param name="Request">The request; its requester is <see cref="InstanceRequest.RootRequester"/> until the master resolves <see cref="RequesterPartitionReference"/>.</param>
/// <param name="State">The state asked for, or <see langword="null"/> when the client sent <c>None</c> (keep the current one, or follow the parent).</param>
/// <param name="RequesterComputerReference">For a request made by a partition, its computer (<c>computer_id</c>).</param>
/// <param name="RequesterPartitionReference">For a request made by a partition, the partition (<c>computer_partition_id</c>).</param>
public sealed record XmlRequestForm(
    InstanceRequest Request,
    RequestedState? State,
    string? RequesterComputerReference,
    string? RequesterPartitionReference)
{
    /// <summary>Parses the decoded form fields.</summary>
    /// <exception cref="SlapValidationException">A required field is missing or a value is not acceptable.</exception>
    /// <exception cref="SlapMarshalException">A marshalled field is malformed or hostile.</exception>
    public static XmlRequestForm Parse(IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var title = Required(form, "partition_reference");
        var release = Required(form, "software_release");
        var stateValue = SlapMarshal.Read(Required(form, "state"));
        RequestedState? state = stateValue switch
        {
            null => null,
            string s => SlapStates.ParseRequestedState(s),
            _ => throw new SlapValidationException("state", "must be a marshalled string or none"),
        };

        var parameters = form.TryGetValue("partition_parameter_xml", out var p) && p.Length > 0
            ? SlapWireObjects.FlattenParameters(SlapMarshal.Read(p), "partition_parameter_xml")
            : new Dictionary<string, string>();
        var sla = form.TryGetValue("filter_xml", out var f) && f.Length > 0
            ? SlapWireObjects.FlattenParameters(SlapMarshal.Read(f), "filter_xml")
            : new Dictionary<string, string>();
        var shared = form.TryGetValue("shared_xml", out var s2) && s2.Length > 0 && SlapMarshal.Read(s2) switch
        {
            bool b => b,
            null => false,
            _ => throw new SlapValidationException("shared_xml", "must be a marshalled bool"),
        };
        var softwareType = form.TryGetValue("software_type", out var t) && t.Length > 0 ? t : InstanceRequest.DefaultSoftwareType;

        var request = new InstanceRequest
        {
            Title = title,
            SoftwareReleaseUrl = release,
            SoftwareType = softwareType,
            Parameters = parameters,
            Sla = sla,
            State = state ?? RequestedState.Started,
            Shared = shared,
        };
        request.Validate();

        var computer = form.GetValueOrDefault("computer_id");
        var partition = form.GetValueOrDefault("computer_partition_id");
        if ((computer is null) != (partition is null))
        {
            throw new SlapValidationException(computer is null ? "computer_id" : "computer_partition_id", "must be given with the other field of the requesting partition");
        }

        return new XmlRequestForm(request, state, computer, partition);
    }

    private static string Required(IReadOnlyDictionary<string, string> form, string field) =>
        form.TryGetValue(field, out var value) && value.Length > 0
            ? value
            : throw new SlapValidationException(field, "is required");
}
