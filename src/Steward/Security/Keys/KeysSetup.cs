using Microsoft.Extensions.Options;
using Steward.Jobs;

namespace Steward.Security.Keys;

/// <summary>Registers the key hierarchy.</summary>
internal static class KeysSetup
{
    public static IServiceCollection AddStewardKeys(this IServiceCollection services)
    {
        services.AddOptions<KeyOptions>().BindConfiguration(KeyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyOptions>, KeyOptionsValidator>();
        services.AddSingleton<KeyEncryptionKeys>();
        services.AddSingleton<KeyRing>();
        services.AddSingleton<KeyRotation>();
        services.AddJobHandler<KeysRewrapJob>();
        services.AddHostedService<RewrapOnStart>();
        return services;
    }
}
