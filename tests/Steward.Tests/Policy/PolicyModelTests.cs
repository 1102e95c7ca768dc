using Steward.Policy;
using Steward.Policy.Catalogue;
using Steward.Policy.Model;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Policy;

/// <summary>Concepts that several features use live once, on the model or in the catalogue's data.</summary>
public sealed class PolicyModelTests
{
    [Fact]
    public void The_legal_bases_in_a_jurisdiction_are_its_own_entry_else_the_default_else_none()
    {
        var purpose = new Purpose
        {
            LegalBasis = { ["cn-pipl"] = new([LegalBasis.Consent]), [PolicyDocument.DefaultKey] = new([LegalBasis.Contract, LegalBasis.LegalObligation]) },
        };
        Assert.Equal([LegalBasis.Consent], purpose.LegalBasesIn("cn-pipl"));
        Assert.Equal([LegalBasis.Contract, LegalBasis.LegalObligation], purpose.LegalBasesIn("eu-gdpr"));
        Assert.Empty(new Purpose { LegalBasis = { ["cn-pipl"] = new([LegalBasis.Consent]) } }.LegalBasesIn("eu-gdpr"));
    }

    [Fact]
    public void A_purpose_limited_to_some_jurisdictions_has_no_basis_elsewhere_even_with_a_default()
    {
        var purpose = new Purpose { Jurisdictions = ["cn-pipl"], LegalBasis = { [PolicyDocument.DefaultKey] = new([LegalBasis.Consent]) } };
        Assert.True(purpose.AppliesIn("cn-pipl"));
        Assert.False(purpose.AppliesIn("eu-gdpr"));
        Assert.Equal([LegalBasis.Consent], purpose.LegalBasesIn("cn-pipl"));
        Assert.Empty(purpose.LegalBasesIn("eu-gdpr"));
    }

    [Fact]
    public void A_legal_basis_is_written_as_one_value_or_a_list()
    {
        var policy = PolicyFixture.Check(PolicyFixture.Minimal.Replace("legal_basis: { default: contract }", "legal_basis: { default: [contract, legal-obligation] }", StringComparison.Ordinal));
        Assert.True(policy.IsValid, string.Join("\n", policy.Diagnostics));
        Assert.Equal([LegalBasis.Contract, LegalBasis.LegalObligation], policy.Document!.Purposes.Values.First().LegalBasesIn("eu-gdpr"));
    }

    [Fact]
    public void The_extended_taxonomy_is_built_once_per_policy_and_carries_its_own_entries()
    {
        var policy = PolicyFixture.Check(PolicyFixture.Minimal + "data_categories:\n  user.contact.email: { name: { en: Email address, zh-CN: 邮箱地址 } }\n");
        var document = policy.Document!;
        Assert.Same(document.Taxonomy, document.Taxonomy);
        Assert.Equal("Email address", document.Taxonomy.DataCategories["user.contact.email"].Name.En);
        Assert.NotSame(Taxonomy.Bundled, document.Taxonomy);
    }

    [Fact]
    public void Jurisdiction_rules_are_catalogue_data_not_literals_in_the_validator()
    {
        var validator = File.ReadAllText(Repository.PathOf("src", "Steward", "Policy", "PolicyValidator.cs"));
        foreach (var key in JurisdictionCatalogue.Bundled.ByKey.Keys)
            Assert.DoesNotContain($"\"{key}\"", validator, StringComparison.Ordinal);
        foreach (var j in JurisdictionCatalogue.Bundled.ByKey.Values.Where(j => j.RestrictsTransfers))
            Assert.NotNull(j.SuggestedSafeguard);
        Assert.Contains(JurisdictionCatalogue.Bundled.Find("cn-pipl")!.AbsentBases!, a => a.Basis == LegalBasis.LegitimateInterests && a.Code == PolicyCodes.LegitimateInterestsUnderPipl);
    }
}
