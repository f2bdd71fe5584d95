namespace SlapOS.Master.Api.Security;

/// <summary>
/// Who may do what, decided from the caller's identity alone: an administrator does everything; a
/// computer reads and reports only for itself and its partitions; a partition acts only on its own
/// instance (and requests its own children); a person acts on the trees they requested and on the
/// computers they own. A refusal is a <see cref="SlapForbiddenException"/> saying what was refused.
/// </summary>
internal static class SlapAuthorization
{
    /// <summary>The requester a new request is made as: a partition requests children of its instance, a person requests for themself.</summary>
    public static string RequesterOf(SlapIdentity caller) => caller switch
    {
        { IsAdmin: true } => InstanceRequest.RootRequester,
        { Kind: IdentityKind.Partition } => caller.Reference,
        { Kind: IdentityKind.Person or IdentityKind.Organisation } => caller.Reference,
        _ => throw new SlapForbiddenException($"a {caller.Kind.ToString().ToLowerInvariant()} may not request instances"),
    };

    /// <summary>A computer's own node, its owner, or an administrator.</summary>
    public static void DemandComputer(SlapIdentity caller, string computerReference, Computer? computer = null)
    {
        if (MayActOnComputer(caller, computerReference, computer))
        {
            return;
        }

        throw new SlapForbiddenException($"{Describe(caller)} may not act on computer '{computerReference}'");
    }

    /// <summary>The instance itself, the node that runs it, the owner of its tree, or an administrator.</summary>
    public static void DemandInstance(SlapIdentity caller, SoftwareInstance instance, string treeOwner)
    {
        if (MayActOnInstance(caller, instance, treeOwner))
        {
            return;
        }

        throw new SlapForbiddenException($"{Describe(caller)} may not act on instance '{instance.Title}'");
    }

    /// <summary>Whether <see cref="DemandComputer"/> lets the caller through (the portal filters lists with it).</summary>
    public static bool MayActOnComputer(SlapIdentity caller, string computerReference, Computer? computer = null) =>
        caller.IsAdmin
        || (caller.Kind == IdentityKind.Computer && caller.Reference == computerReference)
        || (caller.Kind == IdentityKind.Person && computer?.OwnerReference == caller.Reference);

    /// <summary>Whether <see cref="DemandInstance"/> lets the caller through (the portal filters lists with it).</summary>
    public static bool MayActOnInstance(SlapIdentity caller, SoftwareInstance instance, string treeOwner) =>
        caller.IsAdmin
        || (caller.Kind == IdentityKind.Partition && caller.Reference == instance.Reference)
        || (caller.Kind == IdentityKind.Computer && caller.Reference == instance.ComputerReference)
        || (caller.Kind is IdentityKind.Person or IdentityKind.Organisation && caller.Reference == treeOwner);

    /// <summary>
    /// What only the instance's own side does — publish connection parameters, report its state or error,
    /// obtain its key: the instance itself, the node that runs it, or an administrator; not the tree's owner.
    /// </summary>
    public static void DemandInstanceSide(SlapIdentity caller, SoftwareInstance instance, string what)
    {
        if (caller.IsAdmin
            || (caller.Kind == IdentityKind.Partition && caller.Reference == instance.Reference)
            || (caller.Kind == IdentityKind.Computer && instance.ComputerReference is not null && caller.Reference == instance.ComputerReference))
        {
            return;
        }

        throw new SlapForbiddenException($"{Describe(caller)} may not {what} of instance '{instance.Title}': only the instance or its node may");
    }

    private static string Describe(SlapIdentity caller) => $"{caller.Kind.ToString().ToLowerInvariant()} '{caller.Reference}'";
}
