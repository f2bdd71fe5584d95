namespace SlapOS.Master.Api.Hateoas;

/// <summary>What a HATEOAS search lists, named by the query's <c>portal_type</c>.</summary>
internal enum HateoasSearchKind
{
    /// <summary><c>Instance Tree</c> (or the older <c>Hosting Subscription</c>): the caller's trees, by their root.</summary>
    InstanceTrees,

    /// <summary><c>Compute Node</c> (or the older <c>Computer</c>): the computers the caller may see.</summary>
    Computers,

    /// <summary><c>Software Instance</c> and <c>Slave Instance</c>: the instances of the caller's trees.</summary>
    Instances,
}
