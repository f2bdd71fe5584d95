namespace SlapOS;

/// <summary>Who a certificate identifies.</summary>
public enum IdentityKind
{
    /// <summary>A person (user of the cloud).</summary>
    Person,

    /// <summary>An organisation.</summary>
    Organisation,

    /// <summary>A computer (slave node).</summary>
    Computer,

    /// <summary>A computer partition / software instance.</summary>
    Partition,

    /// <summary>The master itself (its TLS server certificate).</summary>
    Master,
}
