using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Policy;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Policy;

public sealed class PublishingTests
{
    [Fact]
    public async Task Check_prints_located_problems_and_exits_1()
    {
        var path = PolicyFixture.Write(PolicyFixture.Minimal.Swap("  scope: {", "  scoop: {"));
        var r = await StewardCli.RunAsync((TestDatabase?)null, "", "policy", "check", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"{path}:4:3: error POL002: Unknown field 'scoop' in 'organisation'; did you mean 'scope'?", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);

        var ok = await StewardCli.RunAsync((TestDatabase?)null, "", "policy", "check", PolicyFixture.MinimalPath);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("ok: 2 purposes", ok.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_stores_a_version_once_and_lists_it()
    {
        await using var db = await TestDatabase.CreateAsync();
        var first = await StewardCli.RunAsync(db, "", "policy", "publish", PolicyFixture.MinimalPath, "--significant", "--summary", "First version", "--effective", "2099-01-15");
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("published version 1 (effective 2099-01-15, significant", first.Stdout, StringComparison.Ordinal);

        var again = await StewardCli.RunAsync(db, "", "policy", "publish", PolicyFixture.MinimalPath);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("unchanged: identical to version 1", again.Stdout, StringComparison.Ordinal);

        var versions = await StewardCli.RunAsync(db, "", "policy", "versions");
        Assert.Equal(0, versions.ExitCode);
        Assert.Contains("2099-01-15  yes", versions.Stdout, StringComparison.Ordinal);
        Assert.Contains("First version", versions.Stdout, StringComparison.Ordinal);

        var audit = await StewardCli.RunAsync(db, "", "audit", "tail");
        Assert.Single(audit.Stdout.Split('\n'), l => l.Contains("policy.published", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_policy_is_never_published()
    {
        await using var db = await TestDatabase.CreateAsync();
        var path = PolicyFixture.Write(PolicyFixture.Minimal.Swap("legal_basis: { default: contract }", "legal_basis: { eu-gdpr: contract }"));
        var r = await StewardCli.RunAsync(db, "", "policy", "publish", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("POL010", r.Stderr, StringComparison.Ordinal);
        var versions = await StewardCli.RunAsync(db, "", "policy", "versions");
        Assert.Contains("no versions published yet", versions.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_rejects_a_malformed_effective_date()
    {
        await using var db = await TestDatabase.CreateAsync();
        var r = await StewardCli.RunAsync(db, "", "policy", "publish", PolicyFixture.MinimalPath, "--effective", "15/01/2026");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("YYYY-MM-DD", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_says_what_changed_in_words()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.MinimalPath);
        var changed = PolicyFixture.Minimal
            .Swap("data_categories: [user.name, user.contact.email]", "data_categories: [user.name, user.contact.email, user.contact.phone_number]")
            .Swap("legal_basis: { default: contract }", "legal_basis: { default: contract, cn-pipl: consent }\n    consent: { mechanism: checkbox, separate: true }")
            .Swap("      period: P3Y\n", "      period: P2Y\n")
            .Swap("recipients:\n  hosting:", "recipients:\n  auditors: { kind: adviser, name: { en: Our auditors, zh-CN: 我们的审计师 } }\n  hosting:");
        await app.PublishAsync(PolicyFixture.Write(changed));

        var en = await StewardCli.RunAsync(app.Database, "", "policy", "diff", "1", "2");
        Assert.Equal(0, en.ExitCode);
        Assert.Contains("“Running your account” now also collects", en.Stdout, StringComparison.Ordinal);
        Assert.Contains("legal basis in Mainland China (PIPL) changed from performing a contract with you to your consent", en.Stdout, StringComparison.Ordinal);
        Assert.Contains("retention changed from “3 years, after the account is closed” to “2 years, after the account is closed”", en.Stdout, StringComparison.Ordinal);
        Assert.Contains("+ New recipient “Our auditors”", en.Stdout, StringComparison.Ordinal);

        var zh = await StewardCli.RunAsync(app.Database, "", "policy", "diff", "1", "2", "--lang", "zh-CN");
        Assert.Contains("新增接收方“我们的审计师”", zh.Stdout, StringComparison.Ordinal);

        var missing = await StewardCli.RunAsync(app.Database, "", "policy", "diff", "1", "9");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no policy version 9", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_publishes_with_the_same_located_problems_as_the_cli()
    {
        await using var app = await StewardTestApp.StartAsync();
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);

        var broken = PolicyFixture.Minimal.Swap("    activity: marketing", "    activity: marketting");
        var bad = await officer.PostAsJsonAsync("/api/v1/policy/versions", new { policy = broken });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        var first = problem.GetProperty("problems")[0];
        Assert.Equal("POL008", first.GetProperty("code").GetString());
        Assert.Equal(PolicyFixture.LineOf(broken, "activity: marketting"), first.GetProperty("line").GetInt32());
        Assert.Contains("did you mean 'marketing'", first.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await app.Services<PolicyStore>().ListAsync(CancellationToken.None));

        var created = await officer.PostAsJsonAsync("/api/v1/policy/versions", new { policy = PolicyFixture.Minimal, significant = true, summary = "Initial", effectiveDate = "2026-03-02" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/policy/versions/1", created.Headers.Location?.OriginalString);
        var same = await officer.PostAsJsonAsync("/api/v1/policy/versions", new { policy = PolicyFixture.Minimal });
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);

        await using var db = await app.DbAsync();
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == "policy.published");
        Assert.Equal("key:test-privacy-officer", entry.Actor);
    }

    [Fact]
    public async Task Api_refuses_includes_so_no_server_file_can_be_read()
    {
        await using var app = await StewardTestApp.StartAsync();
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        var yaml = PolicyFixture.Minimal.Swap("steward: 1", "steward: 1\ninclude: [/etc/passwd]");
        var response = await officer.PostAsJsonAsync("/api/v1/policy/versions", new { policy = yaml });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("'include' is not available", body, StringComparison.Ordinal);
        Assert.DoesNotContain("root", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_answers_malformed_json_and_wrong_types_with_400()
    {
        await using var app = await StewardTestApp.StartAsync();
        var officer = await app.ClientForRoleAsync(Roles.PrivacyOfficer);
        var malformed = await officer.PostAsync("/api/v1/policy/versions", new StringContent("{\"policy\": \"x\",", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        var wrongType = await officer.PostAsync("/api/v1/policy/versions", new StringContent("{\"policy\": \"x\", \"significant\": \"very\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        var detail = (await wrongType.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("significant", detail, StringComparison.Ordinal);
        var empty = await officer.PostAsJsonAsync("/api/v1/policy/versions", new { policy = "" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task Api_reads_the_current_policy_and_versions_publicly()
    {
        await using var app = await StewardTestApp.StartAsync();
        var anonymous = app.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/v1/policy")).StatusCode);
        await app.PublishAsync(PolicyFixture.MinimalPath);
        var current = await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/policy");
        Assert.Equal(1, current.GetProperty("version").GetProperty("version").GetInt32());
        Assert.Equal("contract", current.GetProperty("policy").GetProperty("purposes").GetProperty("account").GetProperty("legal_basis").GetProperty("default")[0].GetString());
        var list = await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/policy/versions");
        Assert.Equal(1, list.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/v1/policy/versions/7")).StatusCode);
    }

    [Fact]
    public async Task Record_of_processing_comes_as_csv_and_json_for_officers_and_auditors()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.MinimalPath);
        var auditor = await app.ClientForRoleAsync(Roles.Auditor);
        var json = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/ropa?format=json");
        Assert.Equal(2, json.GetArrayLength());
        var account = json[0];
        Assert.Equal("account", account.GetProperty("purpose_key").GetString());
        Assert.Contains("United States", account.GetProperty("transfers").GetString(), StringComparison.Ordinal);
        Assert.Contains("EU standard contractual clauses", account.GetProperty("transfers").GetString(), StringComparison.Ordinal);
        Assert.Contains("3 years", account.GetProperty("retention").GetString(), StringComparison.Ordinal);
        Assert.Contains("Example UK Ltd", account.GetProperty("controller").GetString(), StringComparison.Ordinal);

        var csv = await auditor.GetAsync("/api/v1/ropa?format=csv&lang=zh-CN");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Contains("处理目的,说明", text, StringComparison.Ordinal);
        Assert.Equal(3, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

        Assert.Equal(HttpStatusCode.BadRequest, (await auditor.GetAsync("/api/v1/ropa?format=xml")).StatusCode);
        var agent = await app.ClientForRoleAsync(Roles.DsrAgent);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/ropa")).StatusCode);
    }

    [Fact]
    public async Task Cli_exports_the_record_of_processing_and_the_notice_to_files()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.PublishAsync(PolicyFixture.MinimalPath);
        var dir = Directory.CreateTempSubdirectory("steward-out-").FullName;
        foreach (var format in new[] { "csv", "json", "html" })
        {
            var file = Path.Combine(dir, "ropa." + format);
            var r = await StewardCli.RunAsync(app.Database, "", "policy", "ropa", "--format", format, "-o", file);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("Running your account", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        }
        var md = Path.Combine(dir, "notice.md");
        Assert.Equal(0, (await StewardCli.RunAsync(app.Database, "", "notice", "render", "--lang", "zh-CN", "--format", "md", "-o", md)).ExitCode);
        Assert.StartsWith("# 隐私声明", await File.ReadAllTextAsync(md), StringComparison.Ordinal);

        var noFolder = await StewardCli.RunAsync(app.Database, "", "notice", "render", "--lang", "en", "--format", "html", "-o", Path.Combine(dir, "missing", "n.html"));
        Assert.Equal(1, noFolder.ExitCode);
        Assert.Contains("folder does not exist", noFolder.Stderr, StringComparison.Ordinal);
        var badLang = await StewardCli.RunAsync(app.Database, "", "notice", "render", "--lang", "fr", "--format", "html");
        Assert.Equal(2, badLang.ExitCode);
        var emptyName = await StewardCli.RunAsync(app.Database, "", "notice", "render", "--lang", "en", "--format", "html", "-o", "");
        Assert.Equal(2, emptyName.ExitCode);
        Assert.Single(emptyName.StderrLines);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public async Task Schema_in_docs_is_the_generated_one()
    {
        var generated = PolicySchema.Generate();
        var path = Repository.PathOf("docs", "policy.schema.json");
        if (Repository.UpdateSnapshots) await File.WriteAllTextAsync(path, generated);
        Assert.Equal(generated, await File.ReadAllTextAsync(path));
    }
}
