using Steward.Policy.Catalogue;

namespace Steward.Rights;

/// <summary>
/// The dates a law sets for a request, from the rule pack's <see cref="RequestDeadlines"/>: acknowledgement, answer,
/// extension. Pure: every date is computed from the request's own times.
/// </summary>
internal static class Deadlines
{
    /// <summary>The law's deadlines; every jurisdiction of the rule pack has them (the catalogue refuses to load otherwise).</summary>
    public static RequestDeadlines Of(string jurisdiction) =>
        JurisdictionCatalogue.Bundled.Find(jurisdiction)?.Deadlines ?? throw new InvalidOperationException($"No deadlines for jurisdiction {jurisdiction}.");

    /// <summary>Whether the law lets an opt-out of sale or sharing through without verification, and in how long.</summary>
    public static LegalPeriod? OptOutPeriod(string jurisdiction, string kind) =>
        kind == RequestKinds.Name(Policy.Model.RightKind.OptOutOfSale) ? Of(jurisdiction).OptOutWithin : null;

    /// <summary>Sets the acknowledgement and the due date of a request just received; the clock waits where the law pauses it for verification.</summary>
    public static void Start(RightsRequest request, bool verified)
    {
        var law = Of(request.Jurisdiction);
        request.AcknowledgeBy = law.AcknowledgeWithin?.After(request.ReceivedAt);
        if (OptOutPeriod(request.Jurisdiction, request.Kind) is { } optOut)
        {
            request.ClockStartedAt = request.ReceivedAt;
            request.DueAt = optOut.After(request.ReceivedAt);
        }
        else if (verified || !law.ClockPausesForVerification)
        {
            request.ClockStartedAt = request.ReceivedAt;
            request.DueAt = law.AnswerWithin.After(request.ReceivedAt);
        }
    }

    /// <summary>Starts a clock that waited for verification.</summary>
    public static void Verified(RightsRequest request, DateTimeOffset at)
    {
        if (request.ClockStartedAt is not null) return;
        request.ClockStartedAt = at;
        request.DueAt = Of(request.Jurisdiction).AnswerWithin.After(at);
    }

    /// <summary>Why an extension cannot be granted now, or null when it can; <paramref name="newDue"/> is the extended date.</summary>
    public static string? CannotExtend(RightsRequest request, DateTimeOffset now, out DateTimeOffset newDue)
    {
        newDue = default;
        var law = Of(request.Jurisdiction);
        var name = JurisdictionCatalogue.Bundled.Find(request.Jurisdiction)!.Name.En;
        if (law.Extension is not { } extension) return $"{name} allows no extension of the deadline.";
        if (OptOutPeriod(request.Jurisdiction, request.Kind) is not null) return "An opt-out of sale or sharing cannot be extended.";
        if (request.ExtendedAt is not null) return "The deadline was extended already; the law allows one extension.";
        if (request.DueAt is not { } due || request.ClockStartedAt is not { } started) return "The deadline has not started: the person's identity is not verified yet.";
        var noticeBy = law.ExtensionNoticeWithin?.After(started) ?? due;
        if (now > noticeBy) return $"The person had to be told of an extension by {noticeBy:yyyy-MM-dd} ({name}); that date has passed.";
        newDue = extension.After(due);
        return null;
    }
}
