using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Api.Json;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Api.Onboarding;

/// <summary>
/// Onboarding: an administrator (or a computer's owner) creates a one-time token; the new node or
/// person exchanges it for its key, certificate and the CA certificate. The exchange needs no client
/// certificate (the caller has none yet): the token is the credential.
/// </summary>
internal static class OnboardingEndpoints
{
    public const string ComputerTokenPath = "/slapos.post.v0.compute_node_token";
    public const string ComputerRegisterPath = "/slapos.post.v0.compute_node_register";
    public const string PersonTokenPath = "/slapos.post.v0.person_token";
    public const string PersonRegisterPath = "/slapos.post.v0.person_register";
    public const string CaCertificatePath = "/slapos.get.v0.ca_certificate";

    /// <summary>The CA's revocation list (DER, <c>application/pkix-crl</c>), public like the CA certificate.</summary>
    public const string RevocationListPath = "/ca/crl";

    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(ComputerTokenPath, SlapIdentityGate.Wrap(JsonApiPipeline.Create(ComputerTokenPath, ComputerTokenAsync)));
        endpoints.MapPost(PersonTokenPath, SlapIdentityGate.Wrap(JsonApiPipeline.Create(PersonTokenPath, PersonTokenAsync)));
        endpoints.MapPost(ComputerRegisterPath, Outage.StoreOutage.Wrap(JsonApiPipeline.Create(ComputerRegisterPath, ComputerRegisterAsync)));
        endpoints.MapPost(PersonRegisterPath, Outage.StoreOutage.Wrap(JsonApiPipeline.Create(PersonRegisterPath, PersonRegisterAsync)));

        // Public: a newcomer checks the master's TLS certificate against it (and its pinned hash) before sending a token.
        endpoints.MapGet(CaCertificatePath, Outage.StoreOutage.Wrap(async context =>
        {
            if (context.RequestServices.GetService<ICertificateAuthority>() is not { } authority)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync("this master has no certificate authority", context.RequestAborted);
                return;
            }

            context.Response.ContentType = "application/x-pem-file";
            await context.Response.WriteAsync(await authority.GetCaCertificatePemAsync(context.RequestAborted), context.RequestAborted);
        }));

        // Public and signed: anyone may fetch it, nobody can forge it. Re-signed when older than the revocation refresh
        // interval, so it lists a revocation made on any master within that bound; clients fetch it again by nextUpdate.
        endpoints.MapGet(RevocationListPath, Outage.StoreOutage.Wrap(async context =>
        {
            if (context.RequestServices.GetService<ICertificateAuthority>() is not { } authority)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync("this master has no certificate authority", context.RequestAborted);
                return;
            }

            var crl = await authority.GetRevocationListAsync(context.RequestAborted);
            context.Response.ContentType = "application/pkix-crl";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.Body.WriteAsync(crl, context.RequestAborted);
        }));
    }

    private static async Task<object> ComputerTokenAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var reference = JsonDocuments.RequiredString(body, "computer_guid");
        var caller = context.GetSlapIdentity();
        var master = context.RequestServices.GetRequiredService<ISlapMaster>();
        if (caller.IsAdmin)
        {
            // An administrator enrols a new computer: it exists from its token on, and its node formats it after registering.
            await RegisterIfNewAsync(master, reference, cancellationToken);
            return await CreateTokenAsync(context, body, new SlapIdentity(IdentityKind.Computer, reference), cancellationToken);
        }

        var computer = await master.GetComputerAsync(reference, cancellationToken);

        // Only a person: a computer does not enrol itself (it renews with compute_node_certificate).
        if (!(caller.Kind == IdentityKind.Person && computer.OwnerReference == caller.Reference))
        {
            throw new SlapForbiddenException($"{caller.Kind.ToString().ToLowerInvariant()} '{caller.Reference}' may not create an onboarding token for computer '{reference}'");
        }

        return await CreateTokenAsync(context, body, new SlapIdentity(IdentityKind.Computer, reference), cancellationToken);
    }

    private static async Task RegisterIfNewAsync(ISlapMaster master, string reference, CancellationToken cancellationToken)
    {
        try
        {
            await master.GetComputerAsync(reference, cancellationToken);
        }
        catch (SlapNotFoundException)
        {
            await master.RegisterComputerAsync(new Computer { Reference = reference }, cancellationToken);
        }
    }

    private static async Task<object> PersonTokenAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var reference = SlapReference.ValidateTitle(JsonDocuments.RequiredString(body, "person_reference"), "person_reference", SlapReference.MaxReferenceLength);
        var caller = context.GetSlapIdentity();
        if (!caller.IsAdmin)
        {
            throw new SlapForbiddenException($"{caller.Kind.ToString().ToLowerInvariant()} '{caller.Reference}' may not create an onboarding token for person '{reference}': only an administrator may");
        }

        var admin = body.TryGetProperty("admin", out var flag) && flag.ValueKind == JsonValueKind.True;
        return await CreateTokenAsync(context, body, new SlapIdentity(IdentityKind.Person, reference, admin), cancellationToken);
    }

    private static async Task<object> CreateTokenAsync(HttpContext context, JsonElement body, SlapIdentity subject, CancellationToken cancellationToken)
    {
        if (context.RequestServices.GetService<ICertificateAuthority>() is null)
        {
            throw new SlapException(SlapErrorKind.Conflict, "this master has no certificate authority: onboarding tokens need one");
        }

        var lifetime = DefaultLifetime;
        if (body.TryGetProperty("ttl_seconds", out var ttl) && ttl.ValueKind == JsonValueKind.Number)
        {
            var seconds = ttl.GetDouble();
            if (seconds <= 0 || seconds > OnboardingTokenStore.MaxLifetime.TotalSeconds)
            {
                throw new SlapValidationException("ttl_seconds", $"must be between 1 and {OnboardingTokenStore.MaxLifetime.TotalSeconds}");
            }

            lifetime = TimeSpan.FromSeconds(seconds);
        }

        var (token, expires) = await context.RequestServices.GetRequiredService<OnboardingTokenStore>().CreateAsync(subject, lifetime, cancellationToken);
        return new Dictionary<string, object?> { ["token"] = token, ["expires"] = expires.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
    }

    private static Task<object> ComputerRegisterAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken) =>
        RegisterAsync(context, IdentityKind.Computer, JsonDocuments.RequiredString(body, "computer_guid"), JsonDocuments.RequiredString(body, "token"), cancellationToken);

    private static Task<object> PersonRegisterAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken) =>
        RegisterAsync(context, IdentityKind.Person, JsonDocuments.RequiredString(body, "person_reference"), JsonDocuments.RequiredString(body, "token"), cancellationToken);

    private static async Task<object> RegisterAsync(HttpContext context, IdentityKind kind, string reference, string token, CancellationToken cancellationToken)
    {
        // The token says who it was issued for (a person's, whether they administer).
        var subject = await context.RequestServices.GetRequiredService<OnboardingTokenStore>().RedeemAsync(kind, reference, token, cancellationToken);
        return await IssueAsync(context, subject, cancellationToken);
    }

    private static async Task<object> IssueAsync(HttpContext context, SlapIdentity subject, CancellationToken cancellationToken)
    {
        var authority = context.RequestServices.GetService<ICertificateAuthority>()
            ?? throw new SlapException(SlapErrorKind.Conflict, "this master has no certificate authority");
        var issued = await authority.IssueAsync(subject, cancellationToken);
        return new Dictionary<string, object?>
        {
            ["reference"] = subject.Reference,
            ["key"] = issued.PrivateKeyPem,
            ["certificate"] = issued.CertificatePem,
            ["ca_certificate"] = await authority.GetCaCertificatePemAsync(cancellationToken),
            ["not_after"] = issued.NotAfter.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
