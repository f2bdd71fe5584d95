using SlapOS.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await SlapCli.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
