using SlapOS.Wire;

namespace SlapOS.Tests.Wire;

public class XmlRequestFormTests
{
    public static TheoryData<int> AcceptedRequests()
    {
        var data = new TheoryData<int>();
        foreach (var e in WireCaptures.All.Where(e => e.Path == "/requestComputerPartition" && e.Status is 200 or 404))
        {
            data.Add(e.Seq);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AcceptedRequests))]
    public void Every_request_slapproxy_handled_parses(int seq)
    {
        var exchange = WireCaptures.BySeq(seq);
        var fields = exchange.FormFields.ToDictionary(f => f.Key, f => f.Value);

        var form = XmlRequestForm.Parse(fields);

        Assert.Equal(fields["partition_reference"], form.Request.Title);
        Assert.Equal(fields["software_release"], form.Request.SoftwareReleaseUrl);
        Assert.Equal(fields["software_type"], form.Request.SoftwareType);
        Assert.Equal(fields.GetValueOrDefault("computer_partition_id"), form.RequesterPartitionReference);
        Assert.Equal(SlapMarshal.Read(fields["shared_xml"]), form.Request.Shared);
    }

    [Fact]
    public void Child_request_carries_the_requesting_partition_and_a_none_state()
    {
        var form = XmlRequestForm.Parse(WireCaptures.BySeq(26).FormFields.ToDictionary(f => f.Key, f => f.Value));

        Assert.Equal("local_computer", form.RequesterComputerReference);
        Assert.Equal("slappart0", form.RequesterPartitionReference);
        Assert.Null(form.State);
        Assert.Equal("db", form.Request.Parameters["role"]);
    }

    [Fact]
    public void Stopped_state_is_read()
    {
        var form = XmlRequestForm.Parse(WireCaptures.BySeq(96).FormFields.ToDictionary(f => f.Key, f => f.Value));

        Assert.Equal(RequestedState.Stopped, form.State);
        Assert.Equal(RequestedState.Stopped, form.Request.State);
    }

    [Theory]
    [InlineData(110)]
    [InlineData(111)]
    public void Missing_parameter_or_filter_defaults_to_empty_where_slapproxy_fails(int seq)
    {
        var form = XmlRequestForm.Parse(WireCaptures.BySeq(seq).FormFields.ToDictionary(f => f.Key, f => f.Value));

        Assert.NotNull(form.Request.Parameters);
        Assert.NotNull(form.Request.Sla);
    }

    [Fact]
    public void Missing_state_is_a_validation_error_naming_it()
    {
        var error = Assert.Throws<SlapValidationException>(() => XmlRequestForm.Parse(WireCaptures.BySeq(112).FormFields.ToDictionary(f => f.Key, f => f.Value)));

        Assert.Equal("state", error.Field);
    }

    [Fact]
    public void Non_xml_parameters_are_a_marshal_error()
    {
        var error = Assert.ThrowsAny<SlapException>(() => XmlRequestForm.Parse(WireCaptures.BySeq(113).FormFields.ToDictionary(f => f.Key, f => f.Value)));

        Assert.IsType<SlapMarshalException>(error);
        Assert.Equal(SlapErrorKind.Validation, error.Kind);
    }
}
