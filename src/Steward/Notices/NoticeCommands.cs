using System.CommandLine;
using Steward.Hosting;
using Steward.Policy;

namespace Steward.Notices;

/// <summary><c>steward notice render</c>.</summary>
internal static class NoticeCommands
{
    public static Command Build()
    {
        var notice = new Command("notice", "Generate the privacy notice from a published policy version.");
        var version = PolicyCommands.VersionOption();
        var lang = PolicyCommands.LanguageOption(required: true);
        var format = new Option<string>("--format") { Description = "html or md.", Required = true };
        format.AcceptOnlyFromAmong("html", "md");
        var output = PolicyCommands.OutputOption();
        var policyPath = PolicyCommands.PolicyPathOption();
        var jurisdiction = new Option<string?>("--jurisdiction") { Description = "Only what applies to readers of one of the policy's jurisdictions (e.g. cn-pipl); default: everything." };
        var render = new Command("render", "Write the complete privacy notice in zh-CN or en, as HTML or Markdown.") { version, lang, format, output, policyPath, jurisdiction };
        render.SetGuardedAction(async (parse, ct) =>
        {
            if (await PolicyCommands.PolicyToRenderAsync(parse, policyPath, version, ct) is not { } policy) return Cli.ExitCodes.OperatorError;
            var chosen = parse.GetValue(jurisdiction);
            var key = NoticeBuilder.Resolve(policy.Document, chosen);
            if (chosen is not null && key is null)
                throw new StewardException($"--jurisdiction: '{chosen}' is not a jurisdiction of this policy ({string.Join(", ", policy.Document.Jurisdictions)}).", Cli.ExitCodes.Usage);
            var document = NoticeBuilder.Build(policy, parse.GetValue(lang)!, key);
            var text = parse.GetValue(format) == "md" ? NoticeRenderers.Markdown(document) : await NoticeRenderers.HtmlFileAsync(document);
            await PolicyCommands.WriteOutputAsync(parse.GetValue(output), text, ct);
            return 0;
        });
        notice.Subcommands.Add(render);
        return notice;
    }
}
