namespace SlapOS.Abstractions.Tests;

public class InstanceRequestTests
{
    private static InstanceRequest Valid() => new()
    {
        Title = "my instance",
        SoftwareReleaseUrl = "https://example.com/sr/kvm/software.cfg",
    };

    [Fact]
    public void Defaults_are_the_slapos_defaults()
    {
        var request = Valid();

        Assert.Equal("default", request.SoftwareType);
        Assert.Equal(RequestedState.Started, request.State);
        Assert.Equal("root", request.RequesterReference);
        Assert.False(request.Shared);
        request.Validate();
    }

    [Fact]
    public void A_nul_byte_in_the_title_names_the_title()
    {
        var error = Assert.Throws<SlapValidationException>(() => (Valid() with { Title = "a\0b" }).Validate());
        Assert.Equal("title", error.Field);
    }

    [Fact]
    public void A_software_type_that_would_escape_a_directory_is_rejected()
    {
        var error = Assert.Throws<SlapValidationException>(() => (Valid() with { SoftwareType = "../../etc" }).Validate());
        Assert.Equal("software_type", error.Field);
    }

    [Fact]
    public void An_undefined_state_is_rejected()
    {
        var error = Assert.Throws<SlapValidationException>(() => (Valid() with { State = (RequestedState)42 }).Validate());
        Assert.Equal("state", error.Field);
    }

    [Fact]
    public void An_oversized_sla_is_rejected()
    {
        var sla = new Dictionary<string, string> { ["computer_guid"] = new string('c', 100_000) };
        var error = Assert.Throws<SlapValidationException>(() => (Valid() with { Sla = sla }).Validate());
        Assert.Equal("sla", error.Field);
    }
}
