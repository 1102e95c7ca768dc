using System.Security.Cryptography;
using System.Text;
using Steward.People;

namespace Steward.Tests.People;

public sealed class IdentityNormalisationTests
{
    [Theory]
    [InlineData("  Alice.Smith@Example.COM ", "alice.smith@example.com")]
    [InlineData("BOB@example.org.", "bob@example.org")]
    [InlineData("用户@例子.中国", "用户@xn--fsqu00a.xn--fiqs8s")]
    [InlineData("用户@XN--FSQU00A.xn--fiqs8s", "用户@xn--fsqu00a.xn--fiqs8s")]
    [InlineData("\"a@b\"@example.com", "\"a@b\"@example.com")]
    public void Emails_are_trimmed_lower_cased_and_their_domain_written_in_ascii(string raw, string expected) =>
        Assert.Equal(expected, Valid(IdentityType.Email, raw).Value);

    [Theory]
    [InlineData("138 0013 8000", "CN", "+8613800138000")]
    [InlineData("+86 138-0013-8000", null, "+8613800138000")]
    [InlineData("0086 13800138000", "DE", "+8613800138000")]
    [InlineData("(010) 6552 9988", "CN", "+861065529988")]
    [InlineData("030 1234567", "DE", "+49301234567")]
    [InlineData("+49 (0)30 1234567", "CN", "+49301234567")]
    [InlineData("0151 23456789", "DE", "+4915123456789")]
    public void Phones_become_E164_read_in_the_default_region_when_national(string raw, string? region, string expected) =>
        Assert.Equal(expected, Valid(IdentityType.Phone, raw, region).Value);

    [Theory]
    [InlineData("email", "", "empty")]
    [InlineData("email", "   ", "empty")]
    [InlineData("email", "no-at-sign.example.com", "'@'")]
    [InlineData("email", "a@b@example.com", "more than one '@'")]
    [InlineData("email", "a b@example.com", "spaces")]
    [InlineData("email", "alice@localhost", "domain")]
    [InlineData("email", "alice@exa_mple.com", "domain")]
    [InlineData("email", "alice@", "'@'")]
    [InlineData("phone", "13800138000", "no country code")]
    [InlineData("phone", "+86 123", "not a valid number")]
    [InlineData("phone", "+ call me", "cannot be read")]
    [InlineData("hashed_email", "abc123", "SHA-256")]
    [InlineData("hashed_email", "zz5b7f8c1c2a1d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e", "SHA-256")]
    [InlineData("cookie_id", "abc\u0000def", "control")]
    public void Malformed_input_is_refused_with_a_reason_that_does_not_repeat_it(string typeName, string raw, string reason)
    {
        Assert.True(IdentityTypes.TryParse(typeName, out var type));
        var parsed = IdentityNormalisation.Parse(type, raw);
        Assert.Null(parsed.Identity);
        Assert.Contains(reason, parsed.Problem, StringComparison.Ordinal);
        if (raw.Trim().Length > 3) Assert.DoesNotContain(raw.Trim(), parsed.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Opaque_ids_are_trimmed_kept_in_their_case_and_length_limited()
    {
        Assert.Equal("AbC-123", Valid(IdentityType.AccountId, "  AbC-123 ").Value);
        Assert.Equal("ck_9f8E", Valid(IdentityType.CookieId, "ck_9f8E").Value);
        Assert.NotNull(IdentityNormalisation.Parse(IdentityType.DeviceId, new string('d', IdentityNormalisation.MaxOpaqueLength)).Identity);
        Assert.Contains("longer than", IdentityNormalisation.Parse(IdentityType.DeviceId, new string('d', IdentityNormalisation.MaxOpaqueLength + 1)).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hashed_email_is_the_SHA256_of_the_normalised_email_and_matches_whatever_the_hex_case()
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("alice.smith@example.com")));
        var hashed = IdentityNormalisation.HashOf(Valid(IdentityType.Email, " Alice.Smith@EXAMPLE.com"));
        Assert.Equal(IdentityType.HashedEmail, hashed.Type);
        Assert.Equal(expected, hashed.Value);
        Assert.Equal(hashed, Valid(IdentityType.HashedEmail, expected.ToUpperInvariant()));
    }

    [Fact]
    public void An_identity_printed_by_mistake_shows_its_type_and_never_its_value()
    {
        var email = Valid(IdentityType.Email, "alice@example.com");
        Assert.Equal("email identity", email.ToString());
        Assert.DoesNotContain("alice", $"{email}", StringComparison.Ordinal);
    }

    [Fact]
    public void The_phone_region_comes_from_a_single_country_jurisdiction_then_from_configuration()
    {
        var withDefault = new IdentityParser(Microsoft.Extensions.Options.Options.Create(new PeopleOptions { DefaultPhoneRegion = "de" }));
        Assert.Equal("+8613800138000", withDefault.Parse(IdentityType.Phone, "138 0013 8000", "cn-pipl").Identity?.Value);
        Assert.Equal("+49301234567", withDefault.Parse(IdentityType.Phone, "030 1234567", "eu-gdpr").Identity?.Value);
        var without = new IdentityParser(Microsoft.Extensions.Options.Options.Create(new PeopleOptions()));
        Assert.Contains("no country code", without.Parse(IdentityType.Phone, "030 1234567").Problem, StringComparison.Ordinal);
        Assert.Contains("People:DefaultPhoneRegion", new PeopleOptionsValidator().Validate(null, new PeopleOptions { DefaultPhoneRegion = "XX" }).FailureMessage, StringComparison.Ordinal);
    }

    private static Identity Valid(IdentityType type, string raw, string? region = null)
    {
        var parsed = IdentityNormalisation.Parse(type, raw, region);
        Assert.True(parsed.Identity is not null, parsed.Problem);
        return parsed.Identity!;
    }
}
