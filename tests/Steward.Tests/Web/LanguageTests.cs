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
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract" && !p.PropertyType.IsValueType))
        {
            var punctuation = p.GetCustomAttribute<PunctuationAttribute>() is not null;
            var same = p.GetCustomAttribute<SameInBothLanguagesAttribute>() is not null;
            var (en, zh) = (Texts(p.GetValue(english)), Texts(p.GetValue(chinese)));
            var name = $"{type.Name}.{p.Name}";
            Assert.True(en.Count > 0, $"{name} has no English text.");
            Assert.True(en.Keys.Order().SequenceEqual(zh.Keys.Order()), $"{name} does not have the same entries in English and in Chinese.");
            foreach (var (key, text) in en)
            {
                Assert.True(text is not null, $"{name}[{key}] is missing in English.");
                Assert.True(zh[key] is not null, $"{name}[{key}] is missing in Chinese.");
                if (punctuation) continue;
                Assert.False(string.IsNullOrWhiteSpace(text), $"{name}[{key}] is empty in English.");
                Assert.False(string.IsNullOrWhiteSpace(zh[key]), $"{name}[{key}] is empty in Chinese.");
                // A loanword Chinese writes in Latin letters ("Cookie") is the English word.
                if (!same && !zh[key]!.Equals(text, StringComparison.OrdinalIgnoreCase))
                    Assert.True(Cjk().IsMatch(zh[key]!), $"{name}[{key}] is not Chinese: '{zh[key]}'.");
                Assert.Equal(Placeholders(text!), Placeholders(zh[key]!));
            }
            // Display names of enum values: every value of every enum they name.
            if (p.GetValue(english) is IReadOnlyDictionary<Enum, string> names)
                foreach (var enumType in names.Keys.Select(k => k.GetType()).Distinct())
                    foreach (var value in Enum.GetValues(enumType).Cast<Enum>())
                        Assert.True(names.ContainsKey(value), $"{name} has no name for {enumType.Name}.{value}.");
        }
    }

    private static Dictionary<string, string?> Texts(object? value) => value switch
    {
        string s => new() { [""] = s },
        IReadOnlyDictionary<Enum, string> map => map.ToDictionary(e => $"{e.Key.GetType().Name}.{e.Key}", e => (string?)e.Value),
        IEnumerable<string> list => list.Select((t, i) => (t, i)).ToDictionary(x => x.i.ToString(System.Globalization.CultureInfo.InvariantCulture), x => (string?)x.t),
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
