using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Steward.Policy.Model;

namespace Steward.Policy;

/// <summary>The JSON Schema of the policy format, generated from the model so it can never drift from the loader.</summary>
internal static class PolicySchema
{
    public static string Generate()
    {
        var options = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Transform,
        };
        var schema = PolicyLoader.Json.GetJsonSchemaAsNode(typeof(PolicyDocument), options).AsObject();
        var ordered = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "Steward privacy policy",
        };
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            ordered[key] = value;
        }
        return ordered.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode schema)
    {
        var type = context.TypeInfo.Type;
        if (type == typeof(Duration) || Nullable.GetUnderlyingType(type) == typeof(Duration))
        {
            return new JsonObject
            {
                ["type"] = "string",
                ["pattern"] = "^(session|P(\\d{1,3}Y)?(\\d{1,4}M)?(\\d{1,4}W)?(\\d{1,5}D)?)$",
                ["description"] = "An ISO 8601 period such as P30D, P6M, P3Y, or 'session' for cookies.",
            };
        }
        if (schema is not JsonObject obj) return schema;
        if (type == typeof(LegalBases) && obj["items"] is JsonNode basis)
            return new JsonObject { ["anyOf"] = new JsonArray(basis.DeepClone(), obj.DeepClone()) };

        // Object schemas are inlined where a property uses them, so this runs at every use.
        if (context.TypeInfo.Kind == JsonTypeInfoKind.Object)
        {
            obj["additionalProperties"] = false;
            var required = context.TypeInfo.Properties
                .Where(p => p.AttributeProvider is PropertyInfo pi && pi.GetCustomAttribute<RequiredAttribute>() is not null || type == typeof(LocalizedText))
                .Select(p => (JsonNode)p.Name).ToArray();
            if (required.Length > 0) obj["required"] = new JsonArray(required);
            if (context.PropertyInfo is null && type.GetCustomAttribute<DescriptionAttribute>() is { } typeDescription) obj["description"] = typeDescription.Description;
        }
        if (context.PropertyInfo?.AttributeProvider is PropertyInfo property && property.GetCustomAttribute<DescriptionAttribute>() is { } description)
            obj.Insert(0, "description", description.Description);
        return obj;
    }
}
