using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Steward.Connectors;

/// <summary>What a step is run for: reading rows for the person, and/or preparing their erasure.</summary>
[Flags]
internal enum CollectFor
{
    Keys = 0,
    Access = 1,
    Erasure = 2,
}

/// <summary>A computed replacement (hash, HMAC, random text) for one row, made once so that repeating an erasure writes the same value.</summary>
internal sealed record MaskedValue(object Key, string Value);

/// <summary>
/// What one step found, serialisable so the caller can persist it and resume a request after a crash without
/// re-running finished steps. It carries personal data (rows, key values): store it as the request's own data.
/// </summary>
internal sealed record StepOutput(
    string Collection,
    Dictionary<string, List<object>> Keys,
    List<object>? RowKeys,
    Dictionary<string, List<object>> Inputs,
    List<Dictionary<string, object?>>? Rows,
    Dictionary<string, List<MaskedValue>>? Masks)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new ScalarConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static StepOutput FromJson(string json) => JsonSerializer.Deserialize<StepOutput>(json, Json)
        ?? throw new JsonException("A step output is empty.");

    public int RowCount => RowKeys?.Count ?? Rows?.Count ?? 0;

    /// <summary>Key values come back from JSON as whole numbers (long) or text, the two forms keys take in a plan.</summary>
    private sealed class ScalarConverter : JsonConverter<object>
    {
        public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt64(out var l) => l,
            JsonTokenType.Number => reader.GetDouble(),
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.Null => null,
            _ => JsonDocument.ParseValue(ref reader).RootElement.Clone(),
        };

        public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options)
        {
            switch (value)
            {
                case byte[] bytes: writer.WriteBase64StringValue(bytes); break;
                case DateTime d: writer.WriteStringValue(d.ToString("O", CultureInfo.InvariantCulture)); break;
                default: JsonSerializer.Serialize(writer, value, value.GetType(), options); break;
            }
        }
    }
}
