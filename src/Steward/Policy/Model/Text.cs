using System.Text.Json.Serialization;

namespace Steward.Policy.Model;

/// <summary>A public text in both languages of the notice. Both are required.</summary>
internal sealed class LocalizedText
{
    public string? En { get; set; }

    [JsonPropertyName("zh-CN")]
    public string? ZhCn { get; set; }

    /// <summary>The text in <paramref name="lang"/> (en or zh-CN), falling back to the other language.</summary>
    public string In(string lang) => Web.Language.Pick(lang, En ?? ZhCn, ZhCn ?? En) ?? "";

    public override string ToString() => En ?? ZhCn ?? "";
}
