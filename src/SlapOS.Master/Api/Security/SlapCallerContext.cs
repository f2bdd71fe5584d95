using Microsoft.AspNetCore.Http;

namespace SlapOS.Master.Api.Security;

/// <summary>Where the caller's authenticated <see cref="SlapIdentity"/> is kept for the request.</summary>
public static class SlapCallerContext
{
    private static readonly object Key = new();

    /// <summary>The caller's identity, set by the master's authentication middleware.</summary>
    /// <exception cref="InvalidOperationException">The request did not pass through the middleware.</exception>
    public static SlapIdentity GetSlapIdentity(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(Key, out var value) && value is SlapIdentity identity
            ? identity
            : throw new InvalidOperationException("No SlapOS identity: map the API with MapSlapOSMaster().");
    }

    internal static void SetSlapIdentity(this HttpContext context, SlapIdentity identity) => context.Items[Key] = identity;
}
