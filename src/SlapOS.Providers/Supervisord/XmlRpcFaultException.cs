namespace SlapOS.Providers.Supervisord;

/// <summary>An XML-RPC fault returned by supervisord (e.g. <c>BAD_NAME</c> 10, <c>ALREADY_ADDED</c> 90).</summary>
internal sealed class XmlRpcFaultException : Exception
{
    public XmlRpcFaultException(int code, string faultString)
        : base($"supervisord fault {code}: {faultString}")
    {
        Code = code;
        FaultString = faultString;
    }

    public XmlRpcFaultException()
    {
        FaultString = string.Empty;
    }

    public XmlRpcFaultException(string message)
        : base(message)
    {
        FaultString = message;
    }

    public XmlRpcFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
        FaultString = message;
    }

    /// <summary>The fault code (supervisor.xmlrpc.Faults).</summary>
    public int Code { get; }

    /// <summary>The fault text.</summary>
    public string FaultString { get; }
}
