using Steward.Consent;
using Steward.Hosting;
using Steward.Jobs;
using Steward.Notices;
using Steward.People;
using Steward.Policy;
using Steward.Policy.Model;
using Steward.Web;

namespace Steward.Rights;

/// <summary>
/// Carries out a request in progress whose kind Steward can fulfil itself, as a persisted job (<c>rights.fulfil</c>,
/// payload: the request id) run by the worker inside <c>serve</c>: a withdrawal of consent and an opt-out of sale or
/// sharing go through the consent records (method <c>rights-request</c>), so every decision honours them at once.
/// Idempotent: a repeat records only what does not stand yet, and completes a request only while it is in progress.
/// Access, portability, erasure and rectification run through <see cref="DataFulfilment"/> over the declared datasets.
/// Kinds Steward cannot fulfil by itself stay in progress for staff, who answer and complete them.
/// </summary>
internal sealed class RightsFulfilment(RightsRequests requests, ConsentLedger ledger, ConsentIntake intake, PolicyStore policies, DataFulfilment data) : IJobHandler
{
    public const string JobKind = "rights.fulfil";
    public const string Actor = "steward:rights";

    private static readonly string WithdrawConsent = RequestKinds.Name(RightKind.WithdrawConsent);
    private static readonly string OptOutOfSale = RequestKinds.Name(RightKind.OptOutOfSale);

    public sealed record Payload(Guid RequestId);

    public string Kind => JobKind;

    /// <summary>Whether Steward fulfils this kind by itself once the request is in progress.</summary>
    public static bool Automatic(string kind) => kind == WithdrawConsent || kind == OptOutOfSale || DataFulfilment.Handles(kind);

    public async Task RunAsync(JobContext context, CancellationToken ct)
    {
        var id = context.PayloadAs<Payload>().RequestId;
        if (await requests.FindAsync(id, ct) is not { State: "in-progress" } request) return;
        if (DataFulfilment.Handles(request.Kind))
        {
            await data.RunAsync(id, progress: null, ct);
            return;
        }
        var policy = await policies.CurrentAsync(ct) ?? throw new StewardException("No policy is published: a request cannot be carried out against nothing.");
        var details = await requests.RevealAsync(id, Actor, ct);
        if (details is null)
        {
            await requests.CompleteAsync(id, null, Actor, ct);
            return;
        }
        var t = Language.Strings<RightsStrings>(request.Language);
        var standing = await ledger.CurrentChoicesAsync(request.SubjectId, ct);
        List<string> keys;
        ConsentChoice choice;
        if (request.Kind == WithdrawConsent)
        {
            // Every consent that stands is withdrawn; refusals stay refusals.
            keys = standing.Where(kv => kv.Value == ConsentChoice.Granted).Select(kv => kv.Key)
                .Where(k => ConsentKeys.Problem(policy.Document, policy.Info.Version, request.Jurisdiction, k) is null).Order(StringComparer.Ordinal).ToList();
            choice = ConsentChoice.Withdrawn;
        }
        else
        {
            var reach = OptOutReach.OfRequest(policy.Document, request.Jurisdiction);
            keys = [.. reach.PurposeKeys, .. reach.Categories.Select(c => ConsentKeys.CookiePrefix + c)];
            keys = keys.Where(k => !(standing.TryGetValue(k, out var c) && c != ConsentChoice.Granted)).Order(StringComparer.Ordinal).ToList();
            choice = ConsentChoice.Denied;
        }
        if (keys.Count > 0)
        {
            var raw = new RawConsent(IdentityTypes.Name(IdentityType.Email), details.Email, request.Jurisdiction, policy.Info.Version, TextHash: null,
                request.Language, Method: null, OccurredAt: null, Ip: null, UserAgent: null, keys.Select(k => ((string?)k, (string?)ConsentWords.Name(choice))).ToList());
            var checkedConsent = await intake.CheckRightsRequestAsync(raw, ct);
            if (checkedConsent.Record is not { } record) throw new StewardException($"The consent records refused the request's choices: {checkedConsent.Problem}");
            await ledger.RecordAsync([record], Actor, progress: null, ct);
        }
        await requests.CompleteAsync(id, Answer(t, request.Kind, policy.Document, keys, request.Language), Actor, ct);
    }

    private static string Answer(RightsStrings t, string kind, PolicyDocument policy, List<string> keys, string lang)
    {
        var names = Vocabulary.List(keys.Select(k => KeyName(policy, k, lang)), lang);
        if (kind == WithdrawConsent) return keys.Count == 0 ? t.NoConsentToWithdraw : Language.Format(t.ConsentWithdrawn, names);
        return keys.Count == 0 ? t.NothingToOptOut : Language.Format(t.OptedOut, names);
    }

    private static string KeyName(PolicyDocument policy, string key, string lang)
    {
        var (prefix, name) = key.IndexOf(':', StringComparison.Ordinal) is var i and > 0 ? (key[..(i + 1)], key[(i + 1)..]) : ("", key);
        LocalizedText? text = prefix switch
        {
            ConsentKeys.PurposePrefix => policy.Purposes.GetValueOrDefault(name)?.Name,
            ConsentKeys.CookiePrefix => policy.Cookies?.Categories.GetValueOrDefault(name)?.Name,
            ConsentKeys.ChannelPrefix => policy.MarketingChannels.GetValueOrDefault(name)?.Name,
            _ => null,
        };
        return text?.In(lang) ?? name;
    }
}
