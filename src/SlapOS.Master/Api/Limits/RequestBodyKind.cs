namespace SlapOS.Master.Api.Limits;

/// <summary>Which limit of <see cref="SlapOSMasterLimitsOptions"/> a request body falls under.</summary>
internal enum RequestBodyKind
{
    Json,
    XmlForm,
    PortalForm,
}
