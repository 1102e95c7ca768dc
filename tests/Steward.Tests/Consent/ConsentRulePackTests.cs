using Steward.Policy.Catalogue;

namespace Steward.Tests.Consent;

/// <summary>The consent data of the rule pack: what silence means in each law, where GPC binds and what an opt-out reaches.</summary>
public sealed class ConsentRulePackTests
{
    [Theory]
    [InlineData("eu-gdpr", "OptIn", false)]
    [InlineData("uk-gdpr", "OptIn", false)]
    [InlineData("cn-pipl", "OptIn", false)]
    [InlineData("br-lgpd", "OptIn", false)]
    [InlineData("us-ca", "OptOut", true)]
    [InlineData("us-co", "OptOut", true)]
    [InlineData("us-va", "OptOut", false)]
    [InlineData("in-dpdp", "OptIn", false)]
    public void Each_law_says_what_silence_means_and_whether_GPC_binds(string key, string silence, bool gpc)
    {
        var law = JurisdictionCatalogue.Bundled.Find(key)!;
        Assert.Equal((silence, gpc), (law.ConsentDefault.ToString(), law.GpcBinding));
    }

    [Fact]
    public void Every_law_where_GPC_binds_names_what_the_opt_out_reaches()
    {
        foreach (var law in JurisdictionCatalogue.Bundled.ByKey.Values.Where(j => j.GpcBinding))
            Assert.NotEmpty(law.OptOutUses ?? []);
    }

    [Fact]
    public void An_opt_out_reaches_targeted_advertising_and_its_sub_uses_but_not_first_party_service_uses()
    {
        var california = JurisdictionCatalogue.Bundled.Find("us-ca")!;
        Assert.True(california.OptOutReaches(["marketing.advertising.third_party.targeted"]));
        Assert.True(california.OptOutReaches(["analytics.reporting", "third_party_sharing.personalized_advertising"]));
        Assert.False(california.OptOutReaches(["marketing.advertising.third_party_x"]));
        Assert.False(california.OptOutReaches(["essential.service", "marketing.communications.email"]));
        Assert.False(JurisdictionCatalogue.Bundled.Find("eu-gdpr")!.OptOutReaches(["marketing.advertising.third_party.targeted"]));
    }
}
