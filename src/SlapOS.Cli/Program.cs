using System.CommandLine;

var root = new RootCommand("slapos: the SlapOS for .NET command-line tool");
return await root.Parse(args).InvokeAsync();
