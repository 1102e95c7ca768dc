using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Steward.Tests.Infrastructure;
using Steward.Web;

namespace Steward.Tests.Web;

public sealed partial class LanguageTests
{
    [Theory]
    [InlineData("zh;q=0, fr", "en")]
    [InlineData("zh-CN;q=0, en;q=0", "en")]
    [InlineData("fr, zh-CN;q=0.5", "zh-CN")]
    [InlineData("fr;q=0.9, en;q=0.1, zh-Hans;q=0.5", "zh-CN")]
    [InlineData("en-GB, zh-CN;q=0.8", "en")]
    public async Task Accept_language_is_read_by_quality_and_zero_means_not_wanted(string header, string expected)
    {
        await using var app = await StewardTestApp.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
        request.Headers.TryAddWithoutValidation("Accept-Language", header);
        var html = await (await app.Client().SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains($"<html lang=\"{expected}\">", html, StringComparison.Ordinal);
    }

    /// <summary>Every implementation of <see cref="ILocalised{TSelf}"/> in the application.</summary>
    public static TheoryData<string> StringsTypes() =>
        [.. typeof(Language).Assembly.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ILocalised<>)))
            .Select(t => t.FullName!)];

    [Theory]
    [MemberData(nameof(StringsTypes))]
    public void Every_text_exists_in_english_and_in_chinese(string typeName)
    {
        var type = typeof(Language).Assembly.GetType(typeName)!;
        var english = type.GetProperty("English", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var chinese = type.GetProperty("Chinese", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract"))
        {
            var same = p.GetCustomAttribute<SameInBothLanguagesAttribute>() is not null;
            var (en, zh) = (Texts(p.GetValue(english)), Texts(p.GetValue(chinese)));
            Assert.True(en.Count > 0, $"{type.Name}.{p.Name} has no English text.");
            Assert.True(en.Count == zh.Count, $"{type.Name}.{p.Name} has {en.Count} English and {zh.Count} Chinese texts.");
            for (var i = 0; i < en.Count; i++)
            {
                Assert.False(string.IsNullOrWhiteSpace(en[i]), $"{type.Name}.{p.Name}[{i}] is empty in English.");
                Assert.False(string.IsNullOrWhiteSpace(zh[i]), $"{type.Name}.{p.Name}[{i}] is empty in Chinese.");
                if (!same) Assert.True(Cjk().IsMatch(zh[i]), $"{type.Name}.{p.Name}[{i}] is not Chinese: '{zh[i]}'.");
                Assert.Equal(Placeholders(en[i]), Placeholders(zh[i]));
            }
        }
    }

    private static List<string> Texts(object? value) => value switch
    {
        string s => [s],
        IEnumerable<string> list => [.. list],
        System.Collections.IDictionary map => [.. map.Values.Cast<object?>().Select(v => v?.ToString() ?? "")],
        _ => [],
    };

    private static List<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public async Task The_content_security_policy_allows_the_page_styles_by_hash_and_no_other_inline_style()
    {
        await using var app = await StewardTestApp.StartAsync();
        var response = await app.Client().GetAsync("/account/sign-in");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var style = Style().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.Contains($"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)))}'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"[\u3000-\u303F\u4E00-\u9FFF\uFF00-\uFFEF]")]
    private static partial Regex Cjk();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex Style();
}
