using Steward.Policy;
using Steward.Policy.Catalogue;

namespace Steward.Tests.Policy;

/// <summary>Every country code in a policy is an assigned ISO 3166-1 alpha-2 code, or a located error that names it and, where obvious, the right one.</summary>
public sealed class CountryCodeTests
{
    private const string Receives = "receives: [user.name, user.contact.email] }";

    /// <summary>Each place of the format that takes a country code: the variant, the text the error points at, and what the message must say.</summary>
    public static TheoryData<string, string, string, string> Mistakes => new()
    {
        // Codes that look like codes but name no country passed before, and the notice printed them as they were.
        { "country: GB", "country: XX", "country: XX", "Country 'XX' of entity 'example-uk' is not an assigned ISO 3166-1 alpha-2 country code (e.g. DE, CN, US)." },
        { Receives, "receives: [user.name], countries: [DE, XX] }", "XX]", "Country 'XX' of recipient 'hosting' is not an assigned" },
        { "destination: US", "destination: XX", "destination: XX", "Destination 'XX' of transfer 'to-us' is neither an assigned ISO 3166-1 alpha-2 country code nor 'worldwide' (e.g. DE, CN, US)." },
        { "  CN: example-cn", "  XX: example-cn", "XX: example-cn", "Controller region 'XX' is neither 'default', a jurisdiction key nor an assigned ISO 3166-1 alpha-2 country code." },
        { "children:", "storage:\n  default: { countries: [CN, XX], copies: [SG] }\nchildren:", "XX]", "Country 'XX' of storage 'default' is not an assigned" },
        { "children:", "storage:\n  default: { countries: [CN], copies: [XX] }\nchildren:", "XX]", "Country 'XX' of the copies in storage 'default' is not an assigned" },
        // Alpha-3 codes, codes in small letters, reserved codes and names get the code meant.
        { "country: GB", "country: GBR", "country: GBR", "Country 'GBR' of entity 'example-uk' is not an assigned ISO 3166-1 alpha-2 country code; did you mean 'GB' (United Kingdom)?" },
        { Receives, "receives: [user.name], countries: [USA] }", "USA]", "Country 'USA' of recipient 'hosting' is not an assigned ISO 3166-1 alpha-2 country code; did you mean 'US' (United States)?" },
        { Receives, "receives: [user.name], countries: [de] }", "de]", "Country 'de' of recipient 'hosting' is not an assigned ISO 3166-1 alpha-2 country code; codes are written in capitals: 'DE'." },
        { "destination: US", "destination: UK", "destination: UK", "did you mean 'GB' (United Kingdom)?" },
        { "destination: US", "destination: Germany", "destination: Germany", "did you mean 'DE' (Germany)?" },
        { "destination: US", "destination: 德国", "destination: 德国", "did you mean 'DE' (Germany)?" },
        { "destination: US", "destination: Worldwide", "destination: Worldwide", "did you mean 'worldwide'?" },
        { "  CN: example-cn", "  cn: example-cn", "cn: example-cn", "codes are written in capitals: 'CN'." },
        { "  CN: example-cn", "  eu-gpdr: example-cn", "eu-gpdr: example-cn", "did you mean 'eu-gdpr'?" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_code_that_names_no_country_is_a_located_error(string old, string mistake, string pointsAt, string message)
    {
        var yaml = PolicyFixture.Minimal.Swap(old, mistake);
        var result = PolicyFixture.Check(yaml);

        Assert.False(result.IsValid);
        var d = Assert.Single(result.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal(PolicyCodes.WrongType, d.Code);
        var line = PolicyFixture.LineOf(yaml, pointsAt);
        Assert.Equal(line, d.Location.Line);
        Assert.Equal(yaml.Split('\n')[line - 1].IndexOf(pointsAt, StringComparison.Ordinal) + 1, d.Location.Column);
    }

    [Fact]
    public void Assigned_codes_and_worldwide_pass_wherever_a_country_goes()
    {
        var yaml = PolicyFixture.Minimal
            .Swap("country: GB", "country: AX")
            .Swap(Receives, "receives: [user.name], countries: [CN] }")
            .Swap("  CN: example-cn", "  CN: example-cn\n  HK: example-cn\n  cn-pipl: example-cn")
            .Swap("destination: US", "destination: worldwide")
            .Swap("children:", "storage:\n  default: { countries: [CN, US], copies: [SG] }\nchildren:");
        var result = PolicyFixture.Check(yaml);
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void The_list_holds_the_249_assigned_codes_with_names_in_both_languages()
    {
        Assert.Equal(249, Countries.Names.Count);
        Assert.All(Countries.Names, c =>
        {
            Assert.Matches("^[A-Z]{2}$", c.Key);
            Assert.False(string.IsNullOrWhiteSpace(c.Value.En), c.Key);
            Assert.False(string.IsNullOrWhiteSpace(c.Value.ZhCn), c.Key);
        });
        // Codes ISO only reserves are no country of their own.
        Assert.DoesNotContain("UK", Countries.Names.Keys);
        Assert.DoesNotContain("EU", Countries.Names.Keys);
    }

    [Fact]
    public void Every_country_the_jurisdiction_catalogue_names_is_assigned()
    {
        var named = JurisdictionCatalogue.Bundled.ByKey.Values.SelectMany(j => j.Domestic.Concat(j.Adequate)).Distinct().ToList();
        Assert.NotEmpty(named);
        Assert.All(named, code => Assert.True(Countries.IsAssigned(code), code));
    }
}
