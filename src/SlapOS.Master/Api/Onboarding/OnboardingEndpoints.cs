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

    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(ComputerTokenPath, SlapIdentityGate.Wrap(JsonApiPipeline.Create(ComputerTokenPath, ComputerTokenAsync)));
        endpoints.MapPost(PersonTokenPath, SlapIdentityGate.Wrap(JsonApiPipeline.Create(PersonTokenPath, PersonTokenAsync)));
        endpoints.MapPost(ComputerRegisterPath, Outage.StoreOutage.Wrap(JsonApiPipeline.Create(ComputerRegisterPath, ComputerRegisterAsync)));
        endpoints.MapPost(PersonRegisterPath, Outage.StoreOutage.Wrap(JsonApiPipeline.Create(PersonRegisterPath, PersonRegisterAsync)));

        // Public: a newcomer checks the master's TLS certificate against it (and its pinned hash) before sending a token.
        endpoints.MapGet(CaCertificatePath, async context =>
        {
            if (context.RequestServices.GetService<ICertificateAuthority>() is not { } authority)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync("this master has no certificate authority", context.RequestAborted);
                return;
            }

            context.Response.ContentType = "application/x-pem-file";
            await context.Response.WriteAsync(await authority.GetCaCertificatePemAsync(context.RequestAborted), context.RequestAborted);
        });
    }

    private static async Task<object> ComputerTokenAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var reference = JsonDocuments.RequiredString(body, "computer_guid");
        var caller = context.GetSlapIdentity();
        var computer = await context.RequestServices.GetRequiredService<ISlapMaster>().GetComputerAsync(reference, cancellationToken);

        // Only a person: a computer does not enrol itself (it renews with compute_node_certificate).
        if (!(caller.IsAdmin || (caller.Kind == IdentityKind.Person && computer.OwnerReference == caller.Reference)))
        {
            throw new SlapForbiddenException($"{caller.Kind.ToString().ToLowerInvariant()} '{caller.Reference}' may not create an onboarding token for computer '{reference}'");
        }

        return CreateToken(context, body, new SlapIdentity(IdentityKind.Computer, reference));
    }

    private static Task<object> PersonTokenAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var reference = SlapReference.ValidateTitle(JsonDocuments.RequiredString(body, "person_reference"), "person_reference", SlapReference.MaxReferenceLength);
        var caller = context.GetSlapIdentity();
        if (!caller.IsAdmin)
        {
            throw new SlapForbiddenException($"{caller.Kind.ToString().ToLowerInvariant()} '{caller.Reference}' may not create an onboarding token for person '{reference}': only an administrator may");
        }

        var admin = body.TryGetProperty("admin", out var flag) && flag.ValueKind == JsonValueKind.True;
        return Task.FromResult<object>(CreateToken(context, body, new SlapIdentity(IdentityKind.Person, reference, admin)));
    }

    private static Dictionary<string, object?> CreateToken(HttpContext context, JsonElement body, SlapIdentity subject)
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

        var (token, expires) = context.RequestServices.GetRequiredService<OnboardingTokenStore>().Create(subject, lifetime);
        return new Dictionary<string, object?> { ["token"] = token, ["expires"] = expires.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
    }

    private static Task<object> ComputerRegisterAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken) =>
        RegisterAsync(context, IdentityKind.Computer, JsonDocuments.RequiredString(body, "computer_guid"), JsonDocuments.RequiredString(body, "token"), cancellationToken);

    private static Task<object> PersonRegisterAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken) =>
        RegisterAsync(context, IdentityKind.Person, JsonDocuments.RequiredString(body, "person_reference"), JsonDocuments.RequiredString(body, "token"), cancellationToken);

    private static async Task<object> RegisterAsync(HttpContext context, IdentityKind kind, string reference, string token, CancellationToken cancellationToken)
    {
        // The token says who it was issued for (a person's, whether they administer).
        var subject = context.RequestServices.GetRequiredService<OnboardingTokenStore>().Redeem(kind, reference, token);
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
