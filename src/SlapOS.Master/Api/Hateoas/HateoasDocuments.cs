using SlapOS.Master.Api.Security;
using SlapOS.Wire;

namespace SlapOS.Master.Api.Hateoas;

/// <summary>
/// The documents <c>traverse</c> leads to, shaped as the ERP5 forms the CLI reads
/// (<c>_embedded._view.my_*</c> fields and <c>_links.type.name</c>): an instance tree's root or a
/// shared instance for <c>slapos service info</c>, a computer for <c>slapos computer info</c>.
/// A document the caller may not see is answered as missing (<see langword="null"/>).
/// </summary>
internal static class HateoasDocuments
{
    public static async Task<object?> InstanceAsync(ISlapMaster master, SlapIdentity caller, string id, bool shared, CancellationToken cancellationToken, IServiceProvider? services = null)
    {
        var instance = await FindInstanceAsync(master, caller, id, cancellationToken);
        if (instance is null || instance.Shared != shared || !await MaySeeAsync(master, caller, instance, cancellationToken))
        {
            return null;
        }

        var view = new Dictionary<string, object?>
        {
            ["form_id"] = Field("InstanceTree_viewAsHateoas", "form_id"),
            ["my_connection_parameter_list"] = Field(HateoasCatalog.ConnectionXml(instance), "field_my_connection_parameter_list"),
            ["my_reference"] = Field(instance.Title, "field_my_reference"),
            ["my_root_slave"] = Field(instance.Shared ? 1 : 0, "field_my_root_slave", "IntegerField"),
            // A shared instance has no partition of its own: SlapOS shows it as "unused".
            ["my_slap_state"] = Field(instance.Shared ? "unused" : instance.RequestedState.ToWire(), "field_my_slap_state"),
            ["my_source_reference"] = Field(instance.SoftwareType, "field_my_source_reference"),
            ["my_text_content"] = Field(InstanceParameterXml.Write(instance.Parameters), "field_my_text_content"),
            ["my_url_string"] = Field(instance.SoftwareReleaseUrl, "field_my_url_string"),
        };

        // Federation: a forwarded instance says which master runs it (a field SlapOS does not have, only then).
        if (services is not null && await Federation.ForwardedInstances.FindAsync(services, instance, cancellationToken) is { } forwarded)
        {
            view["my_master_url"] = Field(forwarded.MasterUrl, "field_my_master_url");
            view["my_external_reference"] = Field(forwarded.ExternalReference, "field_my_external_reference");
        }

        return Document(view, "Instance Tree");
    }

    public static async Task<object?> ComputerAsync(ISlapMaster master, SlapIdentity caller, string reference, CancellationToken cancellationToken)
    {
        Computer computer;
        try
        {
            computer = await master.GetComputerAsync(reference, cancellationToken);
        }
        catch (SlapException e) when (e.Kind is SlapErrorKind.NotFound or SlapErrorKind.Validation)
        {
            return null;
        }

        if (!HateoasVisibility.SeesComputer(caller, computer))
        {
            return null;
        }

        var view = new Dictionary<string, object?>
        {
            ["form_id"] = Field(computer.Reference, "computer"),
            ["my_reference"] = Field(computer.Reference, "reference"),
            ["my_title"] = Field(computer.Title ?? computer.Reference, "reference"),
        };
        return Document(view, "Computer");
    }

    /// <summary>By reference first; a root's title (the address slapproxy uses) is accepted when it names exactly one visible tree.</summary>
    private static async Task<SoftwareInstance?> FindInstanceAsync(ISlapMaster master, SlapIdentity caller, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await master.GetInstanceAsync(id, cancellationToken);
        }
        catch (SlapException e) when (e.Kind is SlapErrorKind.NotFound or SlapErrorKind.Validation)
        {
            var roots = await HateoasCatalog.VisibleRootsAsync(master, caller, id, cancellationToken);
            return roots.Count == 1 ? roots[0] : null;
        }
    }

    private static async Task<bool> MaySeeAsync(ISlapMaster master, SlapIdentity caller, SoftwareInstance instance, CancellationToken cancellationToken)
    {
        string owner;
        try
        {
            owner = instance.IsRoot ? instance.RequesterReference : (await master.GetInstanceAsync(instance.RootReference, cancellationToken)).RequesterReference;
        }
        catch (SlapNotFoundException)
        {
            return false;
        }

        try
        {
            SlapAuthorization.DemandInstance(caller, instance, owner);
            return true;
        }
        catch (SlapForbiddenException)
        {
            return false;
        }
    }

    private static Dictionary<string, object?> Field(object? value, string key, string type = "StringField") => new()
    {
        ["default"] = value,
        ["key"] = key,
        ["type"] = type,
    };

    private static Dictionary<string, object?> Document(Dictionary<string, object?> view, string typeName) => new()
    {
        ["_embedded"] = new Dictionary<string, object?> { ["_view"] = view },
        ["_links"] = new Dictionary<string, object?> { ["type"] = new Dictionary<string, object?> { ["name"] = typeName } },
    };
}
