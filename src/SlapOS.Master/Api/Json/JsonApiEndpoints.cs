using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Api.Json;

/// <summary>The JSON API v0 (<c>POST /slapos.&lt;verb&gt;.v0.&lt;object&gt;</c>), with SlapOS's paths, fields and answers.</summary>
internal static class JsonApiEndpoints
{
    public static readonly IReadOnlyDictionary<string, JsonApiHandler> Handlers = new Dictionary<string, JsonApiHandler>(StringComparer.Ordinal)
    {
        ["/slapos.get.v0.hateoas_url"] = HateoasUrlAsync,
        ["/slapos.post.v0.software_instance"] = InstanceEndpoints.RequestAsync,
        ["/slapos.get.v0.software_instance"] = InstanceEndpoints.GetAsync,
        [InstanceStatusEndpoint.Path] = InstanceStatusEndpoint.GetAsync,
        ["/slapos.get.v0.instance_tree"] = InstanceEndpoints.GetTreeAsync,
        ["/slapos.allDocs.v0.instance_tree_list"] = InstanceEndpoints.ListTreesAsync,
        ["/slapos.allDocs.v0.instance_node_instance_list"] = InstanceEndpoints.ListHostedAsync,
        ["/slapos.put.v0.software_instance_title"] = InstanceEndpoints.RenameAsync,
        ["/slapos.put.v0.software_instance_connection_parameter"] = InstanceEndpoints.PublishConnectionParametersAsync,
        ["/slapos.put.v0.software_instance_error"] = InstanceEndpoints.ReportErrorAsync,
        ["/slapos.put.v0.software_instance_bang"] = InstanceEndpoints.BangAsync,
        ["/slapos.put.v0.software_instance_reported_state"] = InstanceEndpoints.ReportStateAsync,
        ["/slapos.get.v0.software_instance_certificate"] = InstanceEndpoints.CertificateAsync,
        ["/slapos.remove.v0.software_instance_certificate"] = InstanceEndpoints.RemoveCertificateAsync,
        ["/slapos.remove.v0.person_certificate"] = CertificateEndpoints.RevokePersonAsync,
        ["/slapos.remove.v0.certificate"] = CertificateEndpoints.RevokeSerialAsync,
        ["/slapos.allDocs.v0.certificate_list"] = CertificateEndpoints.ListAsync,
        ["/slapos.post.v0.software_installation"] = ComputeNodeEndpoints.SupplyAsync,
        ["/slapos.put.v0.software_installation_reported_state"] = ComputeNodeEndpoints.ReportSoftwareStateAsync,
        ["/slapos.put.v0.software_installation_error"] = ComputeNodeEndpoints.ReportSoftwareErrorAsync,
        ["/slapos.allDocs.v0.compute_node_software_installation_list"] = ComputeNodeEndpoints.ListSoftwareInstallationsAsync,
        ["/slapos.allDocs.v0.compute_node_instance_list"] = ComputeNodeEndpoints.ListInstancesAsync,
        ["/slapos.get.v0.compute_node_status"] = ComputeNodeEndpoints.GetStatusAsync,
        ["/slapos.get.v0.compute_partition"] = ComputeNodeEndpoints.GetPartitionAsync,
        ["/slapos.put.v0.compute_node_format"] = ComputeNodeEndpoints.FormatAsync,
        ["/slapos.put.v0.compute_node_bang"] = ComputeNodeEndpoints.BangAsync,
        ["/slapos.post.v0.compute_node_usage"] = ComputeNodeEndpoints.ReportUsageAsync,
        ["/slapos.post.v0.compute_node_certificate"] = ComputeNodeEndpoints.CertificateAsync,
        ["/slapos.remove.v0.compute_node_certificate"] = ComputeNodeEndpoints.RemoveCertificateAsync,
        ["/slapos.allDocs.WIP.compute_node_list"] = ComputeNodeEndpoints.ListComputersAsync,
        ["/slapos.wait.v0.compute_node_change"] = ComputeNodeEndpoints.WaitForChangeAsync,
    };

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        foreach (var (path, handler) in Handlers)
        {
            endpoints.MapPost(path, SlapIdentityGate.Wrap(JsonApiPipeline.Create(path, Compatibility.SlapproxyJsonAnswers.Wrap(path, handler))))
                .WithDisplayName($"SlapOS JSON {path}");
        }

        endpoints.MapGet(JsonApiOpenApiDocument.Path, context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonApiOpenApiDocument.Json, context.RequestAborted);
        });
    }

    private static Task<object> HateoasUrlAsync(HttpContext context, System.Text.Json.JsonElement body, CancellationToken cancellationToken)
    {
        object document = new Dictionary<string, object?> { ["hateoas_url"] = Hateoas.HateoasEndpoints.RootUrl(context.Request) };
        return Task.FromResult(document);
    }
}
