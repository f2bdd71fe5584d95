using Microsoft.Extensions.Options;

namespace SlapOS.Master.Allocation.Policies;

/// <summary>
/// <c>attributes</c>: every SLA key that is not a special key (region, cpu_architecture, network, any
/// operator key) must equal the computer's attribute of that name. A key no computer carries is an error.
/// </summary>
internal sealed class AttributesPolicy(IOptionsMonitor<AllocationOptions> options) : IAllocationPolicy, IAllocationPreflight
{
    public string Name => "attributes";

    public void Check(AllocationContext context, IReadOnlyList<AllocationCandidate> allComputers)
    {
        foreach (var key in AttributeKeys(context))
        {
            if (!allComputers.Any(c => c.Computer.Attributes.ContainsKey(key)))
            {
                throw new SlapValidationException($"sla.{key}", $"no computer has the attribute '{key}'");
            }
        }
    }

    public IReadOnlyList<AllocationCandidate> Filter(AllocationContext context, IReadOnlyList<AllocationCandidate> candidates)
    {
        var keys = AttributeKeys(context).ToList();
        if (keys.Count == 0)
        {
            return candidates;
        }

        return [.. candidates.Where(c => keys.All(k => c.Computer.Attributes.TryGetValue(k, out var value) && value == context.Request.Sla[k]))];
    }

    private IEnumerable<string> AttributeKeys(AllocationContext context)
    {
        var ignored = options.CurrentValue.NonAttributeSlaKeys;
        return context.Request.Sla.Keys.Where(k => !SlaKeys.IsSpecial(k) && !ignored.Contains(k));
    }
}
