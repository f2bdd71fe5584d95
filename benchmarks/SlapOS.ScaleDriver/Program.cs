using SlapOS.ScaleDriver;

// One named scenario per run; every scenario is bounded in count and time and talks to loopback only.
const string Usage = """
    usage: SlapOS.ScaleDriver <scenario> [options]
      allocation         in-process allocation [--postgres <cs>] [--clients 1,4,16] [--computers 100] [--partitions 100]
      allocation-http    JSON and XML requests over HTTP [--postgres <cs>] [--api json,xml] [--clients 1,4,16] [--computers 100] [--partitions 100]
      computer-document  getFullComputerInformation and its JSON equivalent [--sizes 100,1000] [--iterations 30]
      node-polls         simulated computers polling once a minute [--computers 1000,10000] [--seconds 60] [--wakeups 10]
      contention         two master processes on one PostgreSQL --postgres <cs> [--clients 16] [--computers 20] [--partitions 100]
      usage              usage documents into the store [--computers 1000] [--partitions 100] [--clients 4] [--api json,xml]
      node-converge      one node with native providers [--partitions 100] [--parallelism 1] [--release <software.cfg>]
      binary-cache       build vs install from the binary cache [--sources 40] [--payload-mib 32] [--runs 3]
      request-paths      JSON v0 requests pinned to computers of different sizes [--layouts 10x100,1x100,1x1000] [--requests 1000] [--postgres <cs>]
      wake-up            a node long-polling master A, its instance changed through master B --postgres <cs> [--changes 200]
      failover           N masters on a PostgreSQL primary + sync standby it starts; kills a master, then the primary, promotes the standby
                         [--masters 3] [--clients 16] [--requests 6000] [--primary-port 55485] [--standby-port 55495] [--http-port 47520]
    """;

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var options = new Options(args[1..]);
return args[0] switch
{
    "allocation" => await AllocationScenario.RunAsync(args[1..]),
    "allocation-http" => await AllocationHttpScenario.RunAsync(options),
    "computer-document" => await ComputerDocumentScenario.RunAsync(options),
    "node-polls" => await NodePollsScenario.RunAsync(options),
    "contention" => await ContentionScenario.RunAsync(options),
    "node-converge" => await NodeConvergeScenario.RunAsync(options),
    "usage" => await UsageScenario.RunAsync(options),
    "request-paths" => await RequestPathsScenario.RunAsync(options),
    "wake-up" => await WakeUpScenario.RunAsync(options),
    "serve" => await MasterServer.RunAsync(options),
    "binary-cache" => await BinaryCacheScenario.RunAsync(options),
    "failover" => await FailoverScenario.RunAsync(options),
    _ => Fail(),
};

static int Fail()
{
    Console.Error.WriteLine(Usage);
    return 2;
}
