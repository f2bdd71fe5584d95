namespace SlapOS.Slave.Agent;

/// <summary>The exit code of a node run, as slapgrid's.</summary>
public enum NodeExitCode
{
    /// <summary>Everything converged.</summary>
    Ok = 0,

    /// <summary>At least one partition or release failed, or the run could not start (lock held).</summary>
    Failure = 1,

    /// <summary>Everything deployed but at least one promise failed.</summary>
    PromiseFailure = 2,

    /// <summary>The master could not be reached; running services were left alone.</summary>
    Offline = 3,
}
