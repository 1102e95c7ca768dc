using System.CommandLine;
using Steward.Audit;
using Steward.Hosting;
using Steward.Notices;
using Steward.Policy;
using Steward.Security;
using Steward.Storage;

var root = new RootCommand("Steward: privacy operations from a declarative policy.") { Cli.DataDir };
root.Subcommands.Add(ServeCommand.Build());
root.Subcommands.Add(MigrateCommand.Build());
root.Subcommands.Add(AdminCommands.Build());
root.Subcommands.Add(AuditCommands.Build());
root.Subcommands.Add(PolicyCommands.Build());
root.Subcommands.Add(NoticeCommands.Build());
return await Cli.RunAsync(root, args);
