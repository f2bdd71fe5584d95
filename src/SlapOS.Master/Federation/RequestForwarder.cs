using Microsoft.Extensions.Logging;
using SlapOS.Master.Allocation;

namespace SlapOS.Master.Federation;

/// <summary>
/// Decides whether a new request goes to an external master (the forwarding rules, in order) and sends
/// requests there through the external master's client. The engine records what it answered.
/// </summary>
internal sealed class RequestForwarder(
    IEnumerable<IForwardingRule> rules,
    ExternalMasters masters,
    IMasterStore store,
    ILogger<RequestForwarder> logger)
{
    private readonly IForwardingRule[] _rules = [.. rules];

    /// <summary>The rules in order.</summary>
    public IReadOnlyList<IForwardingRule> Rules => _rules;

    /// <summary>The store's record of forwarded requests.</summary>
    public IForwardedInstanceStore Store => store as IForwardedInstanceStore
        ?? throw new InvalidOperationException($"the master store ({store.GetType().Name}) does not keep forwarded requests: it must implement IForwardedInstanceStore to use {FederationOptions.SectionName}");

    /// <summary>
    /// The URL of the external master that must take a new request, or <see langword="null"/> to allocate it here.
    /// Without configured external masters no rule runs (a rule can only name a configured master).
    /// </summary>
    public string? Route(AllocationContext context)
    {
        if (!masters.Any)
        {
            return null;
        }

        foreach (var rule in _rules)
        {
            if (rule.ExternalMasterFor(context) is not { } url)
            {
                continue;
            }

            var master = masters.Find(url) ?? throw new SlapException(SlapErrorKind.Conflict,
                $"forwarding rule '{rule.Name}' names '{url}', which is not an external master of this master ({FederationOptions.SectionName}:Masters)");
            FederationLog.Routed(logger, context.Request.Title, rule.Name, master.Url);
            return master.Url;
        }

        return null;
    }

    /// <summary>The record of a forwarded instance, or <see langword="null"/> (always, without configured external masters: no lookup).</summary>
    public Task<ForwardedInstance?> FindAsync(string instanceReference, CancellationToken cancellationToken) =>
        masters.Any ? Store.GetForwardedInstanceAsync(instanceReference, cancellationToken) : Task.FromResult<ForwardedInstance?>(null);

    /// <summary>
    /// The title a request has on the external master, where every request of this master has one requester
    /// (this master's identity there): a root request keeps its title; another requester's is made unique by its reference.
    /// </summary>
    public static string ExternalTitleOf(InstanceRequest request) =>
        request.RequesterReference == InstanceRequest.RootRequester ? request.Title : $"{request.Title} ({request.RequesterReference})";

    /// <summary>
    /// Requests <paramref name="request"/> from the external master as <paramref name="externalTitle"/> (idempotent
    /// there, by title) and returns what it answered. The SLA's <c>master_url</c> stays here: it named the master.
    /// </summary>
    /// <exception cref="ExternalMasterUnavailableException">The master cannot be reached now.</exception>
    /// <exception cref="SlapException">The master refused the request; the message says which master and why.</exception>
    public async Task<SoftwareInstance> SendAsync(string masterUrl, string externalTitle, InstanceRequest request, CancellationToken cancellationToken)
    {
        var client = masters.ClientFor(masterUrl);
        var forwarded = request with
        {
            Title = externalTitle,
            RequesterReference = InstanceRequest.RootRequester,
            Sla = request.Sla.Where(p => p.Key != SlaKeys.MasterUrl).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        };
        try
        {
            var answer = await client.RequestInstanceAsync(forwarded, cancellationToken).ConfigureAwait(false);
            masters.Answered(masterUrl);
            FederationLog.Forwarded(logger, request.Title, masterUrl, answer.Reference, request.State);
            return answer;
        }
        catch (MasterUnreachableException e)
        {
            masters.Failed(masterUrl, e.Message);
            FederationLog.Unreachable(logger, masterUrl, request.Title, e);
            throw new ExternalMasterUnavailableException(masterUrl, masters.RetryAfter,
                $"The external master {masterUrl} cannot be reached now ({e.Message}); '{request.Title}' is not ready yet. Retry later: the request is idempotent.", e);
        }
        catch (SlapException e)
        {
            masters.Answered(masterUrl);
            throw new SlapException(e.Kind, $"the external master {masterUrl} answered: {e.Message}", e);
        }
    }
}
