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
        var render = new Command("render", "Write the complete privacy notice in zh-CN or en, as HTML or Markdown.") { version, lang, format, output, policyPath };
        render.SetGuardedAction(async (parse, ct) =>
        {
            if (await PolicyCommands.PolicyToRenderAsync(parse, policyPath, version, ct) is not { } policy) return Cli.ExitCodes.OperatorError;
            var document = NoticeBuilder.Build(policy, parse.GetValue(lang)!);
            var text = parse.GetValue(format) == "md" ? NoticeRenderers.Markdown(document) : await NoticeRenderers.HtmlFileAsync(document);
            await PolicyCommands.WriteOutputAsync(parse.GetValue(output), text, ct);
            return 0;
        });
        notice.Subcommands.Add(render);
        return notice;
    }
}
