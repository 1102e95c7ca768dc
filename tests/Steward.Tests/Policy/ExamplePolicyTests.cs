using System.Text.Json;
using System.Text.Json.Nodes;
using Steward.Policy;
using Steward.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Steward.Tests.Policy;

/// <summary>The bundled example encodes every clause of the reference statement and is what a new installation shows.</summary>
public sealed class ExamplePolicyTests
{
    /// <summary>Every clause id of the reference statement's clause-by-clause summary.</summary>
    public static readonly string[] ClauseIds =
    [
        "S1.1", "S1.2",
        "S2.1", "S2.2", "S2.3", "S2.4",
        "S3.1", "S3.2", "S3.3", "S3.4", "S3.5",
        "S4.1", "S4.2", "S4.3", "S4.4",
        "S5.1", "S5.2", "S5.3", "S5.4", "S5.5", "S5.6",
        "S6.1", "S6.2",
        "S7.1", "S7.2",
        "S8.1", "S9.1", "S10.1", "S11.1",
        "S12.1", "S12.2", "S12.3", "S12.4",
        "S13.1",
        "S14.1", "S14.2", "S14.3", "S14.4",
        "S15.1", "S15.2",
        "S16.1", "S16.2",
        "S17.1", "S17.2", "S17.3", "S17.4",
        "S18.1", "S18.2", "S18.3", "S18.4", "S18.5", "S18.6", "S18.7", "S18.8", "S18.9", "S18.10",
        "S19.1",
        "S20.1", "S20.2",
        "S21.1",
    ];

    [Fact]
    public void The_example_is_valid_without_warnings()
    {
        var result = PolicyCheck.Run(PolicyFixture.ExamplePath);
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Every_clause_maps_to_policy_elements_that_exist()
    {
        var policy = PolicyCheck.Run(PolicyFixture.ExamplePath).Document!;
        var json = JsonSerializer.SerializeToNode(policy, PolicyLoader.Json)!;
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Repository.PathOf("examples", "example-global", "clauses.yaml"))));
        var map = (YamlMappingNode)stream.Documents[0].RootNode;
        var mapped = map.Children.ToDictionary(
            kv => ((YamlScalarNode)kv.Key).Value!,
            kv => kv.Value is YamlSequenceNode seq ? seq.Children.Select(c => ((YamlScalarNode)c).Value!).ToList() : []);

        Assert.Equal(ClauseIds, mapped.Keys);
        var problems = new List<string>();
        foreach (var (clause, pointers) in mapped)
        {
            if (pointers.Count == 0) problems.Add($"{clause}: no policy element");
            foreach (var pointer in pointers)
                if (Resolve(json, pointer) is null) problems.Add($"{clause}: {pointer} does not exist in the example");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void A_dangling_pointer_is_caught()
    {
        var json = JsonSerializer.SerializeToNode(PolicyCheck.Run(PolicyFixture.ExamplePath).Document!, PolicyLoader.Json)!;
        Assert.NotNull(Resolve(json, "/rights_requests/status_visible_for"));
        Assert.Null(Resolve(json, "/purposes/no-such-purpose"));
        Assert.Null(Resolve(json, "/rights_requests/status_visible_forever"));
    }

    /// <summary>RFC 6901 JSON Pointer over the policy as JSON.</summary>
    private static JsonNode? Resolve(JsonNode root, string pointer)
    {
        if (!pointer.StartsWith('/')) return null;
        JsonNode? node = root;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var part = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o => o.TryGetPropertyValue(part, out var child) ? child : null,
                JsonArray a when int.TryParse(part, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    [Fact]
    public async Task A_new_installation_publishes_the_example_and_shows_a_complete_notice()
    {
        await using var app = await StewardTestApp.StartAsync(s => s["Policy:PublishBundledExample"] = "true");
        var client = app.Client();
        var zh = await client.GetStringAsync("/privacy?lang=zh-CN");
        // GDPR Art. 13/14 contents, as a reader finds them.
        foreach (var expected in new[]
                 {
                     "北风环球科技",            // controller identity
                     "数据保护官",              // DPO
                     "代表人",                  // representatives (GDPR Art. 27)
                     "欧盟标准合同条款",        // transfer safeguard
                     "控制方企业约束规则",      // BCR-C
                     "保留期限",                // retention
                     "您的权利",                // rights
                     "投诉",                    // complaint to a regulator
                     "信息来源",                // source (Art. 14)
                     "我们的合法权益",          // legitimate interests
                     "Cookie 首选项",           // cookie settings (S12.3)
                     "隐私声明更新",            // updates
                 })
            Assert.Contains(expected, zh, StringComparison.Ordinal);
        var en = await client.GetStringAsync("/privacy?lang=en");
        Assert.Contains("Northwind", en, StringComparison.Ordinal);
        Assert.DoesNotContain("example-policy", en, StringComparison.Ordinal);

        var restart = await StewardCli.RunAsync(app.Database, "", "policy", "versions");
        Assert.Contains("Example policy bundled with Steward", restart.Stdout, StringComparison.Ordinal);
    }
}
