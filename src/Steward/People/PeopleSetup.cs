using Microsoft.Extensions.Options;

namespace Steward.People;

/// <summary>Registers the people feature: identities, their blind index and per-subject keys.</summary>
internal static class PeopleSetup
{
    public static IServiceCollection AddStewardPeople(this IServiceCollection services)
    {
        services.AddOptions<PeopleOptions>().BindConfiguration(PeopleOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PeopleOptions>, PeopleOptionsValidator>();
        services.AddSingleton<IdentityParser>();
        services.AddSingleton<BlindIndex>();
        services.AddSingleton<SubjectKeys>();
        services.AddSingleton<SubjectLookupCache>();
        services.AddSingleton<LiveSubjectCache>();
        services.AddSingleton<PeopleDirectory>();
        services.AddSingleton<BirthDates>();
        services.AddSingleton<Erasures.ErasureTombstones>();
        services.AddSingleton<Erasures.ErasureReplay>();
        services.AddSingleton<Security.Keys.IKeyVersionUser, SubjectKeysOnOldVersions>();
        services.AddSingleton<Security.Keys.IKeyVersionUser, IdentitiesOnOldVersions>();
        services.AddSingleton<Security.Keys.IKeyVersionUser, Erasures.TombstonesOnBlindIndexVersions>();
        return services;
    }
}
