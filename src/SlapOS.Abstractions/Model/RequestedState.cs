namespace SlapOS;

/// <summary>The state a requester wants for a software instance.</summary>
public enum RequestedState
{
    /// <summary>The instance's services run (<c>started</c>).</summary>
    Started,

    /// <summary>The instance is deployed but its services are stopped (<c>stopped</c>).</summary>
    Stopped,

    /// <summary>The instance is removed and its partition freed (<c>destroyed</c>).</summary>
    Destroyed,
}
