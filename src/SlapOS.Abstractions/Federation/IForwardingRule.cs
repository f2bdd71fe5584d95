namespace SlapOS;

/// <summary>
/// A plug-in point of allocation that runs before the marketplace: a rule may send a new request to an
/// external SlapOS master instead of allocating it here (as slapproxy's multimaster does). Rules run in
/// registration order and the first that names a master wins; the request is then recorded locally and
/// forwarded, and its re-requests follow it there whatever the rules say later.
/// Register with <c>AddForwardingRule&lt;T&gt;()</c>; the built-in rules are <c>master_url</c> (SLA) and
/// <c>software_release_list</c> (option <c>SlapOS:Master:Federation:Masters:&lt;name&gt;:SoftwareReleases</c>).
/// </summary>
public interface IForwardingRule
{
    /// <summary>The rule's name, shown in logs and explanations.</summary>
    string Name { get; }

    /// <summary>
    /// The URL of the external master that must take this request (one configured under
    /// <c>SlapOS:Master:Federation:Masters</c>), or <see langword="null"/> to let the next rule decide.
    /// </summary>
    /// <exception cref="SlapException">The request itself is invalid for this rule (e.g. an unknown master).</exception>
    string? ExternalMasterFor(AllocationContext context);
}
