using Steward.Hosting;
using Steward.JobHost;
using Steward.Jobs;

// Configuration comes from STEWARD__ variables, as for 'steward serve'.
await using var app = StewardServer.Create(new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" }, s => s.AddJobHandler<AppendingJob>());
await StewardServer.PrepareAsync(app.Services, CancellationToken.None);
await app.RunAsync();
