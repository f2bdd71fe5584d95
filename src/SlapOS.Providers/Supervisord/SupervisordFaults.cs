namespace SlapOS.Providers.Supervisord;

/// <summary>The fault codes of supervisord's XML-RPC interface that the provider handles (supervisor/xmlrpc.py).</summary>
internal static class SupervisordFaults
{
    public const int BadName = 10;
    public const int SpawnError = 50;
    public const int AlreadyStarted = 60;
    public const int NotRunning = 70;
    public const int Success = 80;
    public const int AlreadyAdded = 90;
    public const int StillRunning = 91;
    public const int CantReread = 92;
}
