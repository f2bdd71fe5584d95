namespace SlapOS.Master.Api.Hateoas;

/// <summary>
/// What a caller may see through HATEOAS: an administrator sees everything; a person (or organisation)
/// sees the trees they requested and the computers they own; a computer sees itself. Anything not
/// visible is answered as if it did not exist.
/// </summary>
internal static class HateoasVisibility
{
    /// <summary>Whether <paramref name="caller"/> sees the tree whose root is <paramref name="root"/>.</summary>
    public static bool SeesTree(SlapIdentity caller, SoftwareInstance root) =>
        caller.IsAdmin
        || (caller.Kind is IdentityKind.Person or IdentityKind.Organisation && root.RequesterReference == caller.Reference);

    /// <summary>Whether <paramref name="caller"/> sees <paramref name="computer"/>.</summary>
    public static bool SeesComputer(SlapIdentity caller, Computer computer) =>
        caller.IsAdmin
        || (caller.Kind == IdentityKind.Computer && caller.Reference == computer.Reference)
        || (caller.Kind is IdentityKind.Person or IdentityKind.Organisation && computer.OwnerReference == caller.Reference);

    /// <summary>The narrowest store query that still holds every root <paramref name="caller"/> may see.</summary>
    public static InstanceQuery? RootQuery(SlapIdentity caller) => caller switch
    {
        { IsAdmin: true } => new InstanceQuery(),
        { Kind: IdentityKind.Person or IdentityKind.Organisation } => new InstanceQuery { RequesterReference = caller.Reference },
        _ => null,
    };
}
