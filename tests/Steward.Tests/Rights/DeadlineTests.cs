using Steward.Policy.Catalogue;
using Steward.Rights;

namespace Steward.Tests.Rights;

/// <summary>The rule pack's deadlines per law (issue point 3): correctable data, read back and applied to dates.</summary>
public sealed class DeadlineTests
{
    private static readonly DateTimeOffset Friday = new(2026, 1, 30, 10, 0, 0, TimeSpan.Zero);

    private static RightsRequest Request(string jurisdiction, string kind = "access", DateTimeOffset? at = null) => new()
    {
        Kind = kind, Jurisdiction = jurisdiction, Language = "en", Channel = "api", StatusTokenHash = [], Details = [], ReceivedAt = at ?? Friday,
    };

    [Fact]
    public void Every_jurisdiction_of_the_rule_pack_has_an_answer_period()
    {
        Assert.Equal(12, JurisdictionCatalogue.Bundled.ByKey.Count);
        foreach (var law in JurisdictionCatalogue.Bundled.ByKey.Values)
        {
            Assert.NotNull(law.Deadlines);
            Assert.False(string.IsNullOrWhiteSpace(law.Deadlines!.Source), law.Key);
        }
    }

    [Theory]
    [InlineData("eu-gdpr", "2026-02-28")] // one month from 30 January: the last day of February
    [InlineData("us-ca", "2026-03-16")]   // 45 calendar days
    [InlineData("us-va", "2026-03-16")]
    [InlineData("us-co", "2026-03-16")]
    [InlineData("br-lgpd", "2026-02-14")] // 15 days
    [InlineData("ca-pipeda", "2026-03-01")]
    [InlineData("ca-qc", "2026-03-01")]
    [InlineData("sg-pdpa", "2026-03-01")]
    [InlineData("jp-appi", "2026-02-13")]
    [InlineData("in-dpdp", "2026-04-30")]
    public void The_due_date_counts_from_receipt_as_the_law_says(string jurisdiction, string due)
    {
        var r = Request(jurisdiction);
        Deadlines.Start(r, verified: false);
        Assert.Equal(DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture), DateOnly.FromDateTime(r.DueAt!.Value.UtcDateTime));
    }

    [Theory]
    [InlineData("uk-gdpr")]
    [InlineData("cn-pipl")]
    public void Where_the_law_pauses_the_clock_for_verification_it_starts_on_verification(string jurisdiction)
    {
        var r = Request(jurisdiction);
        Deadlines.Start(r, verified: false);
        Assert.Null(r.DueAt);
        var verifiedAt = Friday.AddDays(10);
        Deadlines.Verified(r, verifiedAt);
        Assert.Equal(verifiedAt, r.ClockStartedAt);
        Assert.True(r.DueAt > verifiedAt.AddDays(27));

        // Verified at once: the clock runs from receipt.
        var staff = Request(jurisdiction);
        Deadlines.Start(staff, verified: true);
        Assert.Equal(Friday, staff.ClockStartedAt);
    }

    [Fact]
    public void California_acknowledges_within_ten_business_days_and_opts_out_within_fifteen_without_waiting()
    {
        var r = Request("us-ca");
        Deadlines.Start(r, verified: false);
        // Friday 30 January + 10 business days (two weekends skipped) = Friday 13 February.
        Assert.Equal(new DateOnly(2026, 2, 13), DateOnly.FromDateTime(r.AcknowledgeBy!.Value.UtcDateTime));

        var optOut = Request("us-ca", "opt-out-of-sale");
        Deadlines.Start(optOut, verified: false);
        Assert.Equal(new DateOnly(2026, 2, 20), DateOnly.FromDateTime(optOut.DueAt!.Value.UtcDateTime));
        Assert.False(RightsRequests.NeedsVerification("opt-out-of-sale", "us-ca"));
        Assert.True(RightsRequests.NeedsVerification("access", "us-ca"));
    }

    [Fact]
    public void An_extension_is_granted_once_within_the_notice_period_and_only_where_the_law_has_one()
    {
        var gdpr = Request("eu-gdpr");
        Deadlines.Start(gdpr, verified: false);
        Assert.Null(Deadlines.CannotExtend(gdpr, Friday.AddDays(20), out var extended));
        Assert.Equal(new DateOnly(2026, 4, 28), DateOnly.FromDateTime(extended.UtcDateTime));
        // Past the first month the person can no longer be told in time.
        Assert.Contains("has passed", Deadlines.CannotExtend(gdpr, Friday.AddDays(40), out _), StringComparison.Ordinal);
        gdpr.ExtendedAt = Friday.AddDays(1);
        Assert.Contains("already", Deadlines.CannotExtend(gdpr, Friday.AddDays(2), out _), StringComparison.Ordinal);

        var lgpd = Request("br-lgpd");
        Deadlines.Start(lgpd, verified: false);
        Assert.Contains("allows no extension", Deadlines.CannotExtend(lgpd, Friday.AddDays(1), out _), StringComparison.Ordinal);

        var waiting = Request("uk-gdpr");
        Deadlines.Start(waiting, verified: false);
        Assert.Contains("not verified", Deadlines.CannotExtend(waiting, Friday.AddDays(1), out _), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30 days", 30, "Days")]
    [InlineData("1 month", 1, "Months")]
    [InlineData("10 business days", 10, "BusinessDays")]
    public void Periods_read_as_laws_write_them(string text, int count, string unit)
    {
        Assert.True(LegalPeriod.TryParse(text, out var p));
        Assert.Equal(new LegalPeriod(count, Enum.Parse<PeriodUnit>(unit)), p);
        Assert.Equal(text, p.ToString());
    }

    [Theory]
    [InlineData("P30D")]
    [InlineData("30")]
    [InlineData("0 days")]
    [InlineData("thirty days")]
    [InlineData("2 weeks")]
    public void Other_period_texts_are_refused(string text) => Assert.False(LegalPeriod.TryParse(text, out _));
}
