namespace SlapOS.Master.Allocation;

/// <summary>The SLA keys with a meaning of their own (every other key must match a computer attribute).</summary>
public static class SlaKeys
{
    /// <summary>The computer the requester names.</summary>
    public const string ComputerGuid = "computer_guid";

    /// <summary>For a shared instance: the instance that must host it.</summary>
    public const string InstanceGuid = "instance_guid";

    /// <summary>The highest price per partition-hour the requester accepts.</summary>
    public const string MaxPrice = "max_price";

    /// <summary>The external master that must take the request (federation, as slapproxy's multimaster).</summary>
    public const string MasterUrl = "master_url";

    /// <summary>What slapproxy adds to a request it forwards here: the requester's title on the forwarding master.</summary>
    public const string SourceInstanceId = "source_instance_id";

    internal static bool IsSpecial(string key) => key is ComputerGuid or InstanceGuid or MaxPrice or MasterUrl or SourceInstanceId;
}
