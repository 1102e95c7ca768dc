using System.Diagnostics.Metrics;

namespace Steward.Hosting.Telemetry;

/// <summary>
/// Steward's own instruments, on the meter <c>Steward</c> (exported at <c>/metrics</c> and over OTLP).
/// Features record with one call (<c>StewardMetrics.AuditAppends.Add(n)</c>); values carry no personal data.
/// </summary>
internal static class StewardMetrics
{
    public const string MeterName = "Steward";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Audit entries written (a transaction that rolls back afterwards still counted its entries).</summary>
    public static readonly Counter<long> AuditAppends = Meter.CreateCounter<long>("steward.audit.appends", "{entry}", "Audit entries appended to the log.");

    /// <summary>Background tasks a node claimed, finished, or that failed an attempt.</summary>
    public static readonly Counter<long> JobsClaimed = Meter.CreateCounter<long>("steward.jobs.claimed", "{job}", "Background tasks claimed by this node.");
    public static readonly Counter<long> JobsSucceeded = Meter.CreateCounter<long>("steward.jobs.succeeded", "{job}", "Background tasks finished.");
    public static readonly Counter<long> JobsFailed = Meter.CreateCounter<long>("steward.jobs.failed", "{job}", "Background task attempts that failed.");

    /// <summary>Reads of the policy in force answered from memory, or from the database.</summary>
    public static readonly Counter<long> PolicyCacheHits = Meter.CreateCounter<long>("steward.policy.cache.hits", "{read}", "Policy reads answered from memory.");
    public static readonly Counter<long> PolicyCacheMisses = Meter.CreateCounter<long>("steward.policy.cache.misses", "{read}", "Policy reads that went to the database.");

    private static Func<long>? _auditChainLag;

    /// <summary>Entries appended but not yet linked into the hash chain; reported only once the audit feature registers a source.</summary>
    public static readonly ObservableGauge<long> AuditChainLag = Meter.CreateObservableGauge("steward.audit.chain_lag",
        () => _auditChainLag is { } read ? [new Measurement<long>(read())] : Array.Empty<Measurement<long>>(),
        "{entry}", "Audit entries not yet chained.");

    private static Func<long>? _rightsOverdue;

    /// <summary>Open rights requests past their due date; reported once the rights feature registers a source.</summary>
    public static readonly ObservableGauge<long> RightsOverdue = Meter.CreateObservableGauge("steward.rights.overdue",
        () => _rightsOverdue is { } read ? [new Measurement<long>(read())] : Array.Empty<Measurement<long>>(),
        "{request}", "Open rights requests past their legal due date.");

    /// <summary>Registers how to count overdue rights requests (the rights feature calls this once at start).</summary>
    public static void ObserveRightsOverdue(Func<long> overdue) => _rightsOverdue = overdue;

    /// <summary>Registers how to read the number of audit entries not yet chained (the audit chainer calls this once at start).</summary>
    public static void ObserveAuditChainLag(Func<long> entriesNotYetChained) => _auditChainLag = entriesNotYetChained;
}
