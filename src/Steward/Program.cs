using Steward.Hosting;

return await Cli.RunAsync(Cli.BuildRoot(), args);
