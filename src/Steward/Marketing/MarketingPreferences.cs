using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Steward.Consent;
using Steward.People;
using Steward.Policy;
using Steward.Policy.Model;
using Steward.Storage;

namespace Steward.Marketing;

/// <summary>One thing a person chooses in the preference centre: a channel or a purpose, named and described as the policy does.</summary>
internal sealed record PreferenceItem(string Key, LocalizedText Name, LocalizedText? Description);

/// <summary>One line of the preference centre in the page's language, with the standing choice (null: none yet). Public because a page shows it.</summary>
public sealed record PreferenceRow(string Key, string Name, string? Description, bool? Yes);

/// <summary>What the preference centre offers, and which choices an unsubscribe or a saved form makes; decided from the policy alone.</summary>
internal static class PreferenceRules
{
    /// <summary>Every marketing channel of the policy.</summary>
    public static IReadOnlyList<PreferenceItem> Channels(PolicyDocument policy) =>
        policy.MarketingChannels.Select(c => new PreferenceItem(ConsentKeys.ChannelPrefix + c.Key, c.Value.Name!, null)).ToList();

    /// <summary>
    /// The purposes that rest on consent in <paramref name="jurisdiction"/> and whose consent the preference centre collects:
    /// those that say so (<c>consent.mechanism: preference-centre</c>) and those that reach people through a marketing
    /// channel. Consents asked elsewhere (the cookie banner, an app setting, a form at a site's entrance) are given and
    /// withdrawn where they are asked, as the policy's <c>consent.withdrawal</c> tells people.
    /// </summary>
    public static IReadOnlyList<PreferenceItem> Purposes(PolicyDocument policy, int version, string jurisdiction) =>
        policy.Purposes.Where(p => (p.Value.Consent?.Mechanism == ConsentMechanism.PreferenceCentre || p.Value.MarketingChannels.Count > 0)
                && ConsentKeys.Problem(policy, version, jurisdiction, ConsentKeys.PurposePrefix + p.Key) is null)
            .Select(p => new PreferenceItem(ConsentKeys.PurposePrefix + p.Key, p.Value.Name!, p.Value.Description)).ToList();

    /// <summary>
    /// The choices an unsubscribe from <paramref name="channel"/> makes: the channel withdrawn (denied when it was never
    /// granted), and each consent given to a purpose that reaches people on this channel only, withdrawn, since it can no
    /// longer be carried out. Purposes that also use other channels keep their consent: the person left one channel, not
    /// the others. Nothing already stopped is recorded again, so a second unsubscribe records nothing.
    /// </summary>
    public static IReadOnlyList<KeyChoice> Unsubscribe(PolicyDocument policy, int version, string jurisdiction, string channel,
        IReadOnlyDictionary<string, ConsentChoice> current)
    {
        var changes = new List<KeyChoice>();
        var channelKey = ConsentKeys.ChannelPrefix + channel;
        if (!current.TryGetValue(channelKey, out var standing)) changes.Add(new KeyChoice(channelKey, ConsentChoice.Denied));
        else if (standing == ConsentChoice.Granted) changes.Add(new KeyChoice(channelKey, ConsentChoice.Withdrawn));
        foreach (var (name, purpose) in policy.Purposes)
        {
            var key = ConsentKeys.PurposePrefix + name;
            if (purpose.MarketingChannels is [var only] && only == channel && current.TryGetValue(key, out var given) && given == ConsentChoice.Granted
                && ConsentKeys.Problem(policy, version, jurisdiction, key) is null)
                changes.Add(new KeyChoice(key, ConsentChoice.Withdrawn));
        }
        return changes;
    }

    /// <summary>
    /// The changes a saved form makes: a yes where the standing choice is not a grant is a grant; a no where it is a grant
    /// is a withdrawal, and where nothing was chosen yet a refusal. Keys the form left unanswered, or answered as before, record nothing.
    /// </summary>
    public static IReadOnlyList<KeyChoice> Save(IReadOnlyList<PreferenceItem> offered, IReadOnlyDictionary<string, bool> answers,
        IReadOnlyDictionary<string, ConsentChoice> current)
    {
        var changes = new List<KeyChoice>();
        foreach (var item in offered)
        {
            if (!answers.TryGetValue(item.Key, out var yes)) continue;
            var had = current.TryGetValue(item.Key, out var c) ? c : (ConsentChoice?)null;
            if (yes && had != ConsentChoice.Granted) changes.Add(new KeyChoice(item.Key, ConsentChoice.Granted));
            else if (!yes && had == ConsentChoice.Granted) changes.Add(new KeyChoice(item.Key, ConsentChoice.Withdrawn));
            else if (!yes && had is null) changes.Add(new KeyChoice(item.Key, ConsentChoice.Denied));
        }
        return changes;
    }

    /// <summary>The items as the page shows them: in <paramref name="lang"/>, with the standing choice.</summary>
    public static IReadOnlyList<PreferenceRow> Rows(IEnumerable<PreferenceItem> items, string lang, IReadOnlyDictionary<string, ConsentChoice> current) =>
        items.Select(i => new PreferenceRow(i.Key, i.Name.In(lang), i.Description?.In(lang),
            current.TryGetValue(i.Key, out var c) ? c == ConsentChoice.Granted : null)).ToList();

    /// <summary>SHA-256 of the choices' texts as shown (each name, then its description, in the page's language, one per line): proof of what the person saw.</summary>
    public static string TextHash(IEnumerable<PreferenceItem> shown, string lang) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
            shown.SelectMany(i => i.Description is null ? [i.Name.In(lang)] : new[] { i.Name.In(lang), i.Description.In(lang) })))));
}

/// <summary>What recording through a link did: how many events were written, or why nothing could be (and whether that is a child's grant).</summary>
internal readonly record struct LinkRecording(int Recorded, string? Problem, bool BelowMinimumAge = false);

/// <summary>
/// A person's marketing choices reached through a link: the standing choices, and new ones recorded as consent events
/// through the same checks and ledger as the consent API. One instance per request (it holds a <see cref="ConsentIntake"/>).
/// </summary>
internal sealed class MarketingPreferences(PeopleDirectory people, ConsentLedger ledger, ConsentIntake intake, PolicyStore policies,
    IDbContextFactory<StewardDbContext> contexts)
{
    /// <summary>Who made the choice, in the audit log: the person, through a link in mail, signed in nowhere.</summary>
    public const string Actor = "person:link";

    /// <summary>The policy version a form was shown under, or the one in force.</summary>
    public async Task<PublishedPolicy?> PolicyAsync(int? version, CancellationToken ct) =>
        version is { } v && await policies.GetAsync(v, ct) is { } shown ? shown : await policies.CurrentAsync(ct);

    /// <summary>The jurisdiction recorded with the person who has <paramref name="identity"/>, if anyone has it and it is known.</summary>
    public async Task<string?> KnownJurisdictionAsync(Identity identity, CancellationToken ct)
    {
        if (await people.FindAsync(identity, ct) is not { } subject) return null;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<DataSubject>().Where(s => s.Id == subject).Select(s => s.Jurisdiction).SingleOrDefaultAsync(ct);
    }

    /// <summary>The person's standing choices; none when no one has the identity yet.</summary>
    public async Task<IReadOnlyDictionary<string, ConsentChoice>> CurrentAsync(Identity identity, CancellationToken ct) =>
        await people.FindAsync(identity, ct) is { } subject ? await ledger.CurrentChoicesAsync(subject, ct) : new Dictionary<string, ConsentChoice>();

    /// <summary>Records <paramref name="changes"/> for the link's person, as the policy version in force; nothing when there are none.</summary>
    public async Task<LinkRecording> RecordAsync(LinkClaims link, PublishedPolicy policy, ConsentMethod method, IReadOnlyList<KeyChoice> changes,
        string language, string? textHash, BrowserProof browser, CancellationToken ct)
    {
        if (changes.Count == 0) return new LinkRecording(0, null);
        var raw = new RawConsent(IdentityTypes.Name(link.Identity.Type), link.Identity.Value, link.Jurisdiction, policy.Info.Version, textHash, language,
            ConsentWords.Name(method), OccurredAt: null, browser.Ip, browser.UserAgent,
            changes.Select(c => ((string?)c.Key, (string?)ConsentWords.Name(c.Choice))).ToList());
        var checkedConsent = await intake.CheckAsync(raw, imported: false, ct);
        if (checkedConsent.Record is not { } record) return new LinkRecording(0, checkedConsent.Problem, checkedConsent.BelowMinimumAge);
        // Changes were worked out from the state read before; judged again under the person's lock, a request sent twice records once.
        var outcome = await ledger.RecordAsync([record with { OnlyChanges = true }], Actor, progress: null, ct);
        return new LinkRecording(outcome.EventIds.Count, null);
    }
}
