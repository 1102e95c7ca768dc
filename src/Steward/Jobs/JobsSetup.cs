using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Steward.Jobs;

/// <summary>Registers the job queue and the worker; features add their handlers and schedules.</summary>
internal static class JobsSetup
{
    public static IServiceCollection AddStewardJobs(this IServiceCollection services)
    {
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobOptions>, JobOptionsValidator>();
        services.AddSingleton<BackgroundJobs>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<RecurringJobs>();
        services.AddSingleton<JobWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<JobWorker>());
        services.AddRecurringJob<FinishedJobsPurge>(TimeSpan.FromDays(1));
        return services;
    }

    /// <summary>Registers a handler for its kind; the feature that owns the work calls this. Handlers must be idempotent (see <see cref="IJobHandler"/>).</summary>
    public static IServiceCollection AddJobHandler<T>(this IServiceCollection services) where T : class, IJobHandler
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, T>());
        return services;
    }

    /// <summary>Runs <typeparamref name="T"/>'s kind every <paramref name="interval"/> (one occurrence per interval across all nodes).</summary>
    public static IServiceCollection AddRecurringJob<T>(this IServiceCollection services, TimeSpan interval) where T : class, IJobHandler
    {
        if (interval < TimeSpan.FromSeconds(1)) throw new ArgumentOutOfRangeException(nameof(interval), "A recurring job runs at most once a second.");
        services.AddJobHandler<T>();
        services.AddSingleton(new RecurringJob(typeof(T), interval));
        return services;
    }

    /// <summary>As above, with the interval read from a setting (validated at start by the feature's options).</summary>
    public static IServiceCollection AddRecurringJob<T>(this IServiceCollection services, Func<IServiceProvider, TimeSpan> interval) where T : class, IJobHandler
    {
        services.AddJobHandler<T>();
        services.AddSingleton(sp => new RecurringJob(typeof(T), interval(sp)));
        return services;
    }
}
