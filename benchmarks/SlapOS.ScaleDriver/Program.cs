using SlapOS.ScaleDriver;

// Usage: SlapOS.ScaleDriver allocation [--postgres <connection string>] [--clients 1,4,16] [--computers 100] [--partitions 100]
if (args.Length == 0 || args[0] != "allocation")
{
    Console.Error.WriteLine("usage: SlapOS.ScaleDriver allocation [--postgres <connection string>] [--clients 1,4,16] [--computers 100] [--partitions 100]");
    return 2;
}

return await AllocationScenario.RunAsync(args[1..]);
