using Steward.Audit;

namespace Steward.Connectors;

/// <summary>Registers connections, datasets, the fulfilment engine and the outside connectors.</summary>
internal static class ConnectorsSetup
{
    public static IServiceCollection AddStewardConnectors(this IServiceCollection services)
    {
        services.AddSingleton<ConnectorChanges>();
        services.AddSingleton<ConnectorCatalogue>();
        services.AddSingleton<ConnectionDirectory>();
        services.AddSingleton<DatasetStore>();
        services.AddSingleton<FulfilmentEngine>();
        services.AddSingleton<ExternalConnectors>();
        services.AddSingleton<DataConnectors>();
        services.AddSingleton<IAuditedRecords, ConnectionAuditedRecords>();
        services.AddSingleton<IAuditedRecords, DatasetAuditedRecords>();
        // Company webhooks answer within a request's patience; a hung one must not hold a job forever.
        services.AddHttpClient(ExternalConnectors.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        return services;
    }
}
