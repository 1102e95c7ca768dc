using Microsoft.Extensions.Options;

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
        return services;
    }
}
