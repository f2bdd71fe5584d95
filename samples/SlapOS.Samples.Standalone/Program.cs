using SlapOS.Samples.Standalone;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var demo = new StandaloneDemo(Console.Out) { Keep = args.Contains("--keep") };
return await demo.RunAsync(cancellation.Token);
