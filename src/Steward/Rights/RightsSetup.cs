using System.Threading.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steward.Jobs;
using Steward.People;
using Steward.Storage;

namespace Steward.Rights;

/// <summary>Registers rights requests: intake, deadlines, the timeline, and the rate limit of the public intake.</summary>
internal static class RightsSetup
{
    public const string IntakeRateLimit = "rights-intake";
    /// <summary>Codes and documents per client address: more than submissions (a person may mistype), few enough to stop guessing.</summary>
    public const string VerificationRateLimit = "rights-verification";
    public const int VerificationStepsPerHour = 60;

    public static IServiceCollection AddStewardRights(this IServiceCollection services)
    {
        services.AddOptions<RightsOptions>().BindConfiguration(RightsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RightsOptions>, RightsOptionsValidator>();
        services.AddSingleton<RightsRequests>();
        services.AddSingleton<RequestPackages>();
        services.AddSingleton<RightsMail>();
        services.AddSingleton<RightsVerification>();
        services.AddJobHandler<RightsMailHandler>();
        services.AddSingleton<ISubjectMergeStep, RightsMergeStep>();
        services.AddSingleton<ErasureCheck>();
        services.AddSingleton<DataFulfilment>();
        services.AddSingleton<IRequestProgress>(sp => sp.GetRequiredService<DataFulfilment>());
        services.AddJobHandler<RightsFulfilment>();
        services.AddSingleton<ShredAfterErasure>();
        services.AddJobHandler<ShredAfterErasure>();
        services.AddSingleton<Security.Keys.IKeyVersionUser, RecordTextsOnKeyVersions>();
        services.AddRecurringJob<RightsRecordsPurge>(TimeSpan.FromDays(1));
        services.AddRateLimiter(o => o.AddPolicy(IntakeRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
            ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = ctx.RequestServices.GetRequiredService<IOptions<RightsOptions>>().Value.SubmissionsPerHour,
                Window = TimeSpan.FromHours(1),
            })));
        services.AddRateLimiter(o => o.AddPolicy(VerificationRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
            ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = VerificationStepsPerHour, Window = TimeSpan.FromHours(1) })));
        return services;
    }
}

/// <summary>On a merge, the visitor's requests move to the account's subject, their sealed details and texts sealed again for it.</summary>
internal sealed class RightsMergeStep : ISubjectMergeStep
{
    public async Task MoveAsync(StewardDbContext db, SubjectMerge merge, CancellationToken ct)
    {
        var requests = await db.Set<RightsRequest>().Where(r => r.SubjectId == merge.From).ToListAsync(ct);
        foreach (var r in requests)
        {
            var details = RequestDetails.Open(merge.FromKey, r);
            var events = await db.Set<RightsRequestEvent>().Where(e => e.RequestId == r.Id && e.Text != null).ToListAsync(ct);
            foreach (var e in events)
                e.Text = RightsRequestEvent.SealText(merge.IntoKey, merge.Into, r.Id, RightsRequestEvent.OpenText(merge.FromKey, merge.From, r.Id, e.Text!));
            r.SubjectId = merge.Into;
            r.Details = details.Seal(merge.IntoKey, r.Id, merge.Into);
        }
    }
}
